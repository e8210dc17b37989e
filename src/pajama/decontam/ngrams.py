"""Word n-gram hashes shared by benchmark items and documents, so both sides hash the same n-grams.

Words are runs of letters, digits and marks (`\\w`), lowercased; for scripts written without spaces
each character run is split into single characters, so a 13-gram is 13 characters there.
Each word hashes to 64 bits (xxh3); an n-gram's hash is a polynomial over its words' hashes mod 2**64,
computed for all n-grams of a document at once with numpy.
"""

from __future__ import annotations

import re

import numpy as np
import xxhash

_WORD = re.compile(r"\w+")
# Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar, Tibetan: written without spaces between words.
_UNSPACED = re.compile(
    "[\u0e00-\u0e7f\u0e80-\u0eff\u0f00-\u0fff\u1000-\u109f\u1780-\u17ff"
    "\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def words(text: str) -> list[str]:
    """The lowercased words of `text`, in order (the same words `word_spans` locates)."""
    found = _WORD.findall(text)
    if _UNSPACED.search(text) is not None:
        found = [text[s:e] for s, e in word_spans(text)]
    return list(map(str.lower, found))


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each word of `text`."""
    if _UNSPACED.search(text) is None:
        return [m.span() for m in _WORD.finditer(text)]
    spans: list[tuple[int, int]] = []
    for m in _WORD.finditer(text):
        start, end = m.span()
        if _UNSPACED.search(text, start, end) is None:
            spans.append((start, end))
            continue
        spans.extend(_split_unspaced(text, start, end))
    return spans


def _split_unspaced(text: str, start: int, end: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    run = start
    for i in range(start, end):
        if _UNSPACED.match(text, i):
            if run < i:
                out.append((run, i))
            out.append((i, i + 1))
            run = i + 1
    if run < end:
        out.append((run, end))
    return out


def word_hashes(tokens: list[str]) -> np.ndarray:
    """64-bit hash (xxh3) of each word's UTF-8 bytes."""
    encoded = (w.encode("utf-8", "surrogatepass") for w in tokens)
    return np.fromiter(map(xxhash.xxh3_64_intdigest, encoded), dtype=np.uint64, count=len(tokens))


def ngram_hashes(words: np.ndarray, n: int) -> np.ndarray:
    """Hash of every run of `n` consecutive word hashes (empty when there are fewer than `n` words)."""
    count = len(words) - n + 1
    if count <= 0:
        return np.empty(0, dtype=np.uint64)
    acc = np.zeros(count, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for j in range(n):
            acc = acc * _MULTIPLIER + words[j : j + count]
    return acc
