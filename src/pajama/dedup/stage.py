"""The dedup stage as the engine calls it: Featurizer per input, resolve() once, write_signatures().

Order of the stages: exact first (equal normalized text), then url (captures of one URL, the latest
kept) over what exact kept, then MinHash near-duplicates over what both kept. Every removed document
names the document it duplicates in the stage that removed it (`duplicate_of`, which may itself be
removed by a later stage: follow the chain) and its cluster, "<stage>:<kept id>".

Determinism: documents are indexed by id, never by arrival; the keep rule (keep.KEEP_RULE) decides
every cluster; the result does not depend on the order of the feature files or on `workers`.

Memory: resolve() keeps about 120 bytes per document in RAM plus its id and url (ids, ranks,
lengths, exact hashes, keep order). Signatures (4 x num_perm bytes per document) live in a
memory-mapped file in `work_dir`; band keys (14 bytes x bands per document) are written to
hash-partitioned files there, and each worker holds one partition (at most ~128 MB of records, sorted)
at a time. Verification reads signatures of candidate pairs in chunks. So RAM grows linearly with
documents at ~0.2 KB each, disk at ~(4 x num_perm + 14 x bands) bytes each.
"""

from __future__ import annotations

import json
import math
import multiprocessing
import os
import shutil
import tempfile
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from itertools import repeat
from typing import Any

import numpy as np
import pyarrow.parquet as pq

from pajama import arrowcols
from pajama.dedup import keep, lsh
from pajama.dedup.clusters import Clusters, clusters
from pajama.dedup.config import DedupConfig, MinhashConfig
from pajama.dedup.features import Featurizer, parameters
from pajama.dedup.load import Docs, load
from pajama.dedup.minhash import band_parameters, min_matches
from pajama.dedup.store import write_signatures

__all__ = ["DedupResult", "DupInfo", "Featurizer", "resolve", "result_of", "write_signatures"]

REASONS = ("dedup.exact", "dedup.url", "dedup.minhash")
PARTITION_BYTES = 128 << 20
MIN_PARTITIONS = 8  # fixed, not per worker: the recorded stats do not depend on `workers`
STATS_KEY = b"pajama.dedup.stats"


@dataclass
class DupInfo:
    duplicate_of: str
    cluster_id: str
    reason: str  # "dedup.exact" | "dedup.url" | "dedup.minhash"


@dataclass
class DedupResult:
    removed: dict[str, DupInfo] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    def save(self, path: str) -> None:
        """One Parquet file: the removals (sorted by id) with the stats as JSON in its metadata."""
        ids = sorted(self.removed)
        table = arrowcols.table(
            {
                "id": arrowcols.strings(ids),
                "duplicate_of": arrowcols.strings([self.removed[i].duplicate_of for i in ids]),
                "cluster_id": arrowcols.strings([self.removed[i].cluster_id for i in ids]),
                "reason": arrowcols.strings([self.removed[i].reason for i in ids]),
            }
        )
        table = table.replace_schema_metadata({STATS_KEY: json.dumps(self.stats, sort_keys=True)})
        pq.write_table(table, path, compression="zstd")

    @classmethod
    def load(cls, path: str) -> DedupResult:
        table = arrowcols.read_parquet(path)
        stats = json.loads((table.schema.metadata or {}).get(STATS_KEY, b"{}"))
        rows = zip(*(table.column(c).to_pylist() for c in ("id", "duplicate_of", "cluster_id", "reason")), strict=True)
        return cls({i: DupInfo(d, c, r) for i, d, c, r in rows}, stats)


def lsh_parameters(mh: MinhashConfig) -> dict[str, Any]:
    """Bands and rows as configured, or derived from the threshold (recorded either way)."""
    if mh.bands is not None and mh.rows is not None:
        return {"bands": mh.bands, "rows": mh.rows, "derived": False}
    derived = band_parameters(mh.threshold, mh.num_perm, mh.false_positive_weight, mh.false_negative_weight)
    weights = {"false_positive_weight": mh.false_positive_weight, "false_negative_weight": mh.false_negative_weight}
    return {**derived, **weights, "derived": True}


def resolve_parameters(cfg: DedupConfig) -> dict[str, Any]:
    """What the feature files must have been made with, and how pairs are verified."""
    params = parameters(cfg)
    if cfg.minhash is not None and cfg.minhash.enabled:
        params["verify"] = cfg.minhash.verify
    return params


def partition_count(members: int, bands: int) -> int:
    """Band-record partitions: each holds at most about PARTITION_BYTES of records."""
    return max(MIN_PARTITIONS, math.ceil(members * bands * lsh.RECORD.itemsize / PARTITION_BYTES))


def pair_check(mh: MinhashConfig) -> lsh.Check:
    """How this config checks candidate pairs (verify "none" accepts every candidate)."""
    params = lsh_parameters(mh)
    matches = 0 if mh.verify == "none" else min_matches(mh.threshold, mh.num_perm)
    return lsh.Check(int(params["bands"]), int(params["rows"]), matches, mh.threshold, mh.verify == "exact")


def _context() -> multiprocessing.context.BaseContext:
    # fork: workers only run numpy over memory-mapped files, and fork needs no __main__ guard in callers
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def _run_partitions(paths: list[str], verify: lsh.Verify, workers: int) -> list[dict[str, Any]]:
    if workers <= 1 or len(paths) <= 1:
        return [lsh.process_partition(p, verify) for p in paths]
    with ProcessPoolExecutor(max_workers=workers, mp_context=_context()) as pool:
        return list(pool.map(lsh.process_partition, paths, repeat(verify)))


def _minhash(
    docs: Docs, cfg: DedupConfig, alive: np.ndarray, scope: np.ndarray, prio: np.ndarray, tmp: str, workers: int
) -> tuple[Clusters, dict[str, Any]]:
    mh = cfg.minhash
    if mh is None or docs.signature_path is None:
        raise ValueError("MinHash dedup needs signatures in the feature files")
    check = pair_check(mh)
    members = np.flatnonzero(alive & (docs.n_shingles > 0))
    partitions = partition_count(len(members), check.bands)
    np.save(os.path.join(tmp, "prio.npy"), prio)
    np.save(os.path.join(tmp, "previous.npy"), docs.previous)
    verify = lsh.Verify(
        signature_path=docs.signature_path,
        prio_path=os.path.join(tmp, "prio.npy"),
        previous_path=os.path.join(tmp, "previous.npy"),
        bands=check.bands,
        rows=check.rows,
        min_matches=check.min_matches,
        threshold=check.threshold,
    )
    if check.exact and docs.shingle_start is not None and docs.shingle_count is not None:
        np.save(os.path.join(tmp, "shingle_start.npy"), docs.shingle_start)
        np.save(os.path.join(tmp, "shingle_count.npy"), docs.shingle_count)
        verify = replace(
            verify,
            shingle_path=docs.shingle_path,
            shingle_start_path=os.path.join(tmp, "shingle_start.npy"),
            shingle_count_path=os.path.join(tmp, "shingle_count.npy"),
        )
    paths = lsh.spill(docs.signature_path, members, scope, check.bands, check.rows, tmp, partitions)
    results = _run_partitions(paths, verify, workers)
    a = np.concatenate([r["a"] for r in results]) if results else np.zeros(0, np.int64)
    b = np.concatenate([r["b"] for r in results]) if results else np.zeros(0, np.int64)
    found = clusters(docs, a, b, prio, mh.max_cluster)
    stats = minhash_stats(
        mh,
        documents=len(members),
        candidates=int(sum(int(r["candidates"]) for r in results)),
        verified=len(a),
        capped=int(sum(int(r["capped_buckets"]) for r in results)),
        largest_bucket=max((int(r["largest_bucket"]) for r in results), default=0),
        cluster_stats=found.stats,
    )
    return found, stats


def minhash_stats(
    mh: MinhashConfig,
    *,
    documents: int,
    candidates: int,
    verified: int,
    capped: int,
    largest_bucket: int,
    cluster_stats: dict[str, Any],
) -> dict[str, Any]:
    """The manifest's minhash section from the numbers of the LSH and cluster steps."""
    params = lsh_parameters(mh)
    stats = {
        "params": {
            "threshold": mh.threshold,
            "num_perm": mh.num_perm,
            **params,
            "seed": mh.seed,
            "hash": mh.hash,
            "scheme": "affine32",
            "unit": mh.unit,
            "ngram": mh.ngram,
            "verify": mh.verify,
            "max_cluster": mh.max_cluster,
        },
        "documents": documents,
        "partitions": partition_count(documents, int(params["bands"])),
        "candidate_pairs": candidates,
        "verified_pairs": verified,
        "capped_buckets": capped,
        "largest_bucket": largest_bucket,
        **cluster_stats,
    }
    stats["rejected_pairs"] = candidates - verified
    return stats


def open_stats(cfg: DedupConfig, *, documents: int, previous_documents: int) -> dict[str, Any]:
    """The stats every resolve starts with; documents of this release and of previous ones."""
    return {
        "order": ["exact", "url", "minhash"],
        "scope": cfg.scope,
        "keep": keep.KEEP_RULE,
        "documents": documents,
        "previous_documents": previous_documents,
    }


def exact_stats(cfg: DedupConfig, *, groups: int, removed: int) -> dict[str, Any]:
    normalize = sorted(cfg.exact.normalize) if cfg.exact is not None else []
    return {"normalize": normalize, "groups": groups, "removed": removed}


def url_stats(*, groups: int, removed: int) -> dict[str, Any]:
    return {"groups": groups, "removed": removed}


def result_of(removals: Iterable[tuple[str, str, str, str]], stats: dict[str, Any]) -> DedupResult:
    """The result from (id, duplicate_of, reason, source) of every removed document; completes the stats
    (warnings, removal counts). The order of `removals` does not matter."""
    stats["warnings"] = [
        f"near-duplicate cluster of {c['size']} documents exceeds max_cluster "
        f"{stats['minhash']['params']['max_cluster']}: {c['cluster_id']}"
        for c in stats.get("minhash", {}).get("oversized_clusters", [])
    ]
    rows = sorted(removals)
    removed = {i: DupInfo(k, f"{n.split('.')[1]}:{k}", n) for i, k, n, _ in rows}
    names = [n for _, _, n, _ in rows]
    by_source: dict[str, dict[str, int]] = {}
    for _, _, name, src in rows:
        counts = by_source.setdefault(src, {})
        counts[name] = counts.get(name, 0) + 1
    stats["removed"] = len(removed)
    stats["removed_by_reason"] = {n: names.count(n) for n in REASONS if n in names}
    stats["removed_by_source"] = by_source
    return DedupResult(removed, stats)


def _mark(
    reason: np.ndarray, duplicate_of: np.ndarray, alive: np.ndarray, removed: np.ndarray, keeper: np.ndarray, code: int
) -> None:
    reason[removed] = code
    duplicate_of[removed] = keeper
    alive[removed] = False


def _result(docs: Docs, reason: np.ndarray, duplicate_of: np.ndarray, stats: dict[str, Any]) -> DedupResult:
    gone = np.flatnonzero(reason > 0)
    ids = docs.ids.take(arrowcols.numbers(gone)).to_pylist()
    kept = docs.ids.take(arrowcols.numbers(duplicate_of[gone])).to_pylist()
    names = [REASONS[c - 1] for c in reason[gone].tolist()]
    sources = [docs.source_names[s] for s in docs.source[gone].tolist()]
    return result_of(zip(ids, kept, names, sources, strict=True), stats)


def resolve(
    feature_files: list[str],
    cfg: DedupConfig,
    *,
    work_dir: str,
    workers: int = 1,
    previous: list[str] | tuple[str, ...] = (),
) -> DedupResult:
    """Decide which documents are duplicates: exact, then url, then MinHash (see the module docstring)."""
    params = resolve_parameters(cfg)
    os.makedirs(work_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="dedup-", dir=work_dir)
    try:
        docs = load(sorted(feature_files), previous, params, tmp)
        prio, scope = keep.priority(docs), keep.scope_codes(docs, cfg.scope)
        alive = np.ones(len(docs), dtype=bool)
        reason = np.zeros(len(docs), dtype=np.int8)
        duplicate_of = np.full(len(docs), -1, dtype=np.int64)
        previous_documents = int(np.count_nonzero(docs.previous))
        stats = open_stats(cfg, documents=len(docs) - previous_documents, previous_documents=previous_documents)
        if cfg.exact is not None and cfg.exact.enabled:
            g = keep.exact_groups(docs, alive, scope, prio)
            _mark(reason, duplicate_of, alive, g.removed, g.keeper, 1)
            stats["exact"] = exact_stats(cfg, groups=g.groups, removed=len(g.removed))
            if cfg.exact.url:
                g = keep.url_groups(docs, alive, scope, prio)
                _mark(reason, duplicate_of, alive, g.removed, g.keeper, 2)
                stats["url"] = url_stats(groups=g.groups, removed=len(g.removed))
        if cfg.minhash is not None and cfg.minhash.enabled:
            found, stats["minhash"] = _minhash(docs, cfg, alive, scope, prio, tmp, workers)
            _mark(reason, duplicate_of, alive, found.removed, found.keeper, 3)
        return _result(docs, reason, duplicate_of, stats)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
