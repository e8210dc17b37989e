"""MinHash signatures (datasketch's "affine32" scheme) and LSH parameters derived from a threshold.

Permutations are datasketch.MinHash's (datasketch >= 2.0, scheme "affine32", the default): with
gen = numpy.random.RandomState(seed), a = 2 * gen.randint(0, 2^31, num_perm) + 1 and
b = gen.randint(0, 2^32, num_perm) (uint32); a shingle hash h is pre-mixed with MurmurHash3's 32-bit
finalizer and permutation k maps it to a_k * fmix32(h) + b_k mod 2^32. A signature is the minimum over
the document's shingles for each permutation; a document without shingles has all values 2^32 - 1
(datasketch's empty MinHash).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np

EMPTY = np.uint32(0xFFFFFFFF)
SCHEME = "affine32"


@lru_cache(maxsize=8)
def permutations(num_perm: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's affine32 permutation parameters (a odd, b) for `num_perm` and `seed`."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    a.setflags(write=False)
    b.setflags(write=False)
    return a, b


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, element-wise (datasketch's pre-mix)."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def signatures(hashes: np.ndarray, counts: np.ndarray, num_perm: int, seed: int) -> np.ndarray:
    """Signatures (len(counts) x num_perm, uint32) of documents whose shingle hashes lie one after
    the other in `hashes`, `counts[i]` of them for document i."""
    out = np.full((len(counts), num_perm), EMPTY, dtype=np.uint32)
    present = np.flatnonzero(counts > 0)
    if len(present) == 0:
        return out
    a, b = permutations(num_perm, seed)
    mixed = fmix32(hashes.astype(np.uint32, copy=False))
    starts = (np.cumsum(counts) - counts)[present]
    work = np.empty_like(mixed)
    for k in range(num_perm):
        np.multiply(mixed, a[k], out=work)
        np.add(work, b[k], out=work)
        out[present, k] = np.minimum.reduceat(work, starts)
    return out


def matches(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """How many signature values agree, row by row."""
    return np.count_nonzero(left == right, axis=-1)


def min_matches(threshold: float, num_perm: int) -> int:
    """The smallest number of agreeing values whose estimate (matches / num_perm) reaches `threshold`:
    an integer comparison, so no float rounding decides a pair."""
    return int(np.ceil(threshold * num_perm - 1e-9))


def _collision(s: np.ndarray, bands: np.ndarray, rows: np.ndarray) -> np.ndarray:
    return 1.0 - (1.0 - s[None, :] ** rows[:, None]) ** bands[:, None]


def _integral(values: np.ndarray, s: np.ndarray) -> np.ndarray:
    return np.trapezoid(values, s, axis=1)


@lru_cache(maxsize=64)
def optimal_bands(
    threshold: float, num_perm: int, false_positive_weight: float = 0.5, false_negative_weight: float = 0.5
) -> tuple[int, int]:
    """(bands, rows) with bands * rows <= num_perm that minimize the weighted false positive and
    false negative probability mass, as datasketch.lsh._optimal_param (numerical integration here
    with the trapezoid rule on 2,001 points instead of scipy's quad). Cached: a run asks twice, and
    each answer costs ~0.15 s of numpy."""
    pairs = [(b, r) for b in range(1, num_perm + 1) for r in range(1, num_perm // b + 1)]
    bands = np.array([p[0] for p in pairs], dtype=np.float64)
    rows = np.array([p[1] for p in pairs], dtype=np.float64)
    below = np.linspace(0.0, threshold, 2001)
    above = np.linspace(threshold, 1.0, 2001)
    false_pos = _integral(_collision(below, bands, rows), below)
    false_neg = _integral(1.0 - _collision(above, bands, rows), above)
    error = false_positive_weight * false_pos + false_negative_weight * false_neg
    best = int(np.argmin(error))
    return pairs[best]


def band_parameters(threshold: float, num_perm: int, fpw: float, fnw: float) -> dict[str, float]:
    """The derived (bands, rows) and their false positive / negative probability mass, for the manifest."""
    bands, rows = optimal_bands(threshold, num_perm, fpw, fnw)
    b, r = np.array([float(bands)]), np.array([float(rows)])
    below = np.linspace(0.0, threshold, 2001)
    above = np.linspace(threshold, 1.0, 2001)
    return {
        "bands": bands,
        "rows": rows,
        "false_positive_mass": round(float(_integral(_collision(below, b, r), below)[0]), 6),
        "false_negative_mass": round(float(_integral(1.0 - _collision(above, b, r), above)[0]), 6),
    }
