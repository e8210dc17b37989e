"""The `language` filter: keep documents in chosen languages whose fastText score reaches a threshold.

Wenzek et al. 2020 (CCNet, arXiv:1911.00359), section 3.2: fastText lid.176, documents whose top
language score is below 0.5 are discarded. That is the default `min_score`; FineWeb uses 0.65 for English.

When the reader already identified the language with the same model (meta.language, meta.language_score,
meta.language_model, as the warc/wet readers do) the filter reuses that result; otherwise it runs the
model on the text. An empty `keep` keeps every language and applies only the score threshold.
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pajama.filter import SignalFilter, Verdict
from pajama.record import Record
from pajama.registry import register_filter
from pajama.text.langid import identify_one, load_model, model_name, resolve_model_path


@functools.cache
def model_labels(model: str | None) -> frozenset[str]:
    """The language labels the fastText model can return (without `__label__`)."""
    return frozenset(label.removeprefix("__label__") for label in load_model(model).get_labels())


@register_filter("language")
@dataclass(frozen=True, kw_only=True)
class LanguageFilter(SignalFilter):
    """Keep records whose language is in `keep` (all when empty) with score >= `min_score`."""

    keep: list[str] = field(default_factory=list)
    min_score: float = 0.5
    model: str | None = None

    def __post_init__(self) -> None:
        resolve_model_path(self.model)  # a missing model file is a config error, found before any work
        if self.keep:
            labels = model_labels(self.model)
            for code in self.keep:
                if code not in labels:
                    near = difflib.get_close_matches(code, sorted(labels), n=3, cutoff=0.5)
                    hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
                    raise ValueError(f"keep: {code!r} is not a label of {model_name(self.model)}{hint}")

    def signals(self, record: Record) -> Mapping[str, Any]:
        language, score, _ = self._guess(record)
        return {"language": language, "score": score}

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        """The same decision from the stored signals (`language`, `score`): used by refilter."""
        language, score = s.get("language"), float(s.get("score") or 0.0)
        signals = {"language": language, "score": score}
        if language is None:
            return Verdict.drop("language.unknown", signals)
        if self.keep and language not in self.keep:
            return Verdict.drop("language.not_kept", signals)
        if score < self.min_score:
            return Verdict.drop("language.low_score", signals)
        return Verdict.keep(signals)

    def __call__(self, record: Record) -> Verdict:
        language, score, computed = self._guess(record)
        meta = {"language": language, "language_score": score, "language_model": model_name(self.model)}
        verdict = self.decide({"language": language, "score": score})
        if not computed or language is None:
            return verdict
        # the guess goes into meta for dropped documents too, so refilter can keep them as a full run would
        return Verdict(verdict.kept, verdict.reason, verdict.signals, meta=meta)

    def _guess(self, record: Record) -> tuple[str | None, float, bool]:
        meta: dict[str, Any] = record.meta
        same_model = meta.get("language_model", model_name(None)) == model_name(self.model)
        if same_model and meta.get("language") and isinstance(meta.get("language_score"), int | float):
            return str(meta["language"]), float(meta["language_score"]), False
        guess = identify_one(record.text, self.model)
        if guess is None:
            return None, 0.0, True
        return guess.language, guess.score, True
