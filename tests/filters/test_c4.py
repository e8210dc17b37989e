"""C4: line removals recorded as edits, page rules, bad words, mC4 paragraph rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama import options
from pajama.errors import ConfigError
from pajama.filter import apply_verdict
from pajama.filters.c4 import C4, C4BadWords, C4Paragraph
from pajama.record import Record

GOOD = [
    "The river rose quickly after three days of heavy rain.",
    "Farmers moved their animals to higher ground before nightfall.",
    "By morning the water had reached the old stone bridge.",
    "Everyone agreed that the town had been lucky this time!",
]


def rec(text: str) -> Record:
    return Record(id="c4/x", text=text, source="t", meta={}, origin={})


def test_clean_page_is_kept_unchanged() -> None:
    v = C4()(rec("\n".join(GOOD)))
    assert v.kept and v.text is None and v.edit is None
    assert v.signals["sentences"] == 4 and v.signals["lines_removed"] == 0


def test_each_line_rule_removes_its_line_and_says_so() -> None:
    noisy = [
        "Home | About | Contact",  # no end mark
        "Click here now.",  # too few words (3 < 5)
        "Please enable JavaScript in your browser to continue.",  # javascript
        "By using this site you agree to our Privacy Policy and terms.",  # policy
        "x" * 1001 + " is a very long token indeed.",  # too long word
        "The story continues with more to come...",  # ends with an ellipsis
    ]
    text = "\n".join([GOOD[0], *noisy[:3], GOOD[1], *noisy[3:], GOOD[2], "", "   ", GOOD[3] + "[1]"])
    r = rec(text)
    v = C4()(r)
    assert v.kept
    assert v.text == "\n".join(GOOD)
    assert v.edit is not None
    assert v.edit["lines_removed"] == 6
    assert v.edit["removed_by_rule"] == {
        "no_end_mark": 2,
        "too_few_words": 1,
        "javascript": 1,
        "policy": 1,
        "too_long_word": 1,
    }
    assert v.edit["citations_removed"] == 1
    apply_verdict(r, v, stage="c4", signals_prefix="c4")
    assert r.text == "\n".join(GOOD)
    assert r.meta["edits"][0]["stage"] == "c4" and r.meta["edits"][0]["lines_removed"] == 6
    assert r.signals["c4.lines"] == 10


@pytest.mark.parametrize(
    ("reason", "extra"),
    [
        ("lorem_ipsum", "Lorem ipsum dolor sit amet, consectetur adipiscing elit."),
        ("curly_bracket", "The function body is written as { return x; } in the code."),
    ],
)
def test_page_rules_drop(reason: str, extra: str) -> None:
    v = C4()(rec("\n".join([*GOOD, extra])))
    assert not v.kept and v.reason == f"c4.{reason}" and v.text is None


def test_too_few_sentences() -> None:
    v = C4()(rec("\n".join([*GOOD[:2], "menu", "login"])))
    assert not v.kept and v.reason == "c4.too_few_sentences"
    assert v.signals["sentences"] == 2


def test_page_rules_follow_tfds_unless_told_otherwise() -> None:
    text = "\n".join([*GOOD, "var x = {a: 1}", "lorem ipsum"])  # both lines fail the end-mark rule first
    assert C4()(rec(text)).kept
    v = C4(page_rules_on_all_lines=True)(rec(text))
    assert not v.kept and v.reason == "c4.lorem_ipsum"


def test_sentences_are_counted_per_kept_line() -> None:
    v = C4()(rec("\n".join([*GOOD, "One sentence here. Another one there! And a third one? Yes, indeed."])))
    assert v.signals["sentences"] == 8


PIECES = [*"ab c.\n{}", "the ", "Lorem ipsum ", "javascript ", "privacy policy ", "[1]", " word.", "\n\n", "...", "!"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=120).map("".join))
def test_text_changes_only_with_an_edit_and_decide_matches(text: str) -> None:
    r = rec(text)
    v = C4(min_sentences=1)(r)
    assert r.text == text
    if v.text is not None:
        assert v.kept and v.edit is not None and v.text != text
    again = C4(min_sentences=1).decide(json.loads(json.dumps(dict(v.signals))))
    assert (again.kept, again.reason) == (v.kept, v.reason)


# ---- bad words ------------------------------------------------------------------------------------


@pytest.fixture
def wordlist(tmp_path: Path) -> str:
    path = tmp_path / "bad.txt"
    path.write_text("# test list\nbadword\nvery bad phrase\nb@d\n", encoding="utf-8")
    return str(path)


def test_badwords_drop_on_word_boundaries(wordlist: str) -> None:
    f = options.build(C4BadWords, {"words": wordlist}, "filters.c4_badwords")
    assert f(rec("A clean page about badwords-free living and superbadwordy things.")).kept
    for text in ("This has a BadWord in it.", "That was a very  bad phrase indeed", "email b@d now"):
        v = f(rec(text.replace("  ", " ")))
        assert not v.kept and v.reason == "c4_badwords.bad_words", text
        assert v.signals["bad_words"] == 1


def test_badwords_tolerance(wordlist: str) -> None:
    f = C4BadWords(words=wordlist, max_bad_words=1)
    assert f(rec("one badword is tolerated")).kept
    assert not f(rec("badword and badword again")).kept


def test_badwords_list_is_required_and_must_exist(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        options.build(C4BadWords, {}, "filters.c4_badwords")
    with pytest.raises(ConfigError):
        options.build(C4BadWords, {"words": str(tmp_path / "missing.txt")}, "filters.c4_badwords")


# ---- mC4 paragraph rule ---------------------------------------------------------------------------


def test_paragraph_rule() -> None:
    long_line = "word " * 45
    assert C4Paragraph()(rec("\n".join([long_line] * 3 + ["short"]))).kept
    v = C4Paragraph()(rec("\n".join([long_line] * 2 + ["short"] * 5)))
    assert not v.kept and v.reason == "c4_paragraph.too_few_long_lines"
    assert v.signals == {"long_lines": 2}
