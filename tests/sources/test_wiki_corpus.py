"""The wikipedia reader over ../shared/corpus/wiki: real dumps, counted a second, simpler way (regexes)."""

from __future__ import annotations

import bz2
import codecs
import functools
import re
from collections import Counter
from pathlib import Path

import pytest

from pajama.errors import InputError
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.sources.wikipedia import WikipediaReader
from pajama.storage import InputFile

DISAMBIGUATION = re.compile(r"\{\{\s*(?:disambig|disambiguation|dab|geodis|hndis)\s*[|}]", re.IGNORECASE)


def dumps(corpus: Path) -> list[Path]:
    found = sorted(p for p in (corpus / "wiki").iterdir() if p.is_file())
    if not found:
        pytest.skip("no wiki dumps in the corpus")
    return found


@functools.cache
def read(path: Path) -> list[ReadItem]:
    """Read once per test session: three tests look at the same items."""
    return list(WikipediaReader().read(InputFile(uri=str(path), name=path.name, source="wiki")))


def independent(path: Path) -> Counter[str]:
    """Pages by what they are, from the raw XML with regexes (no XML parser, no wikitext parser)."""
    raw = path.read_bytes()
    raw = bz2.decompress(raw) if path.suffix == ".bz2" else raw
    encoding = "utf-16" if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8"
    counts: Counter[str] = Counter()
    for body in re.findall(r"<page>(.*?)</page>", raw.decode(encoding), re.DOTALL):
        ns = re.search(r"<ns>(-?\d+)</ns>", body)
        text = re.search(r"<text[^>]*>(.*?)</text>", body, re.DOTALL)
        wikitext = text.group(1) if text else ""
        if ns is not None and ns.group(1) != "0":
            counts["namespace"] += 1
        elif "<redirect" in body or re.match(r"\s*#redirect", wikitext, re.IGNORECASE):
            counts["redirect"] += 1
        elif DISAMBIGUATION.search(wikitext):
            counts["disambiguation"] += 1
        else:
            counts["article"] += 1
    return counts


def test_records_match_an_independent_count(corpus: Path) -> None:
    for path in dumps(corpus):
        items = read(path)
        expected = independent(path)
        got = Counter(i.reason.split(".", 1)[1] if not isinstance(i, Doc) else "doc" for i in items)  # type: ignore[union-attr]
        assert not any(isinstance(i, Failure) for i in items), path.name
        assert len(items) == sum(expected.values()), path.name
        for kind in ("namespace", "redirect", "disambiguation"):
            assert got[kind] == expected[kind], (path.name, kind)
        # an article is a document unless nothing readable is left of it
        assert got["doc"] + got["empty"] == expected["article"], path.name
        assert got["doc"] > 0 and got["empty"] <= expected["article"] // 20, path.name


def test_text_has_no_markup_left(corpus: Path) -> None:
    for path in dumps(corpus):
        for item in read(path):
            if isinstance(item, Doc):
                for bad in ("{{", "}}", "[[", "]]", "<ref", "{|", "__NOTOC__"):
                    assert bad not in item.text, (path.name, item.meta["title"], bad)
                assert not re.search(r"^\s*\[?\[?(?:Category|File|Image):", item.text, re.MULTILINE)
                day = item.meta["timestamp"][:10]
                expected = "CC-BY-SA-4.0" if day >= "2023-06-07" else "CC-BY-SA-3.0" if day >= "2009-06-15" else "GFDL"
                assert item.meta["title"] and item.meta["license"].startswith(expected)
                assert item.meta["license_evidence"][0]["date"] == day


def test_language_and_keys_come_from_siteinfo(corpus: Path) -> None:
    for path in dumps(corpus):
        raw = path.read_bytes()
        raw = bz2.decompress(raw) if path.suffix == ".bz2" else raw
        encoding = "utf-16" if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8"
        head = raw.decode(encoding)[:3000]
        lang = re.search(r'xml:lang="([^"]+)"', head)
        dbname = re.search(r"<dbname>([^<]+)</dbname>", head)
        docs = [i for i in read(path) if isinstance(i, Doc)]
        assert {d.meta["language"] for d in docs} == {lang.group(1) if lang else None}, path.name
        for d in docs:
            assert d.key == (f"{dbname.group(1)}/{d.meta['page_id']}" if dbname else None), path.name


def test_truncated_real_dump(corpus: Path, tmp_path: Path) -> None:
    source = corpus / "wiki" / "ltgwiki-pages-articles.xml.bz2"
    if not source.exists():
        pytest.skip("ltgwiki dump not in the corpus")
    xml = bz2.decompress(source.read_bytes())
    cut = xml.index(b"<page>", len(xml) // 2) + 500
    path = tmp_path / "cut.xml"
    path.write_bytes(xml[:cut])
    seen = []
    with pytest.raises(InputError) as e:
        for item in WikipediaReader().read(InputFile(uri=str(path), name=path.name, source="wiki")):
            seen.append(item)
    assert e.value.reason == "wiki.truncated"
    assert len(seen) == xml[:cut].count(b"</page>")
    assert all(isinstance(i, Doc | Skip) for i in seen)


#: what issue 21 found in real articles: table markup, tags, links, templates, image options, holes
LEFTOVERS = {
    "table markup": re.compile(r"^\s*(?:\{\||\|[-}+]|\|\s*\w+\s*=)|\bstyle\s*=\s*\"|\|-", re.MULTILINE),
    "html list or table tag": re.compile(r"</?(?:ol|ul|li|table|tr|td|th|font|center)\b[^>]*>", re.IGNORECASE),
    "wiki link": re.compile(r"\[\[|\]\]"),
    "template": re.compile(r"\{\{|\}\}"),
    "image options": re.compile(r"\|\s*(?:thumb|thumbnail|mini|miniatur|upright|frameless|\d+px)\b", re.IGNORECASE),
    "emptied parentheses": re.compile(r"(?:^|(?<=\s))\(\s*(?:[,;:]\s*)*\)|\(\s*[,;]|[,;]\s*\)"),
    "space before comma": re.compile(r"\w\s+,"),
}


def _namespace_names(path: Path) -> set[str]:
    """Every namespace name but the main one's, from the dump's siteinfo, and the canonical file/category names."""
    raw = path.read_bytes()
    raw = bz2.decompress(raw) if path.suffix == ".bz2" else raw
    head = raw[:200_000].decode("utf-16" if raw[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE) else "utf-8")
    local = re.findall(r'<namespace key="(?!0")[^"]*"[^>]*>([^<]+)</namespace>', head)
    return {n.strip() for n in local} | {"File", "Image", "Media", "Category"}


def test_no_markup_or_holes_survive_in_any_article(corpus: Path) -> None:
    for path in dumps(corpus):
        names = _namespace_names(path)
        prefix = re.compile(r"(?:^|[\s|(])(?:" + "|".join(map(re.escape, names)) + r")\s*:\s*\S", re.MULTILINE)
        for item in read(path):
            if not isinstance(item, Doc):
                continue
            for what, pattern in {**LEFTOVERS, "namespace prefix": prefix}.items():
                m = pattern.search(item.text)
                context = item.text[max(0, m.start() - 40) : m.end() + 40] if m else ""
                assert m is None, (path.name, item.meta["title"], what, context)
