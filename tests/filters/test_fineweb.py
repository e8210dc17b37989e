"""FineWeb's own filters: one crafted document per drop reason; values checked by hand."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama.filters.fineweb import FineWeb
from pajama.filters.signals import TextStats
from pajama.record import Record

SENTENCES = [f"Sentence number {i} talks about the weather in a rather long and winding way." for i in range(12)]


def rec(text: str) -> Record:
    return Record(id="fw/x", text=text, source="t", meta={}, origin={})


def test_prose_is_kept() -> None:
    v = FineWeb()(rec("\n".join(SENTENCES)))
    assert v.kept and v.text is None


CASES = {
    "empty": " \n\t\n ",
    "line_punct_ratio": "\n".join(s.rstrip(".") for s in SENTENCES[:9]) + "\n" + SENTENCES[9],
    "short_line_ratio": "\n".join([*SENTENCES[:3], *(f"Item {i}." for i in range(7))]),
    "char_dup_ratio": "\n".join([*SENTENCES, SENTENCES[0]]),
    "list_ratio": "\n".join(f"Extraordinarily supercalifragilisticexpialidocious{i}." for i in range(10)),
}


@pytest.mark.parametrize("reason", list(CASES))
def test_drop_reasons(reason: str) -> None:
    v = FineWeb()(rec(CASES[reason]))
    assert not v.kept
    assert v.reason == f"fineweb.{reason}"


def test_signal_values_by_hand() -> None:
    text = "A full line that ends well.\nshort\n\nA full line that ends well.\nAnother one without an end"
    s = FineWeb()(rec(text)).signals
    assert s["lines"] == 4  # the blank line is layout
    assert s["end_punct_lines_frac"] == pytest.approx(2 / 4)
    assert s["short_lines_frac"] == 1.0  # every line has at most 30 characters
    assert s["dup_line_chars_frac"] == pytest.approx(len("A full line that ends well.") / (len(text) - 4))
    assert s["newlines_per_word"] == pytest.approx(4 / 18)


def test_no_punctuation_at_all_can_be_allowed() -> None:
    text = "\n".join(s.rstrip(".") for s in SENTENCES)
    assert FineWeb()(rec(text)).reason == "fineweb.line_punct_ratio"
    assert FineWeb(allow_no_end_punct=True)(rec(text)).kept


PIECES = ["word ", "Word. ", "\n", "\n\n", "a", "!", " ", "end.", " -- ", "…"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=150).map("".join))
def test_never_changes_text_and_decides_from_signals(text: str) -> None:
    r = rec(text)
    v = FineWeb()(r)
    assert r.text == text and v.text is None
    again = FineWeb().decide(json.loads(json.dumps(dict(v.signals))))
    assert (again.kept, again.reason) == (v.kept, v.reason)
    words = TextStats(text).words  # the quick word count FineWeb uses equals the full word list's length
    assert v.signals["newlines_per_word"] == (text.count("\n") / len(words) if words else 0.0)
