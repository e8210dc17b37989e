"""The `language` filter: keep documents in chosen languages whose fastText score reaches a threshold.

Wenzek et al. 2020 (CCNet, arXiv:1911.00359), section 3.2: fastText lid.176, documents whose top
language score is below 0.5 are discarded. That is the default `min_score`; FineWeb uses 0.65 for English.

When the reader already identified the language with the same model (meta.language, meta.language_score,
meta.language_model, as the warc/wet readers do) the filter reuses that result; otherwise it runs the
model on the text. An empty `keep` keeps every language and applies only the score threshold.

A language the source declares (meta.language without a score: the Wikipedia reader's dbname, Gutenberg's
catalog) that the model has no label for cannot be confirmed by it: lid.176 has no Latgalian and calls a
Latgalian article Latvian at a low score. With `source_language: unlabeled` (default) such a record keeps
its declared language, `keep` applies to it and the score threshold does not (its signals carry
`"from": "source"`); a declared language the model knows is checked by the model as any other record.
`source_language: model` always follows the model (the behaviour before this option).
"""

from __future__ import annotations

import difflib
import functools
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from pajama.filter import SignalFilter, Verdict
from pajama.record import Record
from pajama.registry import register_filter
from pajama.text.langid import identify_one, load_model, model_name, resolve_model_path
from pajama.text.languages import ALIASES, iso3, profile


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
    source_language: Literal["unlabeled", "model"] = "unlabeled"

    def __post_init__(self) -> None:
        resolve_model_path(self.model)  # a missing model file is a config error, found before any work
        if self.keep:
            labels = model_labels(self.model)
            for code in self.keep:
                if code not in labels and not self._declared_only(code):
                    near = difflib.get_close_matches(code, sorted(labels), n=3, cutoff=0.5)
                    hint = f"; did you mean {' or '.join(map(repr, near))}?" if near else ""
                    raise ValueError(f"keep: {code!r} is not a label of {model_name(self.model)}{hint}")

    def _declared_only(self, code: str) -> bool:
        """A `keep` code the model cannot return but a source can declare (ltg), which is not another
        spelling of a label ("eng" is lid.176's "en")."""
        if self.source_language != "unlabeled" or not profile(code).configured:
            return False
        return _iso3(code) not in {_iso3(label) for label in model_labels(self.model)}

    def signals(self, record: Record) -> Mapping[str, Any]:
        if (declared := self._unlabeled_source_language(record)) is not None:
            return {"language": declared, "score": None, "from": "source"}
        language, score, _ = self._guess(record)
        return {"language": language, "score": score}

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        """The same decision from the stored signals (`language`, `score`, `from`): used by refilter."""
        language = s.get("language")
        if s.get("from") == "source":
            signals = {"language": language, "score": None, "from": "source"}
            if self.keep and language not in self.keep:
                return Verdict.drop("language.not_kept", signals)
            return Verdict.keep(signals)
        score = float(s.get("score") or 0.0)
        signals = {"language": language, "score": score}
        if language is None:
            return Verdict.drop("language.unknown", signals)
        if self.keep and language not in self.keep:
            return Verdict.drop("language.not_kept", signals)
        if score < self.min_score:
            return Verdict.drop("language.low_score", signals)
        return Verdict.keep(signals)

    def __call__(self, record: Record) -> Verdict:
        if self._unlabeled_source_language(record) is not None:
            return self.decide(self.signals(record))
        language, score, computed = self._guess(record)
        meta = {"language": language, "language_score": score, "language_model": model_name(self.model)}
        verdict = self.decide({"language": language, "score": score})
        if not computed or language is None:
            return verdict
        # the guess goes into meta for dropped documents too, so refilter can keep them as a full run would
        return Verdict(verdict.kept, verdict.reason, verdict.signals, meta=meta)

    def _unlabeled_source_language(self, record: Record) -> str | None:
        """The source's declared language when the model cannot name it (see the module docstring), else None."""
        meta: dict[str, Any] = record.meta
        declared = meta.get("language")
        if self.source_language != "unlabeled" or not isinstance(declared, str) or not declared:
            return None
        if meta.get("language_score") is not None or not profile(declared).configured:
            return None  # identified by a model, or not a natural language pajama knows (a programming language)
        return declared if _base(declared) not in _base_labels(self.model) else None

    def _guess(self, record: Record) -> tuple[str | None, float, bool]:
        meta: dict[str, Any] = record.meta
        same_model = meta.get("language_model", model_name(None)) == model_name(self.model)
        if same_model and meta.get("language") and isinstance(meta.get("language_score"), int | float):
            return str(meta["language"]), float(meta["language_score"]), False
        guess = identify_one(record.text, self.model)
        if guess is None:
            return None, 0.0, True
        return guess.language, guess.score, True


def _base(code: str) -> str:
    """The language part of a code: "sr-Latn" -> "sr", a Wikipedia dbname through its alias ("zh-yue" -> "yue")."""
    code = code.strip().lower()
    return ALIASES.get(code, code).replace("_", "-").split("-")[0]


@functools.cache
def _iso3(code: str) -> str:
    base = _base(code)
    return iso3(base) if 2 <= len(base) <= 3 and base.isalpha() else base


@functools.cache
def _base_labels(model: str | None) -> frozenset[str]:
    return frozenset(_base(label) for label in model_labels(model))
