"""The dedup decision as steps over shuffle partitions, for engines that resolve in their own shuffle.

resolve() (stage.py) decides on one machine over canonical document indices. The Spark and Beam
engines (jobs/spark_dedup.py, jobs/beam_dedup.py) make the same decision as a dataflow: documents are
DocRows, routed by a key so that each partition holds complete groups (equal exact hash, equal url,
one LSH bucket, one cluster), and each partition is decided by the functions resolve() calls
(keep.exact_groups / url_groups / priority, lsh.band_keys / bucket_pairs / first_band / accept,
clusters.keep_clusters / describe) over partition-local arrays. Inside a partition documents are
indexed in canonical order (sorted by node: (id, release), as load.load orders them), so the keep
rule orders them as it does globally. Components come from components.large_star / small_star.
The numbers of each step (Tally, Summary) merge associatively; result() builds the DedupResult.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Final

import numpy as np

from pajama import arrowcols
from pajama.dedup import components, keep, load, lsh
from pajama.dedup.clusters import Summary, cluster_stats, describe, keep_clusters
from pajama.dedup.config import DedupConfig
from pajama.dedup.stage import DedupResult, exact_stats, minhash_stats, open_stats, result_of, url_stats

Node = tuple[str, int, str, int, int]  # (id, release, source, source_rank, length): sorts canonically
Removal = tuple[str, str, str, str]  # (id, duplicate_of, reason, source)
Pair = tuple[Node, Node, int]  # (better-priority document, other, band of the proposing bucket)
Tally = dict[str, int]
MAXIMA = ("largest_bucket",)  # Tally keys merged by max; every other key is summed
ROWS_PER_GROUP = 50_000  # documents a shuffle partition holds on average (about 1 KB each in memory)

# A document as it travels: a plain tuple (tuples pickle several times faster than objects). SIGNATURE
# is num_perm x uint32, little endian; SHINGLES the sorted distinct shingle hashes, uint32 (verify
# "exact", this release only).
DocRow = tuple[Node, bytes | None, str | None, str | None, int, bytes | None, bytes | None]
NODE: Final = 0
EXACT: Final = 1
URL: Final = 2
DATE: Final = 3
N_SHINGLES: Final = 4
SIGNATURE: Final = 5
SHINGLES: Final = 6


def is_member(row: DocRow) -> bool:
    """Whether the document takes part in MinHash dedup (it has shingles)."""
    return row[N_SHINGLES] > 0 and row[SIGNATURE] is not None


@dataclass
class StepOut:
    rows: list[DocRow] = field(default_factory=list)  # what goes on to the next stage
    removals: list[Removal] = field(default_factory=list)
    tally: Tally = field(default_factory=dict)


def inputs(feature_files: Iterable[str], previous: Iterable[str]) -> list[tuple[int, str, int]]:
    """(index, path, release) of every file that takes part: this release's feature files sorted (the
    index decides which read of a repeated id counts), then previous releases' signature files."""
    files = [(i, p, 0) for i, p in enumerate(sorted(feature_files))]
    return files + [(len(files) + i, p, r) for i, (p, r) in enumerate(load.previous_files(list(previous)))]


def group_count(rows: int, minimum: int) -> int:
    """Shuffle partitions for `rows` documents: about ROWS_PER_GROUP each, at least `minimum`."""
    return max(minimum, -(-rows // ROWS_PER_GROUP))


def read_file(path: str, release: int, params: dict[str, Any]) -> list[DocRow]:
    """The documents of one feature file (release 0) or previous release's signature file, in file order."""
    part = load.Part(path, 0, None) if release == 0 else load.previous_part(path, release)
    light = load.read_light(part, params).to_pydict()
    n = len(light["id"])
    sigs: list[bytes | None] = [None] * n
    shingles: list[bytes | None] = [None] * n
    if "num_perm" in params:
        with_shingles = params.get("verify") == "exact" and release == 0
        row = 0
        for block, lists in load.signature_blocks(part, int(params["num_perm"]), with_shingles):
            sigs[row : row + len(block)] = [s.tobytes() for s in block.astype("<u4", copy=False)]
            if lists is not None:
                offsets = arrowcols.to_numpy(lists.offsets)  # into lists.values, whatever the slice
                flat = arrowcols.to_numpy(lists.values).astype("<u4")
                shingles[row : row + len(block)] = [flat[a:b].tobytes() for a, b in pairwise(offsets.tolist())]
            row += len(block)
    return [
        (
            (light["id"][i], release, light["source"][i], light["source_rank"][i], light["length"][i]),
            light["exact"][i],
            light["url"][i],
            light["date"][i],
            light["n_shingles"][i],
            sigs[i],
            shingles[i],
        )
        for i in range(n)
    ]


def first_read(reads: Iterable[tuple[int, int]]) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """Of the reads (file index, row) of one id, the one that counts (the first, as load.load keeps it)
    and the repeats it hides."""
    first, *repeats = sorted(reads)
    return first, repeats


def route(value: str | bytes | tuple[Any, ...]) -> int:
    """A stable 63-bit hash (the same in every process, unlike hash()) for partitioning."""
    data = value if isinstance(value, bytes) else repr(value).encode()
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "little") >> 1


def exact_route(row: DocRow) -> int:
    return route(row[EXACT]) if row[EXACT] is not None else route(row[NODE])


def url_route(row: DocRow) -> int:
    return route(row[URL]) if row[URL] is not None else route(row[NODE])


def local_docs(nodes: Sequence[Node], source_names: Sequence[str], rows: Sequence[DocRow] | None = None) -> load.Docs:
    """load.Docs over `nodes` (sorted, so in canonical order) and, when given, their rows' keys."""
    code = {name: i for i, name in enumerate(source_names)}
    exact = arrowcols.fixed_binary([r[EXACT] for r in rows] if rows else [None] * len(nodes), 16)
    return load.Docs(
        ids=arrowcols.strings([n[0] for n in nodes]),
        source_names=list(source_names),
        source=np.array([code.get(n[2], -1) for n in nodes], dtype=np.int32),
        rank=np.array([n[3] for n in nodes], dtype=np.int32),
        length=np.array([n[4] for n in nodes], dtype=np.int64),
        previous=np.array([n[1] > 0 for n in nodes], dtype=bool),
        exact=load.exact_matrix(exact),
        has_exact=np.array([r[EXACT] is not None for r in rows] if rows else [False] * len(nodes), dtype=bool),
        url=arrowcols.strings([r[URL] for r in rows] if rows else [None] * len(nodes)),
        date=arrowcols.strings([r[DATE] for r in rows] if rows else [None] * len(nodes)),
        n_shingles=np.array([r[N_SHINGLES] for r in rows] if rows else [0] * len(nodes), dtype=np.int32),
        signature_path=None,
        shingle_path=None,
        shingle_start=None,
        shingle_count=None,
        params={},
    )


def group_step(rows: Iterable[DocRow], source_names: Sequence[str], scope: str, stage: str) -> StepOut:
    """Exact ("exact") or url ("url") dedup of a partition holding every document of each key it holds."""
    ordered = sorted(rows, key=lambda r: r[NODE])
    docs = local_docs([r[NODE] for r in ordered], source_names, ordered)
    alive = np.ones(len(docs), dtype=bool)
    grouping = keep.exact_groups if stage == "exact" else keep.url_groups
    g = grouping(docs, alive, keep.scope_codes(docs, scope), keep.priority(docs))
    gone = set(g.removed.tolist())
    nodes = [r[NODE] for r in ordered]
    pairs = zip(g.removed.tolist(), g.keeper.tolist(), strict=True)
    removals = [(nodes[i][0], nodes[k][0], f"dedup.{stage}", nodes[i][2]) for i, k in pairs]
    survivors = [r for i, r in enumerate(ordered) if i not in gone]
    return StepOut(survivors, removals, {f"{stage}.groups": g.groups, f"{stage}.removed": len(g.removed)})


def band_chunks(
    rows: Iterable[DocRow], source_names: Sequence[str], scope: str, check: lsh.Check, partitions: int
) -> list[tuple[int, tuple[np.ndarray, np.ndarray, list[Node]]]]:
    """The band records of MinHash members (n_shingles > 0) as (partition, (keys, bands, nodes)) chunks,
    partitioned by key as lsh.spill partitions them."""
    members = [r for r in rows if is_member(r)]
    if not members:
        return []
    nodes = [r[NODE] for r in members]
    sig = np.frombuffer(b"".join(r[SIGNATURE] or b"" for r in members), dtype="<u4").reshape(len(members), -1)
    scope_codes = keep.scope_codes(local_docs(nodes, source_names), scope)
    keys = lsh.band_keys(sig, check.bands, check.rows, scope_codes).reshape(-1)
    doc = np.repeat(np.arange(len(members)), check.bands)
    band = np.tile(np.arange(check.bands, dtype=np.uint16), len(members))
    part = (keys >> np.uint64(40)) % np.uint64(partitions)
    out = []
    for p in np.unique(part).tolist():
        take = np.flatnonzero(part == p)
        out.append((int(p), (keys[take], band[take], [nodes[i] for i in doc[take].tolist()])))
    return out


def pair_step(chunks: Iterable[tuple[np.ndarray, np.ndarray, list[Node]]]) -> tuple[list[Pair], Tally]:
    """Candidate pairs of a partition holding every band record of each key it holds (lsh.bucket_pairs)."""
    chunks = list(chunks)
    if not chunks:
        return [], {"capped": 0, "largest_bucket": 0}
    keys = np.concatenate([c[0] for c in chunks])
    band = np.concatenate([c[1] for c in chunks])
    nodes = [n for c in chunks for n in c[2]]
    distinct = sorted(set(nodes))
    code = {n: i for i, n in enumerate(distinct)}
    docs = local_docs(distinct, [])
    found = lsh.bucket_pairs(keys, np.array([code[n] for n in nodes]), band, keep.priority(docs), docs.previous)
    pairs = [
        (distinct[a], distinct[b], pb)
        for a, b, pb in zip(found.first.tolist(), found.second.tolist(), found.band.tolist(), strict=True)
    ]
    return pairs, {"capped": found.capped, "largest_bucket": found.largest}


def verify_step(
    joined: Iterable[tuple[Pair, bytes, bytes | None, bytes, bytes | None]], check: lsh.Check
) -> tuple[list[tuple[Node, Node]], Tally]:
    """Check candidate pairs joined with both signatures (and shingle sets): the (child, parent) edges of
    the pairs counted in their first agreeing band and verified, with their numbers."""
    joined = list(joined)
    if not joined:
        return [], {"candidates": 0, "verified": 0}
    sa = np.frombuffer(b"".join(j[1] for j in joined), dtype="<u4").reshape(len(joined), -1)
    sb = np.frombuffer(b"".join(j[3] for j in joined), dtype="<u4").reshape(len(joined), -1)
    pair_band = np.array([j[0][2] for j in joined], dtype=np.int64)
    counted = np.flatnonzero(lsh.first_band(sa, sb, pair_band, check.bands, check.rows))
    jaccards = None
    if check.exact:
        sets = [(joined[k][2], joined[k][4]) for k in counted.tolist()]
        jaccards = np.array([lsh.jaccard(_u32(x), _u32(y)) for x, y in sets], dtype=np.float64)
    ok = lsh.accept(sa[counted], sb[counted], check.min_matches, check.threshold, jaccards)
    edges = [components.edge(joined[k][0][0], joined[k][0][1]) for k in counted[ok].tolist()]
    return edges, {"candidates": len(counted), "verified": len(edges)}


def _u32(data: bytes | None) -> np.ndarray:
    return np.frombuffer(data or b"", dtype="<u4")


def merge_tallies(tallies: Iterable[Tally]) -> Tally:
    """Step numbers of all partitions as one (associative: engines merge them in any grouping)."""
    out: Tally = {}
    for t in tallies:
        for k, v in t.items():
            out[k] = max(out.get(k, 0), v) if k in MAXIMA else out.get(k, 0) + v
    return out


def cluster_step(stars: Iterable[tuple[Node, Iterable[Node]]], max_cluster: int) -> tuple[list[Removal], Summary]:
    """Decide complete clusters given as (label, the other members): keep rule, removals, numbers."""
    members: list[Node] = []
    labels: list[Node] = []
    for label, others in stars:
        group = [label, *sorted(set(others) - {label})]  # an edge may arrive more than once
        members.extend(group)
        labels.extend([label] * len(group))
    distinct = sorted(set(members))
    code = {n: i for i, n in enumerate(distinct)}
    docs = local_docs(distinct, [])
    kept = keep_clusters(
        np.array([code[n] for n in members], dtype=np.int64),
        np.array([code[n] for n in labels], dtype=np.int64),
        keep.priority(docs),
        docs.previous,
    )
    removals = [
        (distinct[r][0], distinct[k][0], "dedup.minhash", distinct[r][2])
        for r, k in zip(kept.removed.tolist(), kept.keeper.tolist(), strict=True)
    ]
    summary = Summary()
    for start, size in zip(kept.starts.tolist(), kept.sizes.tolist(), strict=True):  # clusters in label order
        summary.size_counts[size] = summary.size_counts.get(size, 0) + 1
        if size > max_cluster or summary.largest is None or size > summary.largest[0]:
            cluster = kept.nodes[start : start + size]
            info = describe(docs, cluster, int(cluster[0]), "minhash")
            label = distinct[int(cluster.min())]
            if size > max_cluster:
                summary.oversized.append((label, info))
            if summary.largest is None or size > summary.largest[0]:
                summary.largest = (size, label, info)
    return removals, summary


def result(cfg: DedupConfig, tally: Tally, summary: Summary | None, removals: Iterable[Removal]) -> DedupResult:
    """The DedupResult resolve() would return, from the merged numbers and every removal."""
    stats = open_stats(cfg, documents=tally.get("documents", 0), previous_documents=tally.get("previous_documents", 0))
    if cfg.exact is not None and cfg.exact.enabled:
        stats["exact"] = exact_stats(cfg, groups=tally.get("exact.groups", 0), removed=tally.get("exact.removed", 0))
        if cfg.exact.url:
            stats["url"] = url_stats(groups=tally.get("url.groups", 0), removed=tally.get("url.removed", 0))
    mh = cfg.minhash
    if mh is not None and mh.enabled:
        s = summary or Summary()
        largest = s.largest[2] if s.largest is not None else None
        stats["minhash"] = minhash_stats(
            mh,
            documents=tally.get("members", 0),
            candidates=tally.get("candidates", 0),
            verified=tally.get("verified", 0),
            capped=tally.get("capped", 0),
            largest_bucket=tally.get("largest_bucket", 0),
            cluster_stats=cluster_stats(s.size_counts, largest, [o[1] for o in s.oversized], mh.max_cluster),
        )
    return result_of(removals, stats)
