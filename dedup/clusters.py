"""Near-duplicate clusters from verified pairs: keepers, removals and the numbers the manifest shows."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from pajama.dedup.components import components
from pajama.dedup.load import Docs

log = logging.getLogger(__name__)
SAMPLE = 10


@dataclass
class Clusters:
    removed: np.ndarray
    keeper: np.ndarray
    stats: dict[str, Any] = field(default_factory=dict)


def size_histogram(sizes: np.ndarray) -> dict[str, int]:
    """Cluster counts in power-of-two bins: "2", "3-4", "5-8", ..."""
    out: dict[str, int] = {}
    for size in sorted(set(sizes.tolist())):
        hi = 1 << max(1, (size - 1).bit_length())
        label = "2" if hi == 2 else f"{hi // 2 + 1}-{hi}"
        out[label] = out.get(label, 0) + int(np.count_nonzero(sizes == size))
    return out


def _describe(docs: Docs, members: np.ndarray, keeper: int, reason: str) -> dict[str, Any]:
    ids = docs.ids.take(np.sort(members)[:SAMPLE]).to_pylist()
    kept = docs.ids[keeper].as_py()
    return {"size": len(members), "cluster_id": f"{reason}:{kept}", "kept": kept, "sample": ids}


def clusters(docs: Docs, a: np.ndarray, b: np.ndarray, prio: np.ndarray, max_cluster: int) -> Clusters:
    """Components of the verified pairs; the best-priority member of each is kept."""
    nodes, label = components(a, b)
    if len(nodes) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Clusters(
            empty, empty, {"clusters": 0, "cluster_sizes": {}, "largest_cluster": None, "oversized_clusters": []}
        )
    order = np.lexsort((prio[nodes], label))
    nodes, label = nodes[order], label[order]
    start = np.concatenate([[True], label[1:] != label[:-1]])
    group_start = np.flatnonzero(start)
    sizes = np.diff(np.concatenate([group_start, [len(nodes)]]))
    keeper_of = np.repeat(nodes[group_start], sizes)
    dup = ~start & ~docs.previous[nodes]
    biggest = int(np.argmax(sizes))
    largest = _describe(
        docs,
        nodes[group_start[biggest] : group_start[biggest] + sizes[biggest]],
        int(nodes[group_start[biggest]]),
        "minhash",
    )
    oversized = []
    for g in np.flatnonzero(sizes > max_cluster).tolist():
        members = nodes[group_start[g] : group_start[g] + sizes[g]]
        info = _describe(docs, members, int(nodes[group_start[g]]), "minhash")
        log.warning(
            "dedup: near-duplicate cluster of %d documents (max_cluster %d), kept %s",
            info["size"],
            max_cluster,
            info["kept"],
        )
        oversized.append(info)
    stats = {
        "clusters": len(sizes),
        "cluster_sizes": size_histogram(sizes),
        "largest_cluster": largest,
        "oversized_clusters": oversized,
    }
    return Clusters(nodes[dup], keeper_of[dup], stats)
