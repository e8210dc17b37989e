"""Scoring dedup decisions against the corpus's planted duplicates (truth.parquet).

A planted cluster is an original and all its copies (exact and near, planted or by chance). The keep
rule may keep any member (the longest text wins), so a copy-original pair counts as found when at most
one of the two survives, and as missed when both do. Over-removal: documents removed outside every
planted cluster (near-duplicates nobody planted, or false positives), and clusters removed entirely.
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path
from typing import Any

JACCARD_BINS = ((0.8, 0.85), (0.85, 0.9), (0.9, 1.01))


def load(corpus: Path) -> list[dict[str, Any]]:
    import pyarrow.parquet as pq

    return pq.read_table(corpus / "truth.parquet", columns=["id", "dup", "dup_of", "jaccard"]).to_pylist()


def clusters(rows: list[dict[str, Any]]) -> dict[str, str]:
    """{member id: cluster root id} for every document that is a copy or has copies."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for row in rows:
        if row["dup"]:
            a, b = find(row["id"]), find(row["dup_of"])
            parent[a] = b
            parent.setdefault(b, b)
    return {x: find(x) for x in parent}


def score(
    rows: list[dict[str, Any]], removed: Collection[str], present: Collection[str] | None = None
) -> dict[str, Any]:
    """Recall per duplicate type (pairs found / planted) and over-removal, for the documents in `present`."""
    present_set = set(present) if present is not None else {r["id"] for r in rows}
    removed_set = set(removed)
    root = clusters(rows)
    pairs: dict[str, list[int]] = {}
    for row in rows:
        if not row["dup"] or row["id"] not in present_set or row["dup_of"] not in present_set:
            continue
        both_kept = row["id"] not in removed_set and row["dup_of"] not in removed_set
        labels = [row["dup"]]
        if row["dup"] == "near":
            labels += [f"near J {lo:.2f}-{min(hi, 1):.2f}" for lo, hi in JACCARD_BINS if lo <= row["jaccard"] < hi]
        for label in labels:
            found, total = pairs.setdefault(label, [0, 0])
            pairs[label] = [found + (not both_kept), total + 1]
    members: dict[str, int] = {}
    survivors: dict[str, int] = {}
    for doc, r in root.items():
        if doc in present_set:
            members[r] = members.get(r, 0) + 1
            survivors[r] = survivors.get(r, 0) + (doc not in removed_set)
    outside = sum(1 for doc in removed_set if doc not in root)
    return {
        "recall": {k: round(f / t, 4) for k, (f, t) in sorted(pairs.items())},
        "pairs": {k: t for k, (_, t) in sorted(pairs.items())},
        "expected_removed": sum(n - 1 for n in members.values()),
        "removed": len(removed_set),
        "removed_outside_planted": outside,
        "clusters_emptied": sum(1 for r in members if survivors[r] == 0),
        "clusters_left_with_copies": sum(1 for r in members if survivors[r] > 1),
    }
