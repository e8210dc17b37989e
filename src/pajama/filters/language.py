"""The `language` filter: keep documents in chosen languages whose fastText score reaches a threshold.

Wenzek et al. 2020 (CCNet, arXiv:1911.00359), section 3.2: fastText lid.176, documents whose top
language score is below 0.5 are discarded. That is the default `min_score`; FineWeb uses 0.65 for English.

When the reader already identified the language with the same model (meta.language, meta.language_score,
meta.language_model, as the warc/wet readers do) the filter reuses that result; otherwise it runs the
model on the text. An empty `keep` keeps every language and applies only the score threshold.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pajama.filter import SignalFilter, Verdict
from pajama.record import Record
from pajama.registry import register_filter
from pajama.text.langid import identify_one, model_name, resolve_model_path


@register_filter("language")
@dataclass(frozen=True, kw_only=True)
class LanguageFilter(SignalFilter):
    """Keep records whose language is in `keep` (all when empty) with score >= `min_score`."""

    keep: list[str] = field(default_factory=list)
    min_score: float = 0.5
    model: str | None = None

    def __post_init__(self) -> None:
        resolve_model_path(self.model)  # a missing model file is a config error, found before any work

    def signals(self, record: Record) -> Mapping[str, Any]:
        """language and score; `computed` (not stored) says the guess is new, not the reader's."""
        language, score, computed = self._guess(record)
        return {"language": language, "score": score, "computed": computed}

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        language, score = s["language"], s["score"]
        signals = {"language": language, "score": score}
        meta = {"language": language, "language_score": score, "language_model": model_name(self.model)}
        if language is None:
            return Verdict.drop("language.unknown", signals)
        if self.keep and language not in self.keep:
            return Verdict.drop("language.not_kept", signals)
        if score < self.min_score:
            return Verdict.drop("language.low_score", signals)
        return Verdict.keep(signals, meta=meta if s.get("computed") else None)

    def _guess(self, record: Record) -> tuple[str | None, float, bool]:
        meta: dict[str, Any] = record.meta
        same_model = meta.get("language_model", model_name(None)) == model_name(self.model)
        if same_model and meta.get("language") and isinstance(meta.get("language_score"), int | float):
            return str(meta["language"]), float(meta["language_score"]), False
        guess = identify_one(record.text, self.model)
        if guess is None:
            return None, 0.0, True
        return guess.language, guess.score, True
