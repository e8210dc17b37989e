"""LSH banding with band keys partitioned to disk, and candidate-pair verification per partition.

Each surviving document contributes one 64-bit key per band: a hash of the band's `rows` signature
values, its band number and its scope code (its source, under scope "source"). Records (key, doc,
band) are appended to hash-partitioned files in the work folder, so memory holds one partition at a
time, never all band keys. A partition is sorted by key; documents sharing a key are candidates.

Each candidate pair is counted once, in the first band where the two signatures agree (a pair seen
in a later band that already agrees on an earlier band is skipped there), then verified: estimated
Jaccard (agreeing signature values / num_perm) at or above the threshold, or with verify "exact" the
Jaccard of the two shingle-hash sets. Only verified pairs become edges for the connected components,
so chains of weak candidates do not merge unrelated documents.

A bucket with more than BUCKET_ALL_PAIRS documents (a giant near-duplicate family) is not expanded to
all its pairs: each member is paired with the bucket's ANCHORS best-priority members instead, and the
number of such buckets is reported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

from pajama.dedup.minhash import matches
from pajama.dedup.shingle import fmix64

RECORD = np.dtype([("key", "<u8"), ("doc", "<u4"), ("band", "<u2")])
BUCKET_ALL_PAIRS = 64
ANCHORS = 8
PAIR_CHUNK = 32_768
_SPILL_ROWS = 65_536


def band_keys(sig: np.ndarray, bands: int, rows: int, scope: np.ndarray) -> np.ndarray:
    """(len(sig) x bands) uint64 keys: hash of each band's values, its number and the scope code."""
    keys = np.empty((len(sig), bands), dtype=np.uint64)
    base = fmix64(scope.astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15) + np.uint64(1))
    for band in range(bands):
        h = base ^ np.uint64(((band + 1) * 0xC2B2AE3D27D4EB4F) & 0xFFFFFFFFFFFFFFFF)
        for col in range(band * rows, (band + 1) * rows):
            h = fmix64(h ^ sig[:, col].astype(np.uint64))
        keys[:, band] = h
    return keys


def spill(
    sig_path: str, docs: np.ndarray, scope: np.ndarray, bands: int, rows: int, out_dir: str, partitions: int
) -> list[str]:
    """Append the band records of `docs` (canonical indices, ascending) to `partitions` files."""
    sig = np.load(sig_path, mmap_mode="r")
    paths = [os.path.join(out_dir, f"bands-{p:05d}.bin") for p in range(partitions)]
    handles = [open(p, "wb") for p in paths]
    try:
        for lo in range(0, len(docs), _SPILL_ROWS):
            chunk = docs[lo : lo + _SPILL_ROWS]
            keys = band_keys(np.asarray(sig[chunk]), bands, rows, scope[chunk])
            rec = np.empty(keys.size, dtype=RECORD)
            rec["key"] = keys.reshape(-1)
            rec["doc"] = np.repeat(chunk, bands)
            rec["band"] = np.tile(np.arange(bands), len(chunk))
            part = (rec["key"] >> np.uint64(40)) % np.uint64(partitions)
            order = np.argsort(part, kind="stable")
            bounds = np.searchsorted(part[order], np.arange(partitions + 1))
            for p in range(partitions):
                handles[p].write(rec[order[bounds[p] : bounds[p + 1]]].tobytes())
    finally:
        for h in handles:
            h.close()
    return paths


@dataclass(frozen=True)
class Check:
    """How candidate pairs are checked: bands and rows (for the first agreeing band), the agreeing
    signature values that verify a pair (0: every candidate), and the threshold for exact verification."""

    bands: int
    rows: int
    min_matches: int
    threshold: float
    exact: bool  # compare shingle sets where both documents have them


@dataclass(frozen=True)
class Verify:
    """What a partition worker needs (plain data: pickles cheaply to another process)."""

    signature_path: str
    prio_path: str
    previous_path: str
    bands: int
    rows: int
    min_matches: int
    threshold: float
    shingle_path: str | None = None
    shingle_start_path: str | None = None
    shingle_count_path: str | None = None


def _bucket_pairs(docs: np.ndarray, band: np.ndarray, starts: np.ndarray, sizes: np.ndarray):
    """All pairs inside buckets of at most BUCKET_ALL_PAIRS members; anchors in larger ones."""
    firsts, seconds, bands = [], [], []
    small = sizes <= BUCKET_ALL_PAIRS
    pos = np.repeat(starts[small], sizes[small])
    offset = np.arange(len(pos)) - np.repeat(np.cumsum(sizes[small]) - sizes[small], sizes[small])
    size = np.repeat(sizes[small], sizes[small])
    for d in range(1, int(sizes[small].max(initial=1))):
        ok = offset + d < size
        i = pos[ok] + offset[ok]
        firsts.append(docs[i])
        seconds.append(docs[i + d])
        bands.append(band[i])
    for s, n in zip(starts[~small].tolist(), sizes[~small].tolist(), strict=True):
        anchors = np.arange(s, s + ANCHORS)
        for a in anchors.tolist():
            others = np.arange(a + 1, s + n)
            firsts.append(np.full(len(others), docs[a]))
            seconds.append(docs[others])
            bands.append(np.full(len(others), band[s]))
    if not firsts:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(firsts), np.concatenate(seconds), np.concatenate(bands)


@dataclass(frozen=True)
class Buckets:
    """Candidate pairs of a set of complete buckets (first has the better keep priority), and bucket sizes."""

    first: np.ndarray
    second: np.ndarray
    band: np.ndarray  # the band whose bucket proposed the pair
    capped: int  # buckets larger than BUCKET_ALL_PAIRS (paired with anchors only)
    largest: int  # the largest bucket, single documents included


def bucket_pairs(
    keys: np.ndarray, docs: np.ndarray, band: np.ndarray, prio: np.ndarray, previous: np.ndarray
) -> Buckets:
    """The pairs proposed by band records (keys[i], docs[i], band[i]) that hold every record of each key
    they hold: buckets sorted by keep priority (prio[doc]), pairs of two previous-release documents left out.
    `docs` index `prio` and `previous`."""
    docs = docs.astype(np.int64, copy=False)
    order = np.lexsort((np.asarray(prio[docs]), keys))
    keys, docs, band = keys[order], docs[order], band[order].astype(np.int64)
    boundary = np.flatnonzero(np.concatenate([[True], keys[1:] != keys[:-1], [True]]))
    starts, sizes = boundary[:-1], np.diff(boundary)
    multi = sizes > 1
    first, second, pair_band = _bucket_pairs(docs, band, starts[multi], sizes[multi])
    keep = ~(np.asarray(previous[first]) & np.asarray(previous[second]))
    capped = int(np.count_nonzero(sizes > BUCKET_ALL_PAIRS))
    return Buckets(first[keep], second[keep], pair_band[keep], capped, int(sizes.max(initial=0)))


def first_band(sa: np.ndarray, sb: np.ndarray, pair_band: np.ndarray, bands: int, rows: int) -> np.ndarray:
    """Whether each pair's bucket band is the first band where its two signatures agree: a pair is
    counted once, in that band, however many buckets propose it."""
    width = bands * rows
    agree = (sa[:, :width] == sb[:, :width]).reshape(len(sa), bands, rows).all(axis=2)
    return np.argmax(agree, axis=1) == pair_band


def accept(
    sa: np.ndarray, sb: np.ndarray, min_matches: int, threshold: float, jaccards: np.ndarray | None
) -> np.ndarray:
    """Verification: enough agreeing signature values, or, where the exact Jaccard of the two shingle
    sets is known (>= 0 in `jaccards`), that Jaccard at or above the threshold."""
    ok = matches(sa, sb) >= min_matches
    if jaccards is not None:
        ok = np.where(jaccards >= 0, jaccards >= threshold - 1e-12, ok)
    return ok


def jaccard(x: np.ndarray, y: np.ndarray) -> float:
    """Jaccard of two sets of distinct shingle hashes; -1 when either is empty (not known)."""
    if not len(x) or not len(y):
        return -1.0
    inter = len(np.intersect1d(x, y, assume_unique=True))
    return inter / (len(x) + len(y) - inter)


def _exact_jaccard(v: Verify, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    flat = np.memmap(v.shingle_path, dtype=np.uint32, mode="r") if v.shingle_path else None
    start = np.load(v.shingle_start_path) if v.shingle_start_path else None
    count = np.load(v.shingle_count_path) if v.shingle_count_path else None
    out = np.full(len(a), -1.0)
    if flat is None or start is None or count is None:
        return out
    for k, (x, y) in enumerate(zip(a.tolist(), b.tolist(), strict=True)):
        out[k] = jaccard(flat[start[x] : start[x] + count[x]], flat[start[y] : start[y] + count[y]])
    return out


def process_partition(path: str, v: Verify) -> dict[str, object]:
    """Candidate pairs of one partition, each counted in its first agreeing band, and the verified ones."""
    rec = np.fromfile(path, dtype=RECORD)
    prio = np.load(v.prio_path, mmap_mode="r")
    previous = np.load(v.previous_path, mmap_mode="r")
    found = bucket_pairs(rec["key"], rec["doc"], rec["band"], prio, previous)
    sig = np.load(v.signature_path, mmap_mode="r")
    candidates, out_a, out_b = 0, [], []
    for lo in range(0, len(found.first), PAIR_CHUNK):
        a, b = found.first[lo : lo + PAIR_CHUNK], found.second[lo : lo + PAIR_CHUNK]
        sa, sb = np.asarray(sig[a]), np.asarray(sig[b])
        counted = first_band(sa, sb, found.band[lo : lo + PAIR_CHUNK], v.bands, v.rows)
        a, b, sa, sb = a[counted], b[counted], sa[counted], sb[counted]
        candidates += len(a)
        ok = accept(sa, sb, v.min_matches, v.threshold, _exact_jaccard(v, a, b) if v.shingle_path else None)
        out_a.append(np.minimum(a[ok], b[ok]))
        out_b.append(np.maximum(a[ok], b[ok]))
    empty = np.zeros(0, dtype=np.int64)
    return {
        "candidates": candidates,
        "a": np.concatenate(out_a) if out_a else empty,
        "b": np.concatenate(out_b) if out_b else empty,
        "capped_buckets": found.capped,
        "largest_bucket": found.largest,
    }
