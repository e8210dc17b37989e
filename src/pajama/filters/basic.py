"""Small general-purpose filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pajama.filter import SignalFilter, Verdict
from pajama.filters.signals import stats_for
from pajama.record import Record
from pajama.registry import register_filter
from pajama.text.languages import check_language


@register_filter("min_length")
@dataclass(frozen=True, kw_only=True)
class MinLength(SignalFilter):
    """Drop documents shorter than `min_chars` characters or `min_words` words.

    Words are whitespace-separated tokens where the text's script has spaces (as before languages were
    known), and `pajama.text.words` segments (ICU word break) for Chinese, Japanese, Thai, Lao, Khmer and
    Burmese, so a Japanese page is not "one word". `language: auto` reads meta.language; a code fixes it.
    """

    min_chars: int = 0
    min_words: int = 0
    language: str = "auto"

    def __post_init__(self) -> None:
        check_language("min_length", self.language)

    def signals(self, record: Record) -> Mapping[str, Any]:
        return {"chars": len(record.text), "words": self._words(record)}

    def _words(self, record: Record) -> int:
        if not self.min_words:
            return len(record.text.split())
        st = stats_for(record, self.language)
        return len(record.text.split()) if st.spaced else st.word_count

    def decide(self, signals: Mapping[str, Any]) -> Verdict:
        if signals["chars"] < self.min_chars:
            return Verdict.drop("min_length.too_few_chars", signals)
        if signals["words"] < self.min_words:
            return Verdict.drop("min_length.too_few_words", signals)
        return Verdict.keep(signals)
