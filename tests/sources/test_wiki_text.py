"""Wikitext to plain text (sources/_wikitext.py): one crafted snippet per kind of markup."""

from __future__ import annotations

import pytest

from pajama.sources import _wikitext

BG = _wikitext.WikiNames.from_siteinfo({6: "Файл", -2: "Медия", 14: "Категория", 10: "Шаблон", 0: ""})


def text(wikitext: str, **kw: object) -> str:
    return _wikitext.to_text(_wikitext.parse(wikitext), **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("wikitext", "expected"),
    [
        ("'''Bold''' and ''italic'' stay as words.", "Bold and italic stay as words."),
        ("A [[Link]] and a [[Target|label]] and [[:Category:Shown]].", "A Link and a label and Category:Shown."),
        ("Text{{Citation needed|date=May}} more {{nested|{{inner}}}} end", "Text more end"),
        ("Claim.<ref>Source {{cite}}</ref> Next.<ref name=a/> Done.<ref name=b>x</ref>", "Claim. Next. Done."),
        ("Before <!-- hidden [[x]] --> after", "Before after"),
        ("[[File:A.jpg|thumb|A caption with [[link]]]] Prose.", "Prose."),
        ("[[Image:A.png|left]] [[Media:B.ogg]] Prose.", "Prose."),
        ("Prose.\n[[Category:Things]]\n[[Category:Other|sort]]", "Prose."),
        ("Prose.\n[[fr:Chose]]\n[[de:Ding]]\n[[zh-yue:嘢]]\n[[simple:Thing]]", "Prose."),
        ("See [http://example.org the site] and [http://bare.example.org].", "See the site and ."),
        ("__NOTOC__Prose here.", "Prose here."),
        ("a &amp; b &lt;c&gt; &nbsp;d", "a & b <c> d"),
        ("x <math>e^{i\\pi}</math> y", "x y"),
        ("Toronto ({{IPA|t}}, {{respell|r}}) is big; call f() now", "Toronto is big; call f() now"),
        ("<nowiki>[[a]]</nowiki> keeps its words", "a keeps its words"),
    ],
)
def test_markup(wikitext: str, expected: str) -> None:
    assert text(wikitext) == expected


def test_unparsed_markup_leaves_no_brackets() -> None:
    assert "[[" not in text("unbalanced [[link and {{template and <ref>open")
    assert "{{" not in text("unbalanced [[link and {{template and <ref>open")


def test_headings_and_paragraphs_are_kept() -> None:
    wikitext = "Lead paragraph.\n\n== History ==\nFirst.\n\nSecond.\n=== Early ===\nOld times.\n"
    assert text(wikitext) == "Lead paragraph.\n\nHistory\n\nFirst.\n\nSecond.\n\nEarly\n\nOld times."


def test_headings_left_empty_are_dropped() -> None:
    wikitext = (
        "Lead.\n== Parent ==\n=== Child ===\nBody.\n"
        "== References ==\n{{Reflist}}\n== External links ==\n* {{Official}}\n"
    )
    assert text(wikitext) == "Lead.\n\nParent\n\nChild\n\nBody."


def test_tables_are_removed_by_default_and_kept_on_request() -> None:
    wikitext = 'Prose.\n{| class="wikitable"\n! Name !! Value\n|-\n| alpha || 1\n|}\nMore.'
    assert text(wikitext) == "Prose.\n\nMore."
    kept = text(wikitext, tables=True)
    assert "alpha" in kept and "Value" in kept and "{|" not in kept


def test_localized_namespaces_from_siteinfo() -> None:
    wikitext = "Текст.[[Файл:Карта.png|мини|Подпис]]\n[[Категория:Неща]]\n[[Медия:Звук.ogg]]\n[[en:Thing]]"
    assert _wikitext.to_text(_wikitext.parse(wikitext), names=BG) == "Текст."


@pytest.mark.parametrize(
    ("wikitext", "redirect"),
    [
        ("#REDIRECT [[Target]]", True),
        ("#redirect[[Target]]", True),
        ("  #ПРЕНАСОЧВАНЕ [[Цел]]", True),
        ("#WEITERLEITUNG: [[Ziel]]", True),
        ("# first item of a [[list]]", False),
        ("Prose about #REDIRECT [[x]]", False),
    ],
)
def test_redirect_detection(wikitext: str, redirect: bool) -> None:
    assert _wikitext.is_redirect(wikitext) is redirect


def test_template_names_are_normalized() -> None:
    code = _wikitext.parse("{{ Disambiguation }}{{template:Geo_dis|x}}{{outer|{{Dab}}}}")
    assert _wikitext.template_names(code) == {"disambiguation", "geo dis", "outer"}
