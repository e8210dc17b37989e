"""FineWeb's own heuristic filters: Penedo et al. 2024, "The FineWeb Datasets: Decanting the Web for the
Finest Text Data at Scale" (arXiv:2406.17557), section 3.5; defaults are those of the code that produced
the dataset (datatrove's FineWebQualityFilter).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pajama.filter import SignalFilter, Verdict
from pajama.filters.signals import ratio, stats_for
from pajama.record import Record
from pajama.registry import register_filter


@register_filter("fineweb")
@dataclass(frozen=True, kw_only=True)
class FineWeb(SignalFilter):
    """Drop list-like and boilerplate-heavy pages (Penedo et al. 2024).

    Rules, in order: the fraction of lines ending with one of end_marks is at most
    min_end_punct_lines_frac (drop "line_punct_ratio"; with allow_no_end_punct a page with no such
    line at all is kept); the fraction of lines of at most short_line_chars characters is at least
    max_short_lines_frac ("short_line_ratio"); the characters of lines that repeat an earlier line,
    over all characters except newlines, are at least max_dup_line_chars_frac ("char_dup_ratio");
    newlines per word above max_newlines_per_word ("list_ratio").

    Lines are non-blank and stripped (datatrove counts blank lines, which makes every blank line a
    "short line without punctuation"); words are pajama's words (whitespace tokens without surrounding
    punctuation) where datatrove uses nltk tokens, which include punctuation marks, so the list ratio
    here is a little higher for the same page.
    """

    min_end_punct_lines_frac: float = 0.12
    allow_no_end_punct: bool = False
    end_marks: tuple[str, ...] = (".", "'", '"', "!", "?")
    max_short_lines_frac: float = 0.67
    short_line_chars: int = 30
    max_dup_line_chars_frac: float = 0.01
    max_newlines_per_word: float = 0.3

    def signals(self, record: Record) -> Mapping[str, Any]:
        st = stats_for(record)
        n_lines = len(st.lines)
        dup_chars = st.duplicate_lines[1]
        s = {
            "lines": n_lines,
            "end_punct_lines_frac": ratio(st.lines_ending_with(self.end_marks), n_lines),
            "short_lines_frac": ratio(st.short_lines(self.short_line_chars), n_lines),
            "dup_line_chars_frac": ratio(dup_chars, len(st.text) - st.text.count("\n")),
            "newlines_per_word": ratio(st.text.count("\n"), st.word_count),
        }
        return s

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        if s["lines"] == 0:
            return Verdict.drop("fineweb.empty", s)
        punct = s["end_punct_lines_frac"]
        if punct <= self.min_end_punct_lines_frac and not (punct == 0 and self.allow_no_end_punct):
            return Verdict.drop("fineweb.line_punct_ratio", s)
        if s["short_lines_frac"] >= self.max_short_lines_frac:
            return Verdict.drop("fineweb.short_line_ratio", s)
        if s["dup_line_chars_frac"] >= self.max_dup_line_chars_frac:
            return Verdict.drop("fineweb.char_dup_ratio", s)
        if s["newlines_per_word"] > self.max_newlines_per_word:
            return Verdict.drop("fineweb.list_ratio", s)
        return Verdict.keep(s)
