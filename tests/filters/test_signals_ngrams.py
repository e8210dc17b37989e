"""Word n-gram repetition statistics against brute force, on texts built to repeat at every n-gram size.

TextStats counts n-grams level by level (numpy sorts for large levels, a dict for small ones; the test runs
each input with every level sorted, the default mix, and every level in a dict); the brute force
below counts every n-gram of every size directly, from the definitions in the docstrings.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import given, settings
from hypothesis import strategies as st

from pajama.filters import signals
from pajama.filters.signals import TextStats

VOCAB = ["a", "bb", "ccc", "dddd", "Bb", "e"]  # "Bb" and "bb" are one normalized word


def brute_top(words: list[str], n: int) -> float:
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    best = max(grams.values(), default=0)
    if best < 2:
        return 0.0
    chars = max(sum(map(len, g)) for g, c in grams.items() if c == best)
    return chars * best / sum(map(len, words))


def brute_dup(words: list[str], n: int, first_occurrence: bool) -> float:
    grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
    covered = [False] * len(words)
    seen: set[tuple[str, ...]] = set()
    for i in range(len(words) - n + 1):
        gram = tuple(words[i : i + n])
        if grams[gram] > 1 and (first_occurrence or gram in seen):
            covered[i : i + n] = [True] * n
        seen.add(gram)
    return sum(len(w) for w, c in zip(words, covered, strict=True) if c) / sum(map(len, words))


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(VOCAB), min_size=0, max_size=600), st.integers(1, 40))
def test_ngram_fractions_equal_brute_force(tokens: list[str], period: int) -> None:
    tokens = tokens + tokens[:period] * 3  # a repeated block: long repeated n-grams, large levels
    words = [t.lower() for t in tokens]
    top = {n: brute_top(words, n) if words else 0.0 for n in (2, 3, 4)}
    dup = {(n, f): brute_dup(words, n, f) if words else 0.0 for n in range(5, 11) for f in (False, True)}
    default = signals._SMALL_LEVEL
    try:
        for small in (0, default, 10**9):  # every level sorted, the default mix, every level in a dict
            signals._SMALL_LEVEL = small
            stats = TextStats(" ".join(tokens), "en")
            assert stats.norm_words == words
            assert {n: stats.top_ngram_frac(n) for n in top} == top
            assert {k: stats.dup_ngram_frac(k[0], first_occurrence=k[1]) for k in dup} == dup
    finally:
        signals._SMALL_LEVEL = default
