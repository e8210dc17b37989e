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
                assert item.meta["title"] and item.meta["license"] == "CC-BY-SA-4.0"


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
