"""The `rpv2` filter: RedPajama-v2's model-free quality signals (Weber et al. 2024, arXiv:2411.12372) under
RP-v2's own field names, and keep/drop rules written against them as the dataset card writes its rules.

The signals are computed as RedPajama-Data v2's code computes them (filters/rpv2_signals.py says how, oddities
included) and stored as `rpv2.<RP-v2 field name>`: `rpv2.rps_doc_word_count` holds the value RP-v2 stores at
`[0][2]`, `rpv2.rps_lines_num_words` RP-v2's whole list of `[start, end, value]` spans. `rpv2.ccnet_nlines`
is CCNet's line count ("\\n"-separated lines), which the card's bullet rule divides by.

Language: RP-v2 ran each of its five languages (en, de, fr, es, it) as its own partition, labelled by CCNet's
language id. Here the language is the record's `meta.language` (or the `language` option when a record has
none); only the stop-word fraction and the LDNOOBW count depend on it. For a language outside the five, or
no language at all, both are null unless `ldnoobw` names a list for it: pajama has no RP-v2 list to apply
(RP-v2's code would count 0 bad words and fail on the stop words). English is never assumed. Every other
signal is language-blind in RP-v2 and is computed for every document.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import orjson

from pajama.errors import ConfigError
from pajama.filter import SignalFilter, Verdict
from pajama.filters import rpv2_lists
from pajama.filters.rpv2_signals import WordLists, rpv2_signals
from pajama.record import Record
from pajama.registry import register_filter

SIGNALS = tuple(rpv2_signals("x"))
LINE_SIGNALS = tuple(s for s in SIGNALS if s.startswith("rps_lines_"))
NOT_ORDERED = ("rps_doc_ut1_blacklist",)  # a category-set id: a bound on it would mean nothing

Bounds = tuple[float | None, float | None]


@register_filter("rpv2", version=2)
@dataclass(frozen=True, kw_only=True)
class RedPajamaV2(SignalFilter):
    """Record RedPajama-v2's signals and drop documents outside the `bounds` (none by default).

    `bounds` maps an RP-v2 field name to `[low, high]` (inclusive; null: unbounded), checked in the order
    given; the first failed bound drops the document with the reason `rpv2.min_<name>` or `rpv2.max_<name>`.
    A document signal is bounded by its value; a line signal by the sum of its span values divided by
    `ccnet_nlines`, the card's form (its bullet rule: bullet lines / ccnet_nlines <= 0.9). A null signal (a
    document without words has no mean word length) fails every bound set on it: the card's code would
    raise on it instead.
    """

    bounds: dict[str, Bounds] = field(default_factory=dict)
    language: str | None = None
    ldnoobw: str | None = None
    ut1: str | None = None

    def __post_init__(self) -> None:
        for name, (low, high) in self.bounds.items():
            if name not in SIGNALS or name in NOT_ORDERED:
                allowed = ", ".join(s for s in SIGNALS if s not in NOT_ORDERED)
                raise ConfigError(f"rpv2.bounds.{name}", f"not a bounded RP-v2 signal; choose from {allowed}")
            if low is not None and high is not None and low > high:
                raise ConfigError(f"rpv2.bounds.{name}", f"low {low} is above high {high}")
        if self.ldnoobw is not None and not Path(self.ldnoobw).exists():
            raise ConfigError("rpv2.ldnoobw", f"no such file or folder: {self.ldnoobw}")
        if self.ut1 is not None and (problem := rpv2_lists.check_ut1_folder(self.ut1)):
            raise ConfigError("rpv2.ut1", problem)

    def signals(self, record: Record) -> dict[str, Any]:
        language = rpv2_lists.base_language(record.meta.get("language")) or rpv2_lists.base_language(self.language)
        lists = WordLists(
            stop_words=rpv2_lists.stop_words(language),
            bad_words=rpv2_lists.bad_words(self.ldnoobw, language),
            ut1=rpv2_lists.ut1_index(self.ut1) if self.ut1 is not None else None,
        )
        return rpv2_signals(record.text, lists, _domain(record.meta.get("url")))

    def decide(self, signals: Mapping[str, Any]) -> Verdict:
        for name, (low, high) in self.bounds.items():
            value = bounded_value(signals, name)
            if low is not None and (value is None or value < low):
                return Verdict.drop(f"rpv2.min_{name}", signals)
            if high is not None and (value is None or value > high):
                return Verdict.drop(f"rpv2.max_{name}", signals)
        return Verdict.keep(signals)


def bounded_value(signals: Mapping[str, Any], name: str) -> float | None:
    """What a bound on `name` compares: the value, or for a line signal sum(span values) / ccnet_nlines.

    Also reads signals back from a release: absent means null, and a column that Parquet could not type
    comes back as its JSON text."""
    value = signals.get(name)
    if isinstance(value, str | bytes):
        value = orjson.loads(value)
    if name not in LINE_SIGNALS or value is None:
        return value
    lines = signals.get("ccnet_nlines")
    if not lines or any(span[2] is None for span in value):
        return None
    return float(sum(span[2] for span in value)) / lines


def _domain(url: object) -> str | None:
    """The URL's host as CCNet records a document's `source_domain` (`urlparse(url).netloc`)."""
    return urlparse(url).netloc if isinstance(url, str) else None
