"""Gopher quality and repetition: one crafted document per drop reason, and properties."""

from __future__ import annotations

import itertools
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama.filters.gopher import GopherQuality, GopherRepetition
from pajama.record import Record

PROSE = (
    "The old lighthouse keeper climbed the stairs every evening, and he lit the lamp with care. "
    "Ships that passed the rocky point could see the beam from far away, so they kept to the safe channel. "
    "In winter the storms were fierce, yet he never missed a night, because the sailors depended on him. "
    "His daughter learned the work as well, and when he grew old she took over the duty with pride. "
)


def rec(text: str) -> Record:
    return Record(id=f"t/{hash(text)}", text=text, source="t", meta={"language": "en"}, origin={})


def words5(n: int, start: int = 0) -> list[str]:
    """n distinct five-letter lowercase words (so character fractions are word fractions)."""
    letters = "bcdfghjklmnpqrstvwxz"
    combos = ("".join(p) for p in itertools.product(letters, repeat=4))
    return ["a" + w for w in itertools.islice(combos, start, start + n)]


def test_prose_is_kept_and_untouched() -> None:
    for f in (GopherQuality(), GopherRepetition()):
        v = f(rec(PROSE))
        assert v.kept, v.reason
        assert v.text is None and v.edit is None


QUALITY_CASES = {
    "too_few_words": "The cat sat on the mat, and that was all of it.",
    "too_many_words": PROSE * 1600,  # 100,800 words
    "short_words": "I am to be at it, so do go up to me and we on. " * 10,
    "long_words": "Internationalization and characterization with institutionalization " * 20,
    "too_many_hashes": PROSE + " ".join(f"#tag{i}" for i in range(30)),
    "too_many_ellipses": PROSE + " ".join(f"wait{i}..." for i in range(30)),
    "bullet_lines": "\n".join(f"• the item number {i} of the list, with details" for i in range(20)),
    "ellipsis_lines": "\n".join(
        f"The story {i} goes on and on with the hero and the villain..." if i % 2 else PROSE for i in range(10)
    ),
    "few_alpha_words": PROSE + " ".join(str(1000 + i) for i in range(150)),
    "few_stop_words": "Birds fly south. Rivers run east. Mountains stand tall. Children play games. " * 10,
}


@pytest.mark.parametrize("reason", sorted(QUALITY_CASES))
def test_gopher_quality_drop_reasons(reason: str) -> None:
    v = GopherQuality()(rec(QUALITY_CASES[reason]))
    assert not v.kept
    assert v.reason == f"gopher_quality.{reason}"


def test_punctuation_marks_are_not_words() -> None:
    """Punctuation-dense prose keeps >= 80% alphabetic words: dashes, quotes and ellipses are not words."""
    text = PROSE + ' — "Yes!" — she said; (really?) … “no” — — — ; : - -- ... !!! ??? ' * 3
    s = GopherQuality()(rec(text)).signals
    assert s["alpha_words_frac"] == 1.0
    assert GopherQuality()(rec(text)).kept


def test_gopher_quality_signal_values() -> None:
    s = GopherQuality()(rec("The cat — the DOG... #1 sat.\n- a list line\nend…")).signals
    # words: The cat the DOG 1 sat a list line end
    assert s["word_count"] == 10
    assert s["mean_word_length"] == pytest.approx(
        sum(map(len, ["The", "cat", "the", "DOG", "1", "sat", "a", "list", "line", "end"])) / 10
    )
    assert s["hash_word_ratio"] == pytest.approx(1 / 10)
    assert s["ellipsis_word_ratio"] == pytest.approx(2 / 10)
    assert s["bullet_lines_frac"] == pytest.approx(1 / 3)
    assert s["ellipsis_lines_frac"] == pytest.approx(1 / 3)
    assert s["alpha_words_frac"] == pytest.approx(9 / 10)
    assert s["stop_words"] == 2


def _repeat_segment(total: int, repeated: int) -> str:
    """`total` five-letter words on one line, the last `repeated` of which repeat an earlier run."""
    unique = words5(total - repeated)
    return " ".join(unique + unique[:repeated])


def _repeat_ngram(n: int, times: int, total: int) -> str:
    gram = words5(n, start=5000)
    filler = iter(words5(total - n * times))
    out: list[str] = []
    for _ in range(times):
        out += gram + [next(filler) for _ in range(3)]
    out += list(filler)
    return " ".join(out)


def _paragraphs(n_unique: int, dup: str, n_dup: int) -> str:
    uniq = [" ".join(words5(8, start=10 * i)) for i in range(n_unique)]
    return "\n\n".join(uniq + [dup] * (n_dup + 1))


def _lines(n_unique: int, dup: str, n_dup: int) -> str:
    uniq = [" ".join(words5(8, start=10 * i)) for i in range(n_unique)]
    return "\n".join(uniq + [dup] * (n_dup + 1))


LONG = " ".join(words5(120, start=9000))
REPETITION_CASES = {
    "dup_para_frac": _paragraphs(5, "one two three four", 4),
    "dup_para_char_frac": _paragraphs(10, LONG, 1),
    "dup_line_frac": _lines(5, "one two three four", 4),
    "dup_line_char_frac": _lines(10, LONG, 1),
    "top_2gram_frac": _repeat_ngram(2, 30, 200),
    "top_3gram_frac": _repeat_ngram(3, 16, 200),
    "top_4gram_frac": _repeat_ngram(4, 10, 200),
    "dup_5gram_frac": _repeat_segment(200, 32),
    "dup_6gram_frac": _repeat_segment(200, 29),
    "dup_7gram_frac": _repeat_segment(200, 27),
    "dup_8gram_frac": _repeat_segment(200, 25),
    "dup_9gram_frac": _repeat_segment(200, 23),
    "dup_10gram_frac": _repeat_segment(200, 21),
}


@pytest.mark.parametrize("reason", list(REPETITION_CASES))
def test_gopher_repetition_drop_reasons(reason: str) -> None:
    v = GopherRepetition()(rec(REPETITION_CASES[reason]))
    assert not v.kept
    assert v.reason == f"gopher_repetition.{reason}"


def test_repetition_counts_only_later_occurrences() -> None:
    text = _repeat_segment(200, 21)
    s = GopherRepetition()(rec(text)).signals
    assert s["dup_5gram_frac"] == pytest.approx(21 / 200)
    assert s["dup_10gram_frac"] == pytest.approx(21 / 200)


def test_a_rule_set_to_none_is_off() -> None:
    v = GopherRepetition(max_dup_10gram_frac=None)(rec(REPETITION_CASES["dup_10gram_frac"]))
    assert v.kept


PIECES = [*"ab c.\n#-•…'\"\t", "the ", "and ", "12", "...", "\n\n", "word ", "Word. "]
texts = st.lists(st.sampled_from(PIECES), max_size=150).map("".join)


@settings(max_examples=150, deadline=None)
@given(texts)
def test_filters_never_change_text_and_decide_from_signals(text: str) -> None:
    for f in (GopherQuality(), GopherRepetition()):
        r = rec(text)
        v = f(r)
        assert r.text == text and v.text is None
        again = f.decide(json.loads(json.dumps(dict(v.signals))))
        assert (again.kept, again.reason) == (v.kept, v.reason)
        assert all(type(x) in (int, float, bool, str) for x in v.signals.values())
