"""Connected components over verified pairs.

components(): union-find done as vectorised hook-and-compress, for one machine (resolve()).

large_star() / small_star() / settled(): the steps of the large-star / small-star algorithm (Kiveris,
Lattanzi, Mirrokni, Rastogi, Vassilvitskii, "Connected Components in MapReduce and Beyond", SoCC 2014)
for engines that shuffle (jobs/spark_dedup.py, jobs/beam_dedup.py). Each step sees one node and its
neighbours, never the whole graph. Edges are (child, parent) with child > parent; both steps keep the
connectivity and end in a forest of stars whose centres are the smallest node of their component, so
the label of a node is its parent (a centre labels itself): the label components() gives. Nodes are any
totally ordered values (indices, or the engines' (id, release, ...) tuples).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import numpy as np

N = TypeVar("N", bound=Any)
MAX_ROUNDS = 64  # large-star / small-star needs O(log^2 n) rounds; a graph that takes more is a bug


def components(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(nodes, label): the distinct documents of the edges a[i]-b[i], each labelled with the smallest
    node index of its component. Deterministic: labels do not depend on edge order."""
    nodes, inverse = np.unique(np.concatenate([a, b]), return_inverse=True)
    u, v = inverse[: len(a)], inverse[len(a) :]
    label = np.arange(len(nodes))
    while True:
        before = label.copy()
        lu, lv = label[u], label[v]
        low = np.minimum(lu, lv)
        np.minimum.at(label, lu, low)  # hook each root onto the smaller root across an edge
        np.minimum.at(label, lv, low)
        while True:  # compress: point every node at its root
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label, before):
            return nodes, nodes[label]


def edge(u: N, v: N) -> tuple[N, N]:
    """An undirected edge as (child, parent): the larger node first."""
    return (u, v) if u > v else (v, u)


def large_star(node: N, neighbours: Iterable[N]) -> list[tuple[N, N]]:
    """Large-star at `node` (given all its neighbours): every strictly larger neighbour is linked to the
    smallest node of the neighbourhood, `node` included."""
    around = set(neighbours)
    low = min(around | {node})
    return [(v, low) for v in sorted(around) if v > node]


def small_star(node: N, smaller: Iterable[N]) -> list[tuple[N, N]]:
    """Small-star at `node` (given its smaller neighbours): the node and its smaller neighbours are linked
    to the smallest of them."""
    around = set(smaller) | {node}
    low = min(around)
    return [(v, low) for v in sorted(around) if v != low]


def settled(node: N, neighbours: Iterable[N]) -> bool:
    """Whether `node` sits in a star: at most one smaller neighbour (its parent), and a node with a parent
    has no larger neighbour (children). When every node is settled the graph is a forest of stars."""
    around = set(neighbours)
    parents = sum(1 for v in around if v < node)
    return parents == 0 or (parents == 1 and all(v < node for v in around))
