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
        ("A [[Link]] and a [[Target|label]] and [[:Category:Shown]].", "A Link and a label and Shown."),
        ("Text{{Citation needed|date=May}} more {{nested|{{inner}}}} end", "Text more end"),
        ("Claim.<ref>Source {{cite}}</ref> Next.<ref name=a/> Done.<ref name=b>x</ref>", "Claim. Next. Done."),
        ("Before <!-- hidden [[x]] --> after", "Before after"),
        ("[[File:A.jpg|thumb|A caption with [[link]]]] Prose.", "Prose."),
        ("[[Image:A.png|left]] [[Media:B.ogg]] Prose.", "Prose."),
        ("Prose.\n[[Category:Things]]\n[[Category:Other|sort]]", "Prose."),
        ("Prose.\n[[fr:Chose]]\n[[de:Ding]]\n[[zh-yue:嘢]]\n[[simple:Thing]]", "Prose."),
        ("See [http://example.org the site] and [http://bare.example.org].", "See the site and."),
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


HI = _wikitext.WikiNames.from_siteinfo({6: "चित्र", -2: "मीडिया", 14: "श्रेणी", 0: ""}, "hi")
LTG = _wikitext.WikiNames.from_siteinfo({6: "Fails", -2: "Medeja", 14: "Kategoreja", 0: ""}, "ltg")


@pytest.mark.parametrize(
    ("wikitext", "names", "expected"),
    [
        # the siteinfo's localized name, inside a link that also holds links
        ("[[चित्र:Solar_eclipse_1999_4_NR.jpg|thumb|right|[[सूर्य]] ग्रहण]]\nसूर्य ग्रहण।", HI, "सूर्य ग्रहण।"),
        # the same link unparsed (never closed): the rest of its line goes with it
        ("सूर्य।\n[[चित्र:Solar_eclipse_1999_4_NR.jpg|thumb|right|ग्रहण\n\nग्रहण।", HI, "सूर्य।\n\nग्रहण।"),
        # an alias the wiki accepts but its siteinfo does not list (Latvian "Attēls" on the Latgalian Wikipedia)
        ("[[Attēls:MountainLion.jpg|thumb|250px|]]\nPuma irā zviers.", LTG, "Puma irā zviers."),
        # a prefix nobody listed, but the target is a media file
        ("[[Bildo:Foto.JPG|miniatur|Teksto]] Vorto.", None, "Vorto."),
        ("Prose.\n[[Kategoreja:Zvieri]]", LTG, "Prose."),
        # an unclosed gallery, and a gallery line on its own
        ("Vorto.\n<gallery>\nचित्र:A.jpg|एक\nFile:B.png\n\nNext.", HI, "Vorto.\n\nNext."),
        ("Vorto.\nचित्र:Solar_eclipse_1999_4_NR.jpg|thumb|right|ग्रहण\nNext.", HI, "Vorto.\n\nNext."),
    ],
)
def test_localized_and_aliased_file_links(wikitext: str, names: object, expected: str) -> None:
    assert text(wikitext, names=names) == expected


@pytest.mark.parametrize(
    ("wikitext", "expected"),
    [
        # a table whose {| came from a template: its attribute lines and rows are left as text
        ('Lead.\n{{Table start}} style="border="0"\n|-\n| style="width:120px;"| cell\n|}\nAfter.', "Lead.\n\nAfter."),
        ('Prose.\n|- style="background:#eee"\n! scope="col" | Head !! Other\nMore prose.', "Prose.\n\nMore prose."),
        ('class="wikitable" style="text-align: left;"\nText.', "Text."),
        ("Before.\n<table border=1><tr><td>Dünaburg<td>Daugavpils\n</table>\nAfter.", "Before.\n\nAfter."),
        ('<ol start="17">\n<li>Seventeenth item</li>\n</ol>', "Seventeenth item"),
        ("Stray <td>cell</td> and <font size=+1>big</font> words.", "Stray cell and big words."),
    ],
)
def test_table_and_html_markup_left_as_text_is_removed(wikitext: str, expected: str) -> None:
    assert text(wikitext) == expected


@pytest.mark.parametrize(
    ("wikitext", "expected"),
    [
        ("Savas Dimopoulos ({{IPA-el|x}}; {{lang-el|y}}; born 1952) is", "Savas Dimopoulos (y; born 1952) is"),
        ("Savas Dimopoulos ({{IPA-el|x}}; {{respell|y}}; born 1952) is", "Savas Dimopoulos (born 1952) is"),
        ("the building is {{height|m=50}}, containing 10 floors", "the building is, containing 10 floors"),
        ("Lincoln ({{IPA|x}}; {{Audio|y}}) was", "Lincoln was"),
        ("Felis bieti, 1892 (({{Vol-en|a}}, {{Vol-ru|b}})) irā", "Felis bieti, 1892 irā"),
        ("Caracal (Schreber, 1776, {{a}}, {{b}}, {{c}}) — ira", "Caracal (Schreber, 1776) — ira"),
        ("He described himself {{sfn|x}}: tall", "He described himself: tall"),
        ("Prose.\n\n{{Official website}}.\n\nMore.", "Prose.\n\nMore."),
        ("{{As of|2014}}, the office states", "As of 2014, the office states"),
    ],
)
def test_removed_templates_leave_no_holes(wikitext: str, expected: str) -> None:
    assert text(wikitext) == expected


def test_french_spacing_is_kept_in_french() -> None:
    wikitext = "Il a dit {{sfn|x}} : « oui » ; puis ?"
    assert text(wikitext, language="fr") == "Il a dit : « oui » ; puis ?"
    assert text(wikitext, language="en") == "Il a dit: « oui » ; puis?"  # after a word only: "» ;" stays


@pytest.mark.parametrize(
    ("wikitext", "expected"),
    [
        ("A {{convert|10|km|mi}} road", "A 10 km road"),
        ("From {{cvt|10|to|20|km|abbr=on}} wide", "From 10 to 20 km wide"),
        ("The {{lang|fr|belle [[époque]]}} era", "The belle époque era"),
        ("The {{lang-de|Zeitgeist}} spirit", "The Zeitgeist spirit"),
        ("{{nihongo|Tokyo|東京|Tōkyō}} is a city", "Tokyo (東京, Tōkyō) is a city"),
        ("Born {{birth date|1952|3|4}} in", "Born 1952-03-04 in"),
        ("He said {{quote|text=We shall fight}} then", "He said We shall fight then"),
        ("Mass {{val|1.23|u=kg}} and {{frac|1|2}} cup", "Mass 1.23 kg and 1/2 cup"),
        ("Keep {{nowrap|these words}} {{Infobox person|name=x}}together", "Keep these words together"),
    ],
)
def test_prose_templates_are_rendered(wikitext: str, expected: str) -> None:
    assert text(wikitext) == expected


def test_links_to_file_and_category_pages() -> None:
    assert text("See [[:File:Map.png]] and [[:Category:People from Bodmin]].") == "See and People from Bodmin."
    assert text("See [[:Category:People|the people]].") == "See the people."
    talk = _wikitext.WikiNames.from_siteinfo({1: "Talk", 14: "Category", 0: ""})
    assert text("see [[Talk:Elliptic integral#Notations]] and [[Talk:X|the talk]]", names=talk) == (
        "see Elliptic integral#Notations and the talk"
    )
