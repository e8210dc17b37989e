"""rpv2: each reproduced RedPajama-v2 definition pinned on a crafted text, values worked out by hand."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from pajama import options
from pajama.errors import ConfigError
from pajama.filters.rpv2 import SIGNALS, RedPajamaV2, bounded_value
from pajama.filters.rpv2_lists import bad_words, stop_words, ut1_index
from pajama.filters.rpv2_signals import WordLists, rpv2_signals
from pajama.record import Record


def rec(text: str, **meta: object) -> Record:
    return Record(id="rp/x", text=text, source="t", meta=dict(meta), origin={})


def signals(text: str, **meta: object) -> dict:
    return dict(RedPajamaV2()(rec(text, **meta)).signals)


def values(spans: list) -> list:
    return [v for _, _, v in spans]


def test_every_rpv2_field_name_is_stored() -> None:
    s = signals("Some text.", language="en")
    assert set(s) == set(SIGNALS)
    assert "rps_lines_ending_with_terminal_punctution_mark" in s  # RP-v2's spelling
    assert len(SIGNALS) == 30


def test_raw_lines_include_blank_lines_and_spans_cover_the_text() -> None:
    s = signals("Ab.\n\n  \nCD")
    assert s["rps_lines_num_words"] == [[0, 4, 1], [4, 5, 0], [5, 8, 0], [8, 10, 1]]
    assert values(s["rps_lines_ending_with_terminal_punctution_mark"]) == [1.0, 0.0, 0.0, 0.0]
    # the uppercase fraction divides by the raw line, newline included: "Ab.\n" has 1 of 4
    assert values(s["rps_lines_uppercase_letter_fraction"]) == [0.25, 0.0, 0.0, 1.0]
    assert s["rps_doc_frac_lines_end_with_ellipsis"] == 0.0
    assert s["ccnet_nlines"] == 4
    assert signals("a\n")["rps_lines_num_words"] == [[0, 2, 1]]  # no empty line after a final newline
    assert signals("a\n")["ccnet_nlines"] == 2  # CCNet counts "\n"-separated pieces


def test_top_ngram_tie_takes_the_first_seen() -> None:
    # "xx y" and "zzz w" both occur twice; the first seen is the shorter one: 2 * 3 chars of 14
    s = signals("xx y xx y zzz w zzz w")
    assert s["rps_doc_frac_chars_top_2gram"] == round(6 / 14, 8)
    assert signals("zzz w zzz w xx y xx y")["rps_doc_frac_chars_top_2gram"] == round(8 / 14, 8)


def test_dupe_ngrams_count_every_occurrence_once() -> None:
    # the 5-gram "a b c d e" occurs twice; all ten words are covered, the odd "zz" is not
    s = signals("a b c d e zz a b c d e")
    assert s["rps_doc_frac_chars_dupe_5grams"] == round(10 / 12, 8)
    assert s["rps_doc_frac_chars_dupe_6grams"] == 0.0
    assert signals("a b c d")["rps_doc_frac_chars_dupe_5grams"] == 0.0  # fewer words than n


def test_pi_is_two_sentences_and_one_word() -> None:
    s = signals("Pi is 3.14 exactly")
    assert s["rps_doc_num_sentences"] == 2.0  # \b[^.!?]+[.!?]*: "Pi is 3." and "14 exactly"
    assert s["rps_doc_word_count"] == 4  # punctuation deleted: "314" is one normalized word
    assert s["rps_doc_mean_word_length"] == round((2 + 2 + 3 + 7) / 4, 8)
    # WordPunct tokens: Pi, is, 3, ".", 14, exactly; three have no ASCII letter
    assert s["rps_doc_frac_no_alph_words"] == 0.5
    assert values(s["rps_lines_numerical_chars_fraction"]) == [round(3 / len("pi is 314 exactly"), 8)]


def test_nfd_accents_and_the_ascii_only_letter_test() -> None:
    s = signals("Été éé")
    assert s["rps_doc_mean_word_length"] == 4.5  # NFD: "e\u0301te\u0301" is 5 characters, "e\u0301e\u0301" 4
    assert s["rps_doc_frac_no_alph_words"] == 0.5  # "éé" has no [a-zA-Z]
    assert s["rps_doc_frac_all_caps_words"] == 0.0
    assert signals("東京 ÉTÉ")["rps_doc_frac_all_caps_words"] == 0.5  # str.isupper on raw tokens


def test_the_ten_bullet_code_points() -> None:
    s = signals("• item\n- dash\n\u2013 en dash\n* star\n  \u25aa small square")
    assert values(s["rps_lines_start_with_bulletpoint"]) == [1.0, 0.0, 1.0, 0.0, 1.0]
    assert bounded_value(s, "rps_lines_start_with_bulletpoint") == 3 / 5


def test_empty_document() -> None:
    s = signals("", language="en")
    assert s["rps_doc_word_count"] == 0
    for name in ("mean_word_length", "frac_unique_words", "unigram_entropy", "symbol_to_word_ratio"):
        assert s[f"rps_doc_{name}"] is None, name
    assert s["rps_doc_frac_lines_end_with_ellipsis"] is None
    assert s["rps_doc_stop_word_fraction"] == 0.0 and s["rps_doc_ldnoobw_words"] == 0.0
    assert s["rps_doc_frac_chars_top_2gram"] == 0.0 and s["rps_doc_frac_chars_dupe_5grams"] == 0.0
    assert s["rps_lines_num_words"] == [] and s["rps_lines_start_with_bulletpoint"] == [[0, 0, None]]
    assert s["rps_doc_num_sentences"] == 0.0 and s["ccnet_nlines"] == 0


def test_words_delete_ascii_punctuation_lowercase_and_collapse() -> None:
    s = signals("E-mail   l'été, LOREM; ipsum!")
    assert s["rps_doc_word_count"] == 4  # email, lété, lorem, ipsum
    # "lorem ipsum" is found in the normalized text and divided by its length
    assert s["rps_doc_lorem_ipsum"] == round(1 / len("email le\u0301te\u0301 lorem ipsum"), 8)
    assert s["rps_doc_symbol_to_word_ratio"] == 0.0
    assert signals("# a ... b…")["rps_doc_symbol_to_word_ratio"] == round(3 / 5, 8)  # #, a, ..., b, …


def test_unique_words_and_entropy() -> None:
    s = signals("the cat the dog")
    assert s["rps_doc_frac_unique_words"] == 0.75
    assert s["rps_doc_unigram_entropy"] == round(-(0.5 * math.log(0.5) + 2 * 0.25 * math.log(0.25)), 8)


def test_javascript_counts_per_normalized_line() -> None:
    s = signals("Enable JavaScript, javascript!\njavascripts here\n")
    assert values(s["rps_lines_javascript_counts"]) == [2.0, 0.0]


def test_curly_brackets_over_raw_characters() -> None:
    assert signals("{x}")["rps_doc_curly_bracket"] == round(2 / 3, 8)


def test_stop_words_match_raw_case_kept_tokens() -> None:
    # WordPunct tokens: The, cat, and, the, hat; "The" is not the stop word "the"
    s = signals("The cat and the hat", language="en")
    assert s["rps_doc_stop_word_fraction"] == round(2 / 5, 8)
    assert {"the", "and"} <= stop_words("en")  # type: ignore[operator]


def test_other_languages_use_their_own_lists() -> None:
    s = signals("Der Hund und der Kater", language="de")
    assert s["rps_doc_stop_word_fraction"] == round(2 / 5, 8)  # und, der
    assert signals("Der Hund und der Kater", language="de-AT")["rps_doc_stop_word_fraction"] == 0.4
    fr = signals("le chat et le chien", language="fr")
    assert fr["rps_doc_stop_word_fraction"] == 0.6  # le, et, le


def test_no_list_outside_rpv2_languages_and_never_english_by_default() -> None:
    for meta in ({"language": "ja"}, {"language": "ltg"}, {}):
        s = signals("the cat and the hat", **meta)
        assert s["rps_doc_stop_word_fraction"] is None and s["rps_doc_ldnoobw_words"] is None
        assert s["rps_doc_word_count"] == 5  # the language-blind signals are computed as usual
    fallback = dict(RedPajamaV2(language="en")(rec("the cat and the hat")).signals)
    assert fallback["rps_doc_stop_word_fraction"] == 0.6
    assert dict(RedPajamaV2(language="en")(rec("the cat", language="de")).signals)["rps_doc_stop_word_fraction"] == 0


def test_ldnoobw_counts_normalized_word_ngrams_as_listed(tmp_path: Path) -> None:
    words = tmp_path / "words.txt"
    words.write_text("badword\ntwo girls\nÉcole\nsome-thing\n  spaced  \n", encoding="utf-8")
    f = RedPajamaV2(ldnoobw=str(words))
    s = dict(f(rec("BadWord, two  girls! two girls; École some-thing spaced", language="ja")).signals)
    # badword, 2 x "two girls", spaced; "École" (listed in NFC and uppercase) and "some-thing" never match
    assert s["rps_doc_ldnoobw_words"] == 4.0
    assert "2g1c" in bad_words(None, "en")  # type: ignore[operator]
    assert bad_words(None, "ja") is None


def test_shipped_ldnoobw_list_per_language() -> None:
    assert signals("you are an asshole", language="en")["rps_doc_ldnoobw_words"] == 1.0
    assert signals("you are an asshole", language="it")["rps_doc_ldnoobw_words"] == 0.0


def test_ut1_blacklist_ids_number_category_sets(tmp_path: Path) -> None:
    lists = tmp_path / "ut1" / "blacklists"
    for category, domains in {
        "adult": ["a.example", "b.example"],
        "porn": ["b.example"],
        "news": ["c.example"],
    }.items():
        (lists / category).mkdir(parents=True)
        (lists / category / "domains").write_text("\n".join(domains) + "\n", encoding="utf-8")
    index = ut1_index(str(tmp_path / "ut1"))
    # ids number the non-empty subsets of RP-v2's 13 sorted categories, singletons first:
    # ("adult",) is 0; ("adult", "porn") comes after the 13 singletons and the 10 pairs ("adult", "agressif")
    # .. ("adult", "phishing"), since the sorted names are adult, agressif, agressive, arjel, chat, dating, ddos,
    # filehosting, gambling, mixed_adult, phishing, porn, violence
    assert index == {"a.example": 0, "b.example": 13 + 10}
    f = RedPajamaV2(ut1=str(tmp_path / "ut1"))
    assert f(rec("x", url="http://b.example/page")).signals["rps_doc_ut1_blacklist"] == 23
    assert f(rec("x", url="http://c.example/")).signals["rps_doc_ut1_blacklist"] is None
    assert RedPajamaV2()(rec("x", url="http://a.example/")).signals["rps_doc_ut1_blacklist"] is None


def test_bounds_drop_with_their_reason_in_order() -> None:
    text = "• one\n• two\n• three four five six."  # 9 words: "•" is not ASCII punctuation
    f = RedPajamaV2(bounds={"rps_doc_word_count": (1, 10), "rps_lines_start_with_bulletpoint": (None, 0.5)})
    v = f(rec(text))
    assert not v.kept and v.reason == "rpv2.max_rps_lines_start_with_bulletpoint"
    assert RedPajamaV2(bounds={"rps_doc_word_count": (10, None)})(rec(text)).reason == "rpv2.min_rps_doc_word_count"
    assert RedPajamaV2(bounds={"rps_doc_word_count": (9, 9)})(rec(text)).kept  # inclusive
    assert RedPajamaV2()(rec(text)).kept


def test_null_fails_a_bound_and_stored_signals_decide_the_same() -> None:
    f = RedPajamaV2(bounds={"rps_doc_mean_word_length": (3, 10)})
    assert f(rec("")).reason == "rpv2.min_rps_doc_mean_word_length"
    v = f(rec("Words of a normal length here"))
    assert v.kept
    stored = json.loads(json.dumps(dict(v.signals)))
    assert f.decide(stored).kept
    as_parquet_text = {k: json.dumps(x) if isinstance(x, list) else x for k, x in stored.items()}
    g = RedPajamaV2(bounds={"rps_lines_num_words": (None, 1)})
    assert g.decide(as_parquet_text).reason == g.decide(stored).reason == "rpv2.max_rps_lines_num_words"
    assert f.decide({}).reason == "rpv2.min_rps_doc_mean_word_length"  # absent in a release: null


def test_preset_is_the_dataset_cards_rules() -> None:
    from pajama.registry import get_preset

    (spec,) = get_preset("redpajama_v2_example").filters
    bounds = spec["rpv2"]["bounds"]
    assert list(bounds) == [
        "rps_doc_word_count",
        "rps_doc_mean_word_length",
        "rps_doc_symbol_to_word_ratio",
        "rps_lines_start_with_bulletpoint",
        "rps_doc_frac_chars_top_2gram",
    ]
    assert [tuple(b) for b in bounds.values()] == [(50, 100_000), (3, 10), (None, 0.1), (None, 0.9), (None, 0.2)]
    f = options.build(RedPajamaV2, spec["rpv2"], "filters.rpv2")
    prose = " ".join(f"Alpha{i} beta{i} gamma{i}." for i in range(20))  # 60 words, no repeated 2-gram
    assert f(rec(prose)).kept
    assert f(rec(prose.replace(" ", " #"))).reason == "rpv2.max_rps_doc_symbol_to_word_ratio"
    assert f(rec("• " + prose.replace(". ", ".\n• "))).reason == "rpv2.max_rps_lines_start_with_bulletpoint"


@pytest.mark.parametrize(
    ("opts", "key"),
    [
        ({"bounds": {"rps_doc_words": [1, 2]}}, "rpv2.bounds.rps_doc_words"),
        ({"bounds": {"rps_doc_ut1_blacklist": [1, 2]}}, "rpv2.bounds.rps_doc_ut1_blacklist"),
        ({"bounds": {"rps_doc_word_count": [5, 2]}}, "rpv2.bounds.rps_doc_word_count"),
        ({"ldnoobw": "/no/such/list"}, "rpv2.ldnoobw"),
        ({"ut1": "/"}, "rpv2.ut1"),
    ],
)
def test_bad_config_names_the_key(opts: dict, key: str) -> None:
    with pytest.raises(ConfigError) as e:
        options.build(RedPajamaV2, opts, "filters.rpv2")
    assert e.value.key == key


def test_signals_function_with_a_language_or_lists() -> None:
    s = rpv2_signals("plain text", WordLists())
    assert s["rps_doc_stop_word_fraction"] is None and s["rps_doc_ut1_blacklist"] is None
    assert rpv2_signals("the text")["rps_doc_stop_word_fraction"] is None  # no language, no list
    assert rpv2_signals("the text", language="en")["rps_doc_stop_word_fraction"] == 0.5
    own = WordLists(stop_words=frozenset({"text"}), ut1={"a.example": 7})
    s = rpv2_signals("the text", own, "a.example", language="en")
    assert s["rps_doc_stop_word_fraction"] == 0.5 and s["rps_doc_ut1_blacklist"] == 7
