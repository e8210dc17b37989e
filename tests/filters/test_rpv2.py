"""RedPajama-v2 signals: every threshold option drops with its own reason; values checked by hand."""

from __future__ import annotations

import dataclasses
import json
import math

import pytest

from pajama import options
from pajama.filters.rpv2 import RedPajamaV2, english_stop_words, rpv2_signals
from pajama.record import Record

# Every signal of this page is above zero, so every threshold can be crossed from either side.
EVERYTHING = "\n".join(
    [
        "The QUICK brown fox jumps over the lazy dog in 2024 and the dog sleeps.",
        "• The QUICK brown fox jumps over the lazy dog in 2024 again...",
        "Please enable javascript to view the #1 page {with braces} here",
        "Lorem ipsum dolor sit amet, the consectetur adipiscing elit!",
        "- The QUICK brown fox jumps over the lazy dog in 2024 once more…",
        "What is 42? It is the answer to everything, they say.",
        "-- 123 456 --",
    ]
)


def rec(text: str) -> Record:
    return Record(id="rp/x", text=text, source="t", meta={}, origin={})


def test_signals_are_complete_positive_scalars() -> None:
    s = rpv2_signals(EVERYTHING)
    assert len(s) == 27
    for key, value in s.items():
        assert type(value) in (int, float), key
        assert value > 0, key


def test_nothing_is_dropped_by_default() -> None:
    v = RedPajamaV2()(rec(EVERYTHING))
    assert v.kept and v.text is None
    assert v.signals == rpv2_signals(EVERYTHING)


THRESHOLDS = [f.name for f in dataclasses.fields(RedPajamaV2)]


@pytest.mark.parametrize("option", THRESHOLDS)
def test_each_threshold_drops_with_its_reason(option: str) -> None:
    value = rpv2_signals(EVERYTHING)[option[4:]]
    crossing = value * 0.5 if option.startswith("max_") else value * 2 + 1
    if isinstance(value, int):
        crossing = math.floor(crossing) if option.startswith("max_") else math.ceil(crossing)
    f = options.build(RedPajamaV2, {option: crossing}, "filters.rpv2")
    v = f(rec(EVERYTHING))
    assert not v.kept
    assert v.reason == f"rpv2.{option}"
    assert f.decide(json.loads(json.dumps(dict(v.signals)))).reason == v.reason
    assert options.build(RedPajamaV2, {option: value}, "filters.rpv2")(rec(EVERYTHING)).kept  # limits are inclusive


def test_values_by_hand() -> None:
    text = "The cat, the CAT and the hat.\nJavaScript is off...\n{x}"
    s = rpv2_signals(text)
    words = ["the", "cat", "the", "cat", "and", "the", "hat", "javascript", "is", "off", "x"]
    assert s["word_count"] == 11
    assert s["frac_unique_words"] == pytest.approx(len(set(words)) / 11)
    counts = {w: words.count(w) for w in set(words)}
    assert s["unigram_entropy"] == pytest.approx(-sum(c / 11 * math.log(c / 11) for c in counts.values()))
    assert s["frac_all_caps_words"] == pytest.approx(1 / 11)
    stop = english_stop_words()
    assert s["stop_word_frac"] == pytest.approx(sum(w in stop for w in words) / 11)
    assert s["num_lines"] == 3
    assert s["frac_lines_javascript"] == pytest.approx(1 / 3)
    assert s["frac_lines_end_with_ellipsis"] == pytest.approx(1 / 3)
    assert s["frac_lines_end_with_terminal_punct"] == pytest.approx(2 / 3)
    assert s["curly_bracket"] == pytest.approx(2 / len(text))
    assert s["symbol_word_ratio"] == pytest.approx(1 / 11)
    # "the cat" occurs twice: every occurrence counts for RedPajama-v2's top n-gram fraction
    assert s["top_2gram_frac"] == pytest.approx(2 * 6 / sum(map(len, words)))


def test_stop_words_are_ours_and_lowercase() -> None:
    stop = english_stop_words()
    assert {"the", "and", "of", "with"} <= stop
    assert all(w == w.lower() and w.isalpha() for w in stop)
