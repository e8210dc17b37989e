"""Word n-gram hashes shared by benchmark items and documents, so both sides hash the same n-grams.

Words are pajama's words (`pajama.text.words`, the segmenters the language-aware filters use) for the
text's own script, whatever a record's language label says, so a benchmark item and a document that
contains it are cut into the same words: whitespace words without surrounding punctuation where the
script has spaces, ICU or jieba words for Chinese, Japanese, Thai and the other scripts without spaces.
Words are lowercased; each hashes to 64 bits (xxh3); an n-gram's hash is a polynomial over its words'
hashes mod 2**64, computed for all n-grams of a document at once with numpy.
"""

from __future__ import annotations

import numpy as np
import xxhash

from pajama.text.words import words as text_words

_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)


def words(text: str) -> list[str]:
    """The lowercased words of `text`, in order (the same words `word_spans` locates)."""
    return [w.lower() for w in text_words(text, None)]


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each word of `text` (every segmenter returns substrings, in order)."""
    spans: list[tuple[int, int]] = []
    at = 0
    for word in text_words(text, None):
        start = text.find(word, at)
        if start < 0:  # cannot happen for a segmenter that returns substrings; keep the count aligned
            start = at
        spans.append((start, start + len(word)))
        at = start + len(word)
    return spans


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
