"""The wikipedia reader on dumps built here: namespaces, redirects, options, encodings, truncation, safety."""

from __future__ import annotations

import bz2
import itertools
from pathlib import Path

import pytest

from examples.samples import wiki as wiki_sample
from pajama import options
from pajama.errors import ConfigError, InputError
from pajama.record import Doc, ReadItem, Skip
from pajama.sources.wikipedia import WikipediaReader
from pajama.storage import InputFile

SITEINFO = """<siteinfo><sitename>Wikipedia</sitename><dbname>xxwiki</dbname>
<base>https://xx.wikipedia.org/wiki/Main_Page</base>
<namespaces><namespace key="0" /><namespace key="10">Template</namespace>
<namespace key="14">Category</namespace></namespaces></siteinfo>"""


def page(pid: int, title: str, text: str, ns: int | None = 0, extra: str = "") -> str:
    ns_tag = f"<ns>{ns}</ns>" if ns is not None else ""
    return (
        f"<page><title>{title}</title>{ns_tag}<id>{pid}</id>{extra}<revision><id>{pid * 10}</id>"
        f"<timestamp>2020-01-0{pid % 9 + 1}T00:00:00Z</timestamp><text>{text}</text></revision></page>\n"
    )


def dump(*pages: str, siteinfo: str = SITEINFO, lang: str = "xx") -> str:
    head = f'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" xml:lang="{lang}">\n'
    return head + siteinfo + "\n" + "".join(pages) + "</mediawiki>\n"


PAGES = [
    page(1, "Alpha", "'''Alpha''' is first.\n== Part ==\nMore [[Beta|text]].&lt;ref&gt;r&lt;/ref&gt;"),
    page(2, "Beta", "#REDIRECT [[Alpha]]", extra='<redirect title="Alpha" />'),
    page(3, "Template:Box", "{{{1}}}", ns=10),
    page(4, "Gamma (disambiguation)", "'''Gamma''' may be:\n* [[Gamma ray]]\n{{Disambiguation}}"),
    page(5, "Delta", "{{Infobox only}}\n[[Category:Empty]]"),
    page(6, "Epsilon", "Plain prose about epsilon."),
]


def read(tmp_path: Path, name: str, data: bytes, **opts: object) -> list[ReadItem]:
    path = tmp_path / name
    path.write_bytes(data)
    reader = options.build(WikipediaReader, dict(opts), "sources.wiki.options")
    return list(reader.read(InputFile(uri=str(path), name=name, source="wiki")))


def outcome(items: list[ReadItem]) -> list[str]:
    return ["doc" if isinstance(i, Doc) else i.reason for i in items]  # type: ignore[union-attr]


def test_each_page_is_one_record(tmp_path: Path) -> None:
    items = read(tmp_path, "xx.xml.bz2", bz2.compress(dump(*PAGES).encode()))
    assert outcome(items) == ["doc", "wiki.redirect", "wiki.namespace", "wiki.disambiguation", "wiki.empty", "doc"]
    alpha = items[0]
    assert isinstance(alpha, Doc)
    assert alpha.text == "Alpha is first.\n\nPart\n\nMore text."
    assert alpha.key == "xxwiki/1"
    assert alpha.locator == {"page_id": "1", "revision_id": "10"}
    assert alpha.meta == {
        "title": "Alpha", "page_id": 1, "revision_id": 10, "timestamp": "2020-01-02T00:00:00Z", "language": "xx",
        "license": "CC-BY-SA-3.0", "namespace": 0, "url": "https://xx.wikipedia.org/wiki/Alpha", "dbname": "xxwiki",
        "license_evidence": [{
            "method": "revision_timestamp", "date": "2020-01-02", "license": "CC-BY-SA-3.0",
            "rule": "Wikimedia Terms of Use in force on that date (pajama.licenses.wikimedia.PERIODS)",
            "detail": "most text is also available under the GFDL",
        }],
    }  # fmt: skip


def test_options_change_what_is_kept(tmp_path: Path) -> None:
    data = dump(*PAGES).encode()
    items = read(tmp_path, "xx.xml", data, namespaces=[0, 10], disambiguation="keep", license="CC-BY-SA-3.0")
    assert outcome(items) == ["doc", "wiki.redirect", "wiki.empty", "doc", "wiki.empty", "doc"]
    assert {i.meta["license"] for i in items if isinstance(i, Doc)} == {"CC-BY-SA-3.0"}
    with pytest.raises(ConfigError):
        options.build(WikipediaReader, {"disambiguation": "maybe"}, "sources.wiki.options")


def test_last_revision_wins_and_missing_ns_comes_from_the_title(tmp_path: Path) -> None:
    two = (
        "<page><title>Zeta</title><id>7</id><revision><id>1</id><text>old text</text></revision>"
        "<revision><id>2</id><text>new text</text></revision></page>"
    )
    items = read(tmp_path, "z.xml", dump(two, page(8, "Category:Stuff", "cat page", ns=None)).encode())
    assert outcome(items) == ["doc", "wiki.namespace"]
    assert items[0].text == "new text" and items[0].meta["revision_id"] == 2  # type: ignore[union-attr]


def test_no_siteinfo_uses_xml_lang_and_no_key(tmp_path: Path) -> None:
    [item] = read(tmp_path, "n.xml", dump(PAGES[5], siteinfo="", lang="de").encode())
    assert isinstance(item, Doc)
    assert item.meta["language"] == "de" and item.key is None and "url" not in item.meta


def test_truncated_dump_yields_complete_pages_then_input_error(tmp_path: Path) -> None:
    data = dump(*PAGES).encode()
    cut = data.index(b"<page><title>Delta") + 40
    path = tmp_path / "cut.xml"
    path.write_bytes(data[:cut])
    seen: list[ReadItem] = []
    with pytest.raises(InputError) as e:
        for item in WikipediaReader().read(InputFile(uri=str(path), name="cut.xml", source="wiki")):
            seen.append(item)
    assert e.value.reason == "wiki.truncated"
    assert outcome(seen) == ["doc", "wiki.redirect", "wiki.namespace", "wiki.disambiguation"]
    compressed = bz2.compress(data)
    path.write_bytes(compressed[: len(compressed) - 20])
    with pytest.raises(InputError) as e:
        list(WikipediaReader().read(InputFile(uri=str(path), name="cut.xml.bz2", source="wiki")))
    assert e.value.reason in ("input.truncated", "wiki.truncated")


@pytest.mark.parametrize(
    ("encoding", "declare", "word"),
    [
        ("utf-16", False, "Привет 日本"),
        ("utf-16-le", True, "Привет"),
        ("utf-8-sig", False, "naïve"),
        ("iso-8859-1", True, "café déjà"),
        ("windows-1251", True, "Привет мир"),
        ("shift_jis", True, "日本語のテキスト"),
    ],
)
def test_declared_encodings(tmp_path: Path, encoding: str, declare: bool, word: str) -> None:
    xml = dump(page(1, "Word", f"{word} [[x|y]]"))
    if declare:
        xml = f'<?xml version="1.0" encoding="{encoding}"?>\n' + xml
    [item] = read(tmp_path, "e.xml", xml.encode(encoding))
    assert isinstance(item, Doc) and item.text == f"{word} y"


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        + dump(page(1, "Bomb", "&lol2;"))
    )
    with pytest.raises(InputError) as e:
        read(tmp_path, "bomb.xml", laughs.encode())
    assert e.value.reason == "wiki.unsafe_xml"


def test_not_xml_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        read(tmp_path, "junk.xml", b"this is not xml at all")
    assert e.value.reason == "wiki.malformed_xml"


def test_too_large_and_non_wikitext_pages_are_skipped(tmp_path: Path) -> None:
    big = page(1, "Big", "word " * 2000)
    css = page(2, "Style", "body {}", extra="").replace("<text>", "<model>css</model><text>")
    items = read(tmp_path, "b.xml", dump(big, css).encode(), max_page_chars=5000)
    assert outcome(items) == ["wiki.too_large", "wiki.not_wikitext"]


def test_quickstart_sample(tmp_path: Path) -> None:
    wiki_sample.build(tmp_path)
    path = tmp_path / "wiki" / "sample-pages-articles.xml.bz2"
    items = list(WikipediaReader().read(InputFile(uri=str(path), name=path.name, source="wiki")))
    pages = bz2.decompress(path.read_bytes()).count(b"<page>")
    assert len(items) == pages
    docs = [i for i in items if isinstance(i, Doc)]
    assert len(docs) == len(wiki_sample.TOPICS) + 1
    assert sorted(i.reason for i in items if isinstance(i, Skip)) == [
        "wiki.disambiguation", "wiki.namespace", "wiki.redirect"
    ]  # fmt: skip
    for doc in docs:
        assert not any(bad in doc.text for bad in ("{{", "[[", "<ref", "&#", "Category:")), doc.meta["title"]


def test_multistream_bz2(tmp_path: Path) -> None:
    xml = dump(*PAGES).encode()
    cuts = [0, xml.index(b"<page>"), xml.index(b"<page><title>Gamma"), len(xml)]
    multistream = b"".join(bz2.compress(xml[a:b]) for a, b in itertools.pairwise(cuts))
    items = read(tmp_path, "xxwiki-pages-articles-multistream.xml.bz2", multistream)
    assert outcome(items) == outcome(read(tmp_path, "plain.xml", xml))


def test_license_follows_the_revision_date(tmp_path: Path) -> None:
    def dated(pid: int, stamp: str) -> str:
        rev = f"<revision><id>{pid}</id>{stamp}<text>Text.</text></revision>"
        return f"<page><title>P{pid}</title><ns>0</ns><id>{pid}</id>{rev}</page>"

    pages = [
        dated(1, "<timestamp>2008-12-31T23:59:59Z</timestamp>"),
        dated(2, "<timestamp>2009-06-15T00:00:00Z</timestamp>"),
        dated(3, "<timestamp>2023-06-06T23:59:59Z</timestamp>"),
        dated(4, "<timestamp>2023-06-07T00:00:00Z</timestamp>"),
        dated(5, ""),
    ]
    data = dump(*pages).encode()
    items = read(tmp_path, "xxwiki-20230601-pages-articles.xml", data)
    assert [i.meta["license"] for i in items] == [  # type: ignore[union-attr]
        "GFDL-1.2-or-later", "CC-BY-SA-3.0", "CC-BY-SA-3.0", "CC-BY-SA-4.0", "CC-BY-SA-3.0",
    ]  # fmt: skip
    undated = items[4].meta["license_evidence"]  # type: ignore[union-attr]
    assert [(e["method"], e["date"]) for e in undated] == [("dump_file_name", "2023-06-01")]
    nameless = read(tmp_path, "dump.xml", data)[4]
    assert nameless.meta["license"] == "LicenseRef-unknown" and nameless.meta["license_evidence"] == []  # type: ignore[union-attr]
    fixed = read(tmp_path, "dump.xml", data, license="CC-BY-4.0")
    assert {i.meta["license"] for i in fixed} == {"CC-BY-4.0"}  # type: ignore[union-attr]
    assert all("license_evidence" not in i.meta for i in fixed)  # type: ignore[union-attr]


def test_stubs_below_too_short_are_skipped_and_counted(tmp_path: Path) -> None:
    long_text = "Long enough prose. " * 8
    data = dump(page(1, "Stub", "Kipra — vaļsteiba Europā."), page(2, "Long", long_text), page(3, "Kana", "東京" * 20))
    assert outcome(read(tmp_path, "xx.xml", data.encode())) == ["doc", "doc", "doc"]
    items = read(tmp_path, "xx.xml", data.encode(), too_short=100)
    assert outcome(items) == ["wiki.too_short", "doc", "doc"]  # 40 CJK characters are 120 bytes
