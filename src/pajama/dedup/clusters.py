"""Near-duplicate clusters from verified pairs: keepers, removals and the numbers the manifest shows.

The pieces are shared with the engines that resolve in their own shuffle (pajama.dedup.shuffle):
keep_clusters() decides any set of complete clusters, describe() summarizes one, cluster_stats() turns
cluster sizes and the summaries of the largest and oversized clusters into the manifest's numbers.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from pajama import arrowcols
from pajama.dedup.components import components
from pajama.dedup.load import Docs

log = logging.getLogger(__name__)
SAMPLE = 10


@dataclass
class Clusters:
    removed: np.ndarray
    keeper: np.ndarray
    stats: dict[str, Any] = field(default_factory=dict)


@dataclass
class Kept:
    """Clusters decided by the keep rule: members sorted by (label, priority), each cluster's first kept."""

    nodes: np.ndarray
    starts: np.ndarray  # index into nodes of each cluster's first (kept) member, clusters in label order
    sizes: np.ndarray
    removed: np.ndarray
    keeper: np.ndarray  # keeper[i] is the document removed[i] duplicates


@dataclass
class Summary:
    """Cluster numbers that merge associatively: {size: clusters}, the largest cluster (size, label,
    description; ties go to the smallest label, as in resolve()), oversized clusters (label, description)."""

    size_counts: dict[int, int] = field(default_factory=dict)
    largest: tuple[int, Any, dict[str, Any]] | None = None
    oversized: list[tuple[Any, dict[str, Any]]] = field(default_factory=list)


def merge_summaries(summaries: Iterable[Summary]) -> Summary:
    out = Summary()
    for s in summaries:
        for size, n in s.size_counts.items():
            out.size_counts[size] = out.size_counts.get(size, 0) + n
        if s.largest is not None and (out.largest is None or _rank(s.largest) < _rank(out.largest)):
            out.largest = s.largest
        out.oversized.extend(s.oversized)
    out.oversized.sort(key=lambda o: o[0])
    return out


def _rank(largest: tuple[int, Any, dict[str, Any]]) -> tuple[int, Any]:
    return -largest[0], largest[1]


def keep_clusters(nodes: np.ndarray, label: np.ndarray, prio: np.ndarray, previous: np.ndarray) -> Kept:
    """Keep the best-priority member of each cluster (nodes with equal label); remove the others,
    except documents of previous releases. `nodes` index `prio` and `previous`."""
    order = np.lexsort((prio[nodes], label))
    nodes, label = nodes[order], label[order]
    start = np.concatenate([[True], label[1:] != label[:-1]])[: len(nodes)]
    starts = np.flatnonzero(start)
    sizes = np.diff(np.concatenate([starts, [len(nodes)]]))
    keeper_of = np.repeat(nodes[starts], sizes)
    dup = ~start & ~previous[nodes]
    return Kept(nodes, starts, sizes, nodes[dup], keeper_of[dup])


def size_histogram(counts: Mapping[int, int]) -> dict[str, int]:
    """Cluster counts ({size: clusters}) in power-of-two bins: "2", "3-4", "5-8", ..."""
    out: dict[str, int] = {}
    for size in sorted(counts):
        hi = 1 << max(1, (size - 1).bit_length())
        label = "2" if hi == 2 else f"{hi // 2 + 1}-{hi}"
        out[label] = out.get(label, 0) + int(counts[size])
    return out


def describe(docs: Docs, members: np.ndarray, keeper: int, reason: str) -> dict[str, Any]:
    """One cluster for the manifest: its size, id, kept document and its first members in id order."""
    ids = docs.ids.take(arrowcols.numbers(np.sort(members)[:SAMPLE])).to_pylist()
    kept = docs.ids[keeper].as_py()
    return {"size": len(members), "cluster_id": f"{reason}:{kept}", "kept": kept, "sample": ids}


def cluster_stats(
    size_counts: Mapping[int, int], largest: dict[str, Any] | None, oversized: list[dict[str, Any]], max_cluster: int
) -> dict[str, Any]:
    """The manifest's cluster numbers; `largest` and `oversized` are describe() summaries (oversized in
    label order, largest the first in label order among the largest)."""
    for info in oversized:
        log.warning(
            "dedup: near-duplicate cluster of %d documents (max_cluster %d), kept %s",
            info["size"],
            max_cluster,
            info["kept"],
        )
    return {
        "clusters": int(sum(size_counts.values())),
        "cluster_sizes": size_histogram(size_counts),
        "largest_cluster": largest,
        "oversized_clusters": oversized,
    }


def clusters(docs: Docs, a: np.ndarray, b: np.ndarray, prio: np.ndarray, max_cluster: int) -> Clusters:
    """Components of the verified pairs; the best-priority member of each is kept."""
    nodes, label = components(a, b)
    kept = keep_clusters(nodes, label, prio, docs.previous)
    if len(kept.sizes) == 0:
        return Clusters(kept.removed, kept.keeper, cluster_stats({}, None, [], max_cluster))
    sizes, counts = np.unique(kept.sizes, return_counts=True)

    def summary(g: int) -> dict[str, Any]:
        lo = int(kept.starts[g])
        return describe(docs, kept.nodes[lo : lo + int(kept.sizes[g])], int(kept.nodes[lo]), "minhash")

    largest = summary(int(np.argmax(kept.sizes)))
    oversized = [summary(g) for g in np.flatnonzero(kept.sizes > max_cluster).tolist()]
    stats = cluster_stats(dict(zip(sizes.tolist(), counts.tolist(), strict=True)), largest, oversized, max_cluster)
    return Clusters(kept.removed, kept.keeper, stats)
