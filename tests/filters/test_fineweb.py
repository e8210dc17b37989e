"""FineWeb's own filters: one crafted document per drop reason; each datatrove definition pinned by hand."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama.filters.fineweb import TERMINAL_PUNCTUATION, FineWeb
from pajama.filters.signals import TextStats
from pajama.record import Record

SENTENCES = [f"Sentence number {i} talks about the weather in a rather long and winding way." for i in range(12)]


def rec(text: str, language: str | None = "en") -> Record:
    return Record(id="fw/x", text=text, source="t", meta={"language": language}, origin={})


def test_prose_is_kept() -> None:
    v = FineWeb()(rec("\n".join(SENTENCES)))
    assert v.kept and v.text is None


CASES = {
    "empty": " \n\t\n ",
    "line_punct_ratio": "\n".join(s.rstrip(".") for s in SENTENCES[:9]) + "\n" + SENTENCES[9],
    "short_line_ratio": "\n".join([*SENTENCES[:3], *(f"Item {i}." for i in range(7))]),
    "char_dup_ratio": "\n".join([*SENTENCES, SENTENCES[0]]),
    "list_ratio": "\n".join(f"Extraordinarily_supercalifragilisticexpialidocious{i}." for i in range(10)),
}


@pytest.mark.parametrize("reason", list(CASES))
def test_drop_reasons(reason: str) -> None:
    v = FineWeb()(rec(CASES[reason]))
    assert not v.kept
    assert v.reason == f"fineweb.{reason}"


def test_signal_values_by_hand() -> None:
    text = "A full line that ends well.\nshort\n\nA full line that ends well.\nAnother one without an end"
    s = FineWeb()(rec(text)).signals
    assert s["lines"] == 4  # the blank line is not a line (datatrove drops blank lines)
    assert s["end_punct_lines_frac"] == pytest.approx(2 / 4)
    assert s["short_lines_frac"] == 1.0  # every line has at most 30 characters
    # repeated lines' characters over every character but the newlines
    assert s["dup_line_chars_frac"] == pytest.approx(len("A full line that ends well.") / (len(text) - 4))
    assert s["newlines_per_word"] == pytest.approx(4 / 20)  # 18 words and 2 full stops are datatrove's tokens


def test_a_line_ending_in_a_space_is_not_punctuated() -> None:
    lines = [s + " " for s in SENTENCES]  # datatrove tests the raw line: "... way. " does not end with "."
    v = FineWeb()(rec("\n".join(lines)))
    assert v.reason == "fineweb.line_punct_ratio" and v.signals["end_punct_lines_frac"] == 0.0
    assert FineWeb(strip_lines=True)(rec("\n".join(lines))).kept  # pajama's option, off by default


def test_blank_lines_are_not_lines() -> None:
    spaced = "\n\n \n".join(SENTENCES)  # blank and whitespace-only lines between every sentence
    v = FineWeb()(rec(spaced))
    assert v.kept and v.signals["lines"] == len(SENTENCES) and v.signals["short_lines_frac"] == 0.0
    assert FineWeb()(rec("\n \n\t\n")).reason == "fineweb.empty"


def test_end_marks_cover_quotes_and_other_scripts() -> None:
    assert {".", "!", "?", "'", '"'} <= set(FineWeb().end_marks)  # the FineWeb release's five
    assert {"。", "।", "؟", "!"} <= set(TERMINAL_PUNCTUATION) and len(TERMINAL_PUNCTUATION) == 159
    quoted = "\n".join(f'He said "{s}"' for s in SENTENCES)
    assert FineWeb()(rec(quoted)).signals["end_punct_lines_frac"] == 1.0
    chinese = "\n".join("这是一个关于天气的很长的句子，它写得相当曲折而且很长很长很长很长。" for _ in range(3))
    assert FineWeb()(rec(chinese, "zh")).signals["end_punct_lines_frac"] == 1.0


def test_tokens_count_punctuation_marks_like_datatrove() -> None:
    text = "Don't e-mail me, ok?\n(Yes.)"  # Don't / e-mail / me / , / ok / ? / ( / Yes / . / ) : 10 tokens
    assert FineWeb()(rec(text)).signals["newlines_per_word"] == pytest.approx(1 / 10)
    words = len(TextStats(text).words)  # pajama's words: no punctuation marks
    assert FineWeb(tokens="words")(rec(text)).signals["newlines_per_word"] == pytest.approx(1 / words)


def test_language_picks_the_word_definition() -> None:
    text = "一二三四五六七八九十。\n一二三四五六七八九十。"
    auto = FineWeb()(rec(text, "zh")).signals["newlines_per_word"]
    stats = TextStats(text, "zh")  # unspaced script: the segmenter's words and its two full stops
    assert stats.tokens == len(stats.words) + 2 and auto == pytest.approx(1 / stats.tokens)
    fixed = FineWeb(language="en")(rec(text, "zh")).signals["newlines_per_word"]
    assert fixed == pytest.approx(1 / 4)  # two runs of letters and two full stops


def test_release_comparisons_on_exact_ties() -> None:
    # 0.12 of the lines punctuated exactly: the release drops at "at most" (0.10.1 would keep)
    lines = [s if i < 3 else s.rstrip(".") for i, s in enumerate(SENTENCES * 3)][:25]
    s = FineWeb()(rec("\n".join(lines))).signals
    assert s["end_punct_lines_frac"] == 3 / 25 == 0.12
    assert FineWeb()(rec("\n".join(lines))).reason == "fineweb.line_punct_ratio"


PIECES = ["word ", "Word. ", "\n", "\n\n", "a", "!", " ", "end.", " -- ", "…"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=150).map("".join))
def test_never_changes_text_and_decides_from_signals(text: str) -> None:
    r = rec(text)
    v = FineWeb()(r)
    assert r.text == text and v.text is None
    again = FineWeb().decide(json.loads(json.dumps(dict(v.signals))))
    assert (again.kept, again.reason) == (v.kept, v.reason)
    assert 0.0 <= v.signals["end_punct_lines_frac"] <= 1.0 and 0.0 <= v.signals["short_lines_frac"] <= 1.0


# one-clause Japanese sentences of 14 to 20 characters: full sentences, five or six words each
JAPANESE = [
    f"{who}は{when}{what}。"
    for who in ("私の兄", "隣の先生", "駅の店員")
    for when in ("毎朝早く", "昨日の夜", "日曜日に", "冬になると")
    for what in ("公園を走ります", "図書館で本を読みました")
]


def test_short_lines_are_measured_in_english_characters_in_unspaced_scripts() -> None:
    page = rec("\n".join(JAPANESE), "ja")
    scaled = FineWeb()(page)
    assert scaled.kept and scaled.signals["short_lines_frac"] == 0.0  # each line says what 30+ English chars say
    raw = FineWeb(short_lines_unspaced="chars")(page)  # datatrove: every line is at most 30 characters
    assert raw.signals["short_lines_frac"] == 1.0 and raw.reason == "fineweb.short_line_ratio"
    english = rec(CASES["short_line_ratio"])  # spaced scripts: the same 30 characters either way
    assert FineWeb()(english).signals == FineWeb(short_lines_unspaced="chars")(english).signals


def test_a_japanese_menu_is_still_short_lines() -> None:
    menu = rec("\n".join(["ホーム", "ニュース", "お問い合わせ", "会社概要", "東京は日本の首都です。"] * 4), "ja")
    v = FineWeb()(menu)
    assert v.reason == "fineweb.short_line_ratio" and v.signals["short_lines_frac"] >= 0.8
