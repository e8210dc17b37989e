"""MinHash shingles over segmented words for scripts without spaces; English shingles unchanged."""

from __future__ import annotations

import random

from pajama.dedup.shingle import segmented, shingles

JA = (
    "日本国、または日本は、東アジアに位置する民主制国家である。首都は東京都であり、本州、北海道、九州、四国の"
    "四つの大きな島と多くの小さな島からなる。気候は南北に長い国土のため地域によって大きく異なり、四季の変化が"
    "はっきりしている。人口はおよそ一億二千万人で、その多くが太平洋側の平野部の都市に住んでいる。公用語を定めた"
    "法律はないが、日本語が事実上の共通語として広く使われている。明治時代になると近代化が急速に進み、鉄道や工場が"
    "各地に作られるようになった。産業では自動車や電子機器の製造が盛んで、多くの製品が世界中に輸出されている。"
)


def jaccard(a: str, b: str, language: str | None) -> float:
    x = set(shingles(segmented(a, language) if language else a))
    y = set(shingles(segmented(b, language) if language else b))
    return len(x & y) / len(x | y)


def test_text_with_spaces_is_untouched() -> None:
    text = "The quick brown fox jumps over the lazy dog, again and again."
    for language in ("en", None, "de", "xx"):
        assert segmented(text, language) == text


def test_japanese_shingles_are_word_five_grams() -> None:
    first = shingles(segmented(JA, "ja"))[0].decode()
    assert first.split() == ["日本国", "または", "日本", "は", "東アジア"]
    assert len(shingles(segmented(JA, "ja"))) > 100 and len(shingles(JA)) < 40


def test_a_few_edited_characters_keep_a_japanese_page_near_its_copy() -> None:
    rng = random.Random(3)
    chars = list(JA)
    for i in rng.sample(range(len(chars)), len(chars) // 200):  # 0.5% of the characters
        chars[i] = "あ"
    edited = "".join(chars)
    assert jaccard(JA, edited, "ja") >= 0.8
    assert jaccard(JA, edited, None) < 0.5  # whitespace shingles: one "word" per run between commas
