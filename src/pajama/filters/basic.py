"""Small general-purpose filters."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pajama.filter import SignalFilter, Verdict
from pajama.record import Record
from pajama.registry import register_filter


@register_filter("min_length")
@dataclass(frozen=True, kw_only=True)
class MinLength(SignalFilter):
    """Drop documents shorter than `min_chars` characters or `min_words` whitespace-separated words."""

    min_chars: int = 0
    min_words: int = 0

    def signals(self, record: Record) -> Mapping[str, Any]:
        return {"chars": len(record.text), "words": len(record.text.split())}

    def decide(self, signals: Mapping[str, Any]) -> Verdict:
        if signals["chars"] < self.min_chars:
            return Verdict.drop("min_length.too_few_chars", signals)
        if signals["words"] < self.min_words:
            return Verdict.drop("min_length.too_few_words", signals)
        return Verdict.keep(signals)
