"""Connected components over verified pairs (union-find done as vectorised hook-and-compress)."""

from __future__ import annotations

import numpy as np


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
