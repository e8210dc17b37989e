"""The filter interface: a filter reads a record and returns a verdict (STYLE.md, "A filter is small")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from pajama.record import Record


@dataclass(frozen=True, slots=True)
class Verdict:
    """kept or dropped (with a stable dotted reason), the signals computed, and optionally new text.

    A filter that changes text (C4 line removal, PII redaction) returns `text` and an `edit`
    dict describing what it did; the engine applies it and appends the edit to `meta.edits`.
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


class Filter(Protocol):
    """Filters are frozen, keyword-only dataclasses registered with `@register_filter`.

    Their fields are typed options whose defaults are the published values. `__call__` is pure:
    no I/O (heavy resources load lazily, once per worker), never mutates the record.
    """

    name: ClassVar[str]
    version: ClassVar[int]

    def __call__(self, record: Record) -> Verdict: ...


def apply_verdict(record: Record, verdict: Verdict, *, stage: str, signals_prefix: str) -> None:
    """Fold a verdict's signals, text change and meta into the record (the engine's job, not the filter's)."""
    for k, v in verdict.signals.items():
        record.signals[f"{signals_prefix}.{k}"] = v
    if verdict.meta:
        record.meta.update(verdict.meta)
    if verdict.text is not None and verdict.text != record.text:
        record.text = verdict.text
        record.add_edit(stage, **dict(verdict.edit or {}))
