"""Shingling: a text -> the byte spans of its shingles -> the 32-bit shingle hashes fed to MinHash.

Shingle text. The document is lowercased (str.lower), encoded as UTF-8 and split into words at separator
bytes; the words joined by single spaces are the "compact" text. Separators: every ASCII byte that is
not a letter, digit or "_"; U+0080-U+00BF (C1 controls, no-break space, Latin-1 punctuation such as
« » ¿ ·); General Punctuation U+2000-U+206F (dashes, curly quotes, ellipsis, zero-width spaces); CJK
Symbols and Punctuation U+3000-U+303F; the BOM U+FEFF. Every other character belongs to a word. This
approximates Python's `\\w+` tokenization with byte lookups in numpy, at a fraction of the cost.

    words  shingle i is words[i : i + n] joined by one space (b"w1 w2 w3 w4 w5"); a document with fewer
           than n words has one shingle made of all its words.
    chars  shingle i is the n characters starting at character i of the compact text; a document with
           fewer than n characters has one shingle, the whole compact text.

A document without words has no shingles: no signature, no part in MinHash dedup (exact dedup still
sees it).

Scripts without spaces (`segmented`, MinHash `segment: true`, the default): a Chinese, Japanese, Thai,
Lao, Khmer, Burmese or Tibetan document (by its meta.language, or by its own letters when the language is
unknown) is first rewritten as its `pajama.text.words` words joined by spaces, so a word 5-gram is five
words there too and not five whole sentences. Text in scripts with spaces is passed through unchanged, so
English shingles and signatures are byte for byte what they were.

Shingle hashes (the 32-bit value each shingle contributes before the permutations):

    sha1    datasketch.hashfunc.sha1_hash32: the first 4 bytes of SHA-1, little endian.
    poly64  h = sum(b_j * P^(m-1-j)) mod 2^64 over the shingle's m bytes, then fmix64(h + m) mod 2^32
            (P = 0x9E3779B97F4A7C15, fmix64 = MurmurHash3's 64-bit finalizer). Computed for all the
            shingles of a batch at once from prefix sums; `poly64_hash32(bytes)` is the same function
            for one shingle, so datasketch.MinHash(hashfunc=poly64_hash32) reproduces our signatures.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

P64 = 0x9E3779B97F4A7C15
_MASK64 = (1 << 64) - 1
_Q64 = pow(P64, -1, 1 << 64)
_SPACE = 0x20


def _ascii_separators() -> np.ndarray:
    table = np.zeros(256, dtype=bool)
    for byte in range(128):
        table[byte] = not (chr(byte).isalnum() or chr(byte) == "_")
    return table


_SEPARATOR = _ascii_separators()


class Spans(NamedTuple):
    """One document's compact text and the [start, end) byte spans of its shingles in it."""

    compact: bytes
    starts: np.ndarray
    ends: np.ndarray


def _separator_mask(arr: np.ndarray) -> np.ndarray:
    sep = _SEPARATOR[arr]
    lead = np.flatnonzero((arr == 0xC2) | (arr == 0xE2) | (arr == 0xE3) | (arr == 0xEF))
    if len(lead) == 0:
        return sep
    pad = np.concatenate([arr, np.zeros(2, dtype=np.uint8)])
    b0, b1, b2 = pad[lead], pad[lead + 1], pad[lead + 2]
    two = lead[(b0 == 0xC2) & (b1 >= 0x80) & (b1 <= 0xBF)]
    three = lead[
        ((b0 == 0xE2) & ((b1 == 0x80) | ((b1 == 0x81) & (b2 <= 0xAF))))
        | ((b0 == 0xE3) & (b1 == 0x80))
        | ((b0 == 0xEF) & (b1 == 0xBB) & (b2 == 0xBF))
    ]
    sep[two] = sep[two + 1] = True
    sep[three] = sep[three + 1] = sep[three + 2] = True
    return sep


def _squeeze(arr: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The bytes of words, each run of separators after a word as one space, leading ones dropped; and the
    mask of the bytes of `arr` kept."""
    sep = _separator_mask(arr)
    keep = ~sep
    keep[1:] |= sep[1:] & ~sep[:-1]
    out = arr[keep]
    out[sep[keep]] = _SPACE
    return out, keep


def compact_text(text: str) -> np.ndarray:
    """The compact text (lowercased words joined by single spaces) as a uint8 array."""
    out, _ = _squeeze(np.frombuffer(text.lower().encode("utf-8", "surrogatepass"), dtype=np.uint8))
    if len(out) and out[-1] == _SPACE:
        out = out[:-1]
    return out


def segmented(text: str, language: str | None) -> str:
    """`text` with the words of a script without spaces separated by spaces (see the module docstring)."""
    from pajama.text.languages import profile
    from pajama.text.words import segmenter_for, words

    prof = profile(language)
    if segmenter_for(text, prof) == "space":
        return text
    return " ".join(words(text, prof))


def spans(text: str, unit: str, n: int) -> Spans:
    """The shingles of `text` as spans of its compact text (see the module docstring)."""
    compact = compact_text(text)
    size = len(compact)
    empty = np.zeros(0, dtype=np.int64)
    if size == 0:
        return Spans(b"", empty, empty)
    if unit == "words":
        spaces = np.flatnonzero(compact == _SPACE)
        starts = np.concatenate([[0], spaces + 1])
        ends = np.concatenate([spaces, [size]])
    elif unit == "chars":
        starts = np.flatnonzero((compact & 0xC0) != 0x80)
        ends = np.concatenate([starts[1:], [size]])
    else:
        raise ValueError(f"unknown shingle unit {unit!r}; allowed: words, chars")
    count = len(starts)
    if count < n:
        return Spans(compact.tobytes(), np.zeros(1, dtype=np.int64), np.array([size], dtype=np.int64))
    return Spans(compact.tobytes(), starts[: count - n + 1].astype(np.int64), ends[n - 1 :].astype(np.int64))


def shingles(text: str, unit: str = "words", n: int = 5) -> list[bytes]:
    """The shingles of `text` as bytes: what datasketch.MinHash.update is given to reproduce a signature."""
    s = spans(text, unit, n)
    return [s.compact[a:b] for a, b in zip(s.starts.tolist(), s.ends.tolist(), strict=True)]


def fmix64(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer (a bijection), element-wise, wrapping modulo 2^64."""
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xFF51AFD7ED558CCD)
    h = h ^ (h >> np.uint64(33))
    h = h * np.uint64(0xC4CEB9FE1A85EC53)
    return h ^ (h >> np.uint64(33))


def poly64_hash32(data: bytes) -> int:
    """The poly64 hash of one shingle (a datasketch `hashfunc`)."""
    h = 0
    for byte in data:
        h = (h * P64 + byte) & _MASK64
    mixed = fmix64(np.array([(h + len(data)) & _MASK64], dtype=np.uint64))
    return int(mixed[0]) & 0xFFFFFFFF


_powers: dict[int, np.ndarray] = {}


def _power_table(base: int, size: int) -> np.ndarray:
    table = _powers.get(base)
    if table is None or len(table) < size:
        steps = np.full(1 << max(16, (size - 1).bit_length()), base, dtype=np.uint64)
        steps[0] = 1
        table = np.cumprod(steps, dtype=np.uint64)
        _powers[base] = table
    return table[:size]


def _poly64(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    size = len(buf)
    prefix = np.zeros(size + 1, dtype=np.uint64)
    np.cumsum(buf.astype(np.uint64) * _power_table(_Q64, size), out=prefix[1:])
    h = (prefix[ends] - prefix[starts]) * _power_table(P64, size)[ends - 1]
    h += (ends - starts).astype(np.uint64)
    return (fmix64(h) & np.uint64(0xFFFFFFFF)).astype(np.uint32)


def _sha1(buf: bytes, starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    sha1 = hashlib.sha1
    digests = b"".join([sha1(buf[a:b]).digest() for a, b in zip(starts.tolist(), ends.tolist(), strict=True)])
    return np.frombuffer(digests, dtype="<u4")[::5].astype(np.uint32)


def _word_spans(texts: Sequence[str], n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The word shingles of many documents in one pass: (joined compact text, shingle starts, shingle ends,
    shingles per document). The documents are joined by a newline, a separator, so no word spans two of
    them, and each document's shingles are the bytes `spans` gives it."""
    encoded = [t.lower().encode("utf-8", "surrogatepass") for t in texts]
    lengths = np.array([len(e) + 1 for e in encoded], dtype=np.int64)
    compact, keep = _squeeze(np.frombuffer(b"\n".join(encoded), dtype=np.uint8))
    in_word = compact != _SPACE  # a space is a separator, never part of a word
    edges = np.diff(np.concatenate([[False], in_word, [False]]).astype(np.int8))
    word_starts, word_ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    doc = np.searchsorted(np.cumsum(lengths), np.flatnonzero(keep)[word_starts], side="right")
    words = np.bincount(doc, minlength=len(texts)).astype(np.int64)
    counts = np.where(words >= n, words - n + 1, np.minimum(words, 1))
    owner = np.repeat(np.arange(len(texts)), counts)
    first = (
        np.repeat(np.cumsum(words) - words, counts)
        + np.arange(counts.sum())
        - np.repeat(np.cumsum(counts) - counts, counts)
    )
    last = first + np.minimum(words, n)[owner] - 1
    return compact, word_starts[first], word_ends[last], counts


def hash_texts(texts: Sequence[str], unit: str, n: int, hash_name: str) -> tuple[np.ndarray, np.ndarray]:
    """`hash_batch` of the `spans` of each text, word shingles computed for the whole batch at once."""
    if unit != "words" or not texts:
        return hash_batch([spans(t, unit, n) for t in texts], hash_name)
    compact, starts, ends, counts = _word_spans(texts, n)
    return _hash_spans(compact, starts, ends, hash_name), counts


def _hash_spans(buf: np.ndarray, starts: np.ndarray, ends: np.ndarray, hash_name: str) -> np.ndarray:
    if hash_name == "poly64":
        return _poly64(buf, starts, ends)
    if hash_name == "sha1":
        return _sha1(buf.tobytes(), starts, ends)
    raise ValueError(f"unknown shingle hash {hash_name!r}; allowed: poly64, sha1")


def hash_batch(docs: Sequence[Spans], hash_name: str) -> tuple[np.ndarray, np.ndarray]:
    """All shingle hashes of a batch of documents (uint32, document after document) and their counts."""
    counts = np.array([len(d.starts) for d in docs], dtype=np.int64)
    if not counts.sum():
        return np.zeros(0, dtype=np.uint32), counts
    lengths = np.array([len(d.compact) for d in docs], dtype=np.int64)
    offsets = np.repeat(np.cumsum(lengths) - lengths, counts)
    starts = np.concatenate([d.starts for d in docs]) + offsets
    ends = np.concatenate([d.ends for d in docs]) + offsets
    joined = np.frombuffer(b"".join(d.compact for d in docs), dtype=np.uint8)
    return _hash_spans(joined, starts, ends, hash_name), counts
