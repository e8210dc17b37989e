"""Language profiles: FineWeb-2 thresholds and stop words, stopwords-iso, sentence ends, the default."""

from __future__ import annotations

from pajama.filters.signals import TextStats, count_sentences
from pajama.text.languages import profile


def test_codes_find_fineweb2_configs() -> None:
    assert profile("ja").fineweb2_key == "jpn_Jpan" and profile("ja").segmenter == "icu"
    assert profile("zh").fineweb2_key == "cmn_Hani"  # a macrolanguage, filed under its main member
    assert profile("el").fineweb2_key == "ell_Grek" and "και" in profile("el").stop_words
    assert profile("sr-Latn").fineweb2_key == "srp_Latn" and profile("srp_Cyrl").fineweb2_key == "srp_Cyrl"
    assert profile("ja").fineweb2["max_avg_word_length"] == 6
    # script variants FineWeb-2 files under their family: zh-Hant is Mandarin in Han, as zh-TW is
    assert profile("zh-Hant").fineweb2_key == profile("zh-Hans").fineweb2_key == profile("zh-TW").fineweb2_key
    assert profile("zh-Hant").fineweb2_key == "cmn_Hani" and profile("yue-Hant").fineweb2_key == "yue_Hani"
    assert profile("ko-Kore").fineweb2_key == "kor_Hang" and profile("zh-Hant").script == "Hant"
    # Wikipedia's sh is Latin-script Serbo-Croatian (not srp_Cyrl, whose stop words never match it); tl is fil
    assert profile("sh").fineweb2_key == "hrv_Latn" and profile("tl").fineweb2_key == "fil_Latn"
    assert profile("jw").fineweb2_key == "jav_Latn"


def test_english_is_the_papers_and_unknown_is_the_default() -> None:
    en = profile("en")
    assert en.english and en.configured and en.fineweb2_key is None and profile("simple").english
    for code in ("Python", "xx", None):
        p = profile(code)
        assert not p.configured and not p.stop_words and p.label.endswith(":default")


def test_sentence_ends_follow_the_script() -> None:
    assert count_sentences("東京は首都です。大阪は都市です。京都は古い。", language="ja") == 3
    assert count_sentences("東京は首都です。大阪は都市です。", language="en") == 1
    assert count_sentences("यह एक वाक्य है। यह दूसरा है।", language="hi") == 2
    st = TextStats("これは文です。\nこれも文です。\n見出し", "ja")
    assert st.lines_ending_with((".", "!", "?")) == 2
    assert TextStats("これは文です。\n見出し", "en").lines_ending_with((".",)) == 0


def test_list_filters_language_prints_what_applies(capsys) -> None:  # type: ignore[no-untyped-def]
    from pajama.cli import main

    assert main(["list", "filters", "--language", "el"]) == 0
    out = capsys.readouterr().out
    assert "ell_Grek" in out and "του" in out and "space" in out
    assert main(["list", "filters", "--language", "xx"]) == 0
    assert "xx:default" in capsys.readouterr().out


def test_a_language_without_rules_is_a_config_error() -> None:
    import pytest

    from pajama.errors import ConfigError
    from pajama.filters.gopher import GopherQuality

    assert GopherQuality(language="el").language == "el"
    with pytest.raises(ConfigError) as e:
        GopherQuality(language="japanese")
    assert e.value.key == "gopher_quality.language"
