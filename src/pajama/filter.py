"""The two kinds of stage: a `Filter` computes signals and decides; a `Transform` also changes the text.

Both split the computation from the decision (STYLE.md, "A filter is small"): `signals(record)` or
`transform(record)` does the work, `decide(signals)` turns it into a verdict. The split is what lets
`pajama refilter` re-threshold a release from its stored signals without recomputing them (the
same separation NeMo-Curator draws between a scorer and a keep rule). A filter never touches the
record; a transform returns the new text and an edit record, and the pipeline applies them and
appends the edit to `meta.edits` (provenance is appended, never overwritten).

A stage class only writes `signals` (or `transform`) and `decide`; it inherits `__call__`, which
runs both, from `SignalFilter` (or `TextTransform`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from pajama.record import Record


@dataclass(frozen=True, slots=True)
class Verdict:
    """kept or dropped (with a stable dotted reason), the signals worth storing, and meta to merge.

    `text` and `edit` are set only by a transform's `__call__` (a kept record whose text changed);
    the pipeline itself applies a transform's `Edit`.
    """

    kept: bool
    reason: str | None = None
    signals: Mapping[str, Any] = field(default_factory=dict)
    text: str | None = None
    edit: Mapping[str, Any] | None = None
    meta: Mapping[str, Any] | None = None

    @classmethod
    def keep(cls, signals: Mapping[str, Any] | None = None, **kw: Any) -> Verdict:
        return cls(True, None, signals or {}, **kw)

    @classmethod
    def drop(cls, reason: str, signals: Mapping[str, Any] | None = None, **kw: Any) -> Verdict:
        return cls(False, reason, signals or {}, **kw)


@dataclass(frozen=True, slots=True)
class Edit:
    """What a transform made of one record: the new text, what it did (for `meta.edits`), its signals.

    `edit` is None when the text is unchanged; the pipeline applies `text` only to a kept record.
    """

    text: str
    signals: Mapping[str, Any]
    edit: Mapping[str, Any] | None = None


@runtime_checkable
class Filter(Protocol):
    """A frozen, keyword-only dataclass registered with `@register_filter`.

    Fields are typed options whose defaults are the published values. `signals` is pure (no I/O
    beyond lazily loaded models, never mutates the record); `decide` sees only the signals, so it
    gives the same verdict on signals a release stored. Signals a verdict does not carry are not
    stored, and refilter recomputes that stage in full.
    """

    name: ClassVar[str]
    version: ClassVar[int]

    def signals(self, record: Record) -> Mapping[str, Any]: ...

    def decide(self, signals: Mapping[str, Any]) -> Verdict: ...

    def __call__(self, record: Record) -> Verdict: ...


@runtime_checkable
class Transform(Protocol):
    """A stage that changes text (C4 line removal, PII redaction, code header stripping).

    `transform` returns the new text, an edit record and the signals; `decide` drops or keeps from
    the signals alone, like a filter's. A dropped record keeps its original text.
    """

    name: ClassVar[str]
    version: ClassVar[int]

    def transform(self, record: Record) -> Edit: ...

    def decide(self, signals: Mapping[str, Any]) -> Verdict: ...

    def __call__(self, record: Record) -> Verdict: ...


class SignalFilter:
    """Base of filters: `__call__` is `decide(signals(record))`."""

    def signals(self, record: Record) -> Mapping[str, Any]:
        raise NotImplementedError

    def decide(self, signals: Mapping[str, Any]) -> Verdict:
        raise NotImplementedError

    def __call__(self, record: Record) -> Verdict:
        return self.decide(self.signals(record))


class TextTransform:
    """Base of transforms: `__call__` gives the verdict, with the new text and edit when kept and changed."""

    def transform(self, record: Record) -> Edit:
        raise NotImplementedError

    def decide(self, signals: Mapping[str, Any]) -> Verdict:
        raise NotImplementedError

    def __call__(self, record: Record) -> Verdict:
        change = self.transform(record)
        verdict = self.decide(change.signals)
        if not verdict.kept or change.edit is None:
            return verdict
        return Verdict(True, None, verdict.signals, change.text, change.edit, verdict.meta)


def apply_verdict(record: Record, verdict: Verdict, *, stage: str, signals_prefix: str) -> None:
    """Fold a verdict's signals, meta and (from a transform's `__call__`) text change into the record."""
    for k, v in verdict.signals.items():
        record.signals[f"{signals_prefix}.{k}"] = v
    if verdict.meta:
        record.meta.update(verdict.meta)
    if verdict.text is not None and verdict.text != record.text:
        record.text = verdict.text
        record.add_edit(stage, **dict(verdict.edit or {}))


def run_stage(stage: Filter | Transform, record: Record, *, label: str) -> Verdict:
    """Run one stage of either kind on `record` and apply what it found (signals, meta, kept text edits)."""
    transform = getattr(stage, "transform", None)  # per record: cheaper than a Protocol isinstance
    if transform is not None:
        change: Edit = transform(record)
        verdict = stage.decide(change.signals)
        apply_verdict(record, verdict, stage=label, signals_prefix=label)
        if verdict.kept and change.edit is not None and change.text != record.text:
            record.text = change.text
            record.add_edit(label, **dict(change.edit))
        return verdict
    verdict = stage(record)
    apply_verdict(record, verdict, stage=label, signals_prefix=label)
    return verdict
