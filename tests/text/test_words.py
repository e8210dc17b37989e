"""Words per language: ICU segmentation for scripts without spaces, whitespace rules elsewhere."""

from __future__ import annotations

from pajama.text.languages import profile
from pajama.text.words import space_words, unspaced, words

JA = "東京は日本の首都です。大阪は二番目に大きな都市です。"
TH = "ภาษาไทยเขียนโดยไม่มีช่องว่างระหว่างคำ"


def test_japanese_is_segmented_into_words_not_sentences() -> None:
    ws = words(JA, "ja")
    assert {"東京", "日本", "首都", "大阪", "都市"} <= set(ws)
    assert "。" not in ws and len(ws) >= 12
    assert len(space_words(JA)) == 1  # what whitespace rules made of it: one "word"


def test_thai_chinese_khmer_are_segmented() -> None:
    assert len(words(TH, "th")) >= 6 and "ภาษา" in words(TH, "th")
    assert {"北京", "中国", "首都"} <= set(words("北京是中国的首都。", "zh"))
    assert len(words("ភាសាខ្មែរជាភាសាផ្លូវការ", "km")) >= 3


def test_chinese_splits_dates_and_addresses_as_jieba_does() -> None:
    # Python jieba (datatrove's Chinese tokenizer) splits an unknown ASCII run at its letter-and-digit runs,
    # keeping a decimal and a percent whole; rjieba alone keeps "2020-04-09" as one token
    text = "日期2020-04-09网址www.example.com编号WJ-BJB_1价格3.14元占60%"
    ws = words(text, "zh")
    assert ws[ws.index("日期") + 1 : ws.index("日期") + 4] == ["2020", "04", "09"]
    assert {"www", "example", "com", "WJ", "BJB", "1", "3.14", "60"} <= set(ws) and "2020-04-09" not in ws


def test_tibetan_splits_at_the_tsheg() -> None:
    assert words("བོད་ཡིག་ནི་", "bo") == ["བོད", "ཡིག", "ནི"]


def test_spaced_languages_keep_the_whitespace_rules() -> None:
    text = "Don't stop — the e-mail (sent at 3.11) said «bonjour»!"
    assert words(text, "en") == words(text, "fr") == space_words(text)
    assert space_words(text) == ["Don't", "stop", "the", "e-mail", "sent", "at", "3.11", "said", "bonjour"]
    assert words("Το σπίτι είναι μεγάλο.", "el") == ["Το", "σπίτι", "είναι", "μεγάλο"]


def test_astral_characters_keep_their_offsets() -> None:
    ws = words("𠮷野家で😀ラーメンを食べた。", "ja")
    assert "𠮷" in "".join(ws) and "ラーメン" in ws and "😀" not in ws


def test_unknown_language_follows_the_texts_script() -> None:
    assert unspaced(JA) and not unspaced("plain English text")
    assert words(JA, None) == words(JA, "ja")
    assert words("plain English text.", "xx") == ["plain", "English", "text"]
    assert profile("xx").label == "xx:default" and profile(None).label == "und:default"
