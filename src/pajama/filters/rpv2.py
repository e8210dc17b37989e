"""RedPajama-v2's model-free quality signals: Weber et al. 2024, "RedPajama: an Open Dataset for Training
Large Language Models" (arXiv:2411.12372), and the signal definitions of togethercomputer/RedPajama-Data v2.

The signals need no external model or list beyond the English stop words in filters/data/ (written for
pajama). Every signal is one scalar per document; RedPajama-v2's per-line signals become document
fractions (lines ending with terminal punctuation, lines mentioning javascript, bullet lines ...).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pajama.filter import SignalFilter, Verdict
from pajama.filters.signals import ELLIPSES, TextStats, ratio, stats_for
from pajama.record import Record
from pajama.registry import register_filter

DATA = Path(__file__).resolve().parent / "data"
TERMINAL_MARKS = (".", "!", "?", "”")
SYMBOLS = ("#", "...", "…")


@functools.lru_cache(maxsize=1)
def english_stop_words() -> frozenset[str]:
    lines = (DATA / "stopwords_en.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


def rpv2_signals(record: Record | str) -> dict[str, Any]:
    """Every model-free RedPajama-v2 signal of a document, under short names.

    Words and lines are pajama's shared definitions (filters/signals.py). RedPajama-v2 deletes all
    ASCII punctuation before splitting words ("e-mail" becomes "email") and counts nltk
    WordPunct tokens (punctuation marks included) for the symbol ratio, all-caps and no-letter
    fractions; here punctuation tokens are never words. The duplicate n-gram fractions count every
    occurrence of a repeated n-gram, as RedPajama-v2 does (gopher_repetition counts only repeats).
    """
    st = stats_for(record)
    text = st.text
    n_words, n_lines, n_chars = st.word_count, len(st.lines), len(text)
    lower = text.lower()
    s: dict[str, Any] = {
        "word_count": n_words,
        "mean_word_length": ratio(st.word_chars, n_words),
        "symbol_word_ratio": ratio(sum(text.count(x) for x in SYMBOLS), n_words),
        "frac_unique_words": ratio(len(st.word_counts), n_words),
        "unigram_entropy": st.unigram_entropy,
        "frac_all_caps_words": ratio(st.all_caps_words, n_words),
        "frac_no_alpha_words": ratio(n_words - st.alpha_words, n_words),
        "stop_word_frac": ratio(st.stop_words(english_stop_words()), n_words),
        "num_sentences": st.sentences,
        "num_lines": n_lines,
        "frac_lines_end_with_ellipsis": ratio(st.lines_ending_with(ELLIPSES), n_lines),
        "frac_lines_start_with_bullet": ratio(st.bullet_lines, n_lines),
        "frac_lines_end_with_terminal_punct": ratio(st.lines_ending_with(TERMINAL_MARKS), n_lines),
        "frac_lines_javascript": ratio(_javascript_lines(st), n_lines),
        "curly_bracket": ratio(text.count("{") + text.count("}"), n_chars),
        "lorem_ipsum": ratio(lower.count("lorem ipsum"), n_chars),
        "numerical_chars_frac": ratio(sum(map(str.isnumeric, text)), n_chars),
        "uppercase_frac": ratio(sum(map(str.isupper, text)), n_chars),
    }
    for n in (2, 3, 4):
        s[f"top_{n}gram_frac"] = st.top_ngram_frac(n)
    for n in range(5, 11):
        s[f"dupe_{n}gram_frac"] = st.dup_ngram_frac(n, first_occurrence=True)
    return s


def _javascript_lines(st: TextStats) -> int:
    """Lines in which "javascript" is a word (case-insensitive), as RedPajama-v2's line signal counts it."""
    hits = 0
    for line in st.lines:
        low = line.lower()
        if "javascript" in low and "javascript" in TextStats(low).words:
            hits += 1
    return hits


@register_filter("rpv2")
@dataclass(frozen=True, kw_only=True)
class RedPajamaV2(SignalFilter):
    """Compute RedPajama-v2's model-free signals and drop by thresholds (all off by default).

    Each option `min_<signal>` / `max_<signal>` drops documents whose signal is below / above it,
    with the reason "rpv2.<option>". By default nothing is dropped: the filter only records signals,
    for re-thresholding later. The preset `redpajama_v2_example` sets the five rules of
    RedPajama-v2's documented example (README, "gopher_rules_pass"): 50 <= word_count <= 100,000,
    3 <= mean_word_length <= 10, symbol_word_ratio <= 0.1, bullet lines <= 0.9, top 2-gram <= 0.2.
    """

    min_word_count: int | None = None
    max_word_count: int | None = None
    min_mean_word_length: float | None = None
    max_mean_word_length: float | None = None
    max_symbol_word_ratio: float | None = None
    min_frac_unique_words: float | None = None
    min_unigram_entropy: float | None = None
    max_unigram_entropy: float | None = None
    max_frac_all_caps_words: float | None = None
    max_frac_no_alpha_words: float | None = None
    min_stop_word_frac: float | None = None
    min_num_sentences: int | None = None
    max_frac_lines_end_with_ellipsis: float | None = None
    max_frac_lines_start_with_bullet: float | None = None
    min_frac_lines_end_with_terminal_punct: float | None = None
    max_frac_lines_javascript: float | None = None
    max_curly_bracket: float | None = None
    max_lorem_ipsum: float | None = None
    max_numerical_chars_frac: float | None = None
    max_uppercase_frac: float | None = None
    max_top_2gram_frac: float | None = None
    max_top_3gram_frac: float | None = None
    max_top_4gram_frac: float | None = None
    max_dupe_5gram_frac: float | None = None
    max_dupe_6gram_frac: float | None = None
    max_dupe_7gram_frac: float | None = None
    max_dupe_8gram_frac: float | None = None
    max_dupe_9gram_frac: float | None = None
    max_dupe_10gram_frac: float | None = None

    def signals(self, record: Record) -> Mapping[str, Any]:
        return rpv2_signals(record)

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        for f in dataclasses.fields(self):
            limit = getattr(self, f.name)
            if limit is None:
                continue
            value = s[f.name[4:]]
            if (f.name.startswith("min_") and value < limit) or (f.name.startswith("max_") and value > limit):
                return Verdict.drop(f"rpv2.{f.name}", s)
        return Verdict.keep(s)
