"""Books reader over ../shared/corpus/books: real Project Gutenberg files of every edition style."""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
import yaml

from pajama import options
from pajama.record import Doc
from pajama.sources.books import BooksReader
from pajama.storage import InputFile

# Phrases only Project Gutenberg's header, footer, small print and license use (checked case-insensitively).
BOILERPLATE = (
    "*** start of th", "*** end of th", "***start of", "***end of", "start of this project gutenberg",
    "end of the project gutenberg", "end of project gutenberg", "end of this project gutenberg",
    "project gutenberg ebook of", "project gutenberg etext of", "project gutenberg-tm", "project gutenberg license",
    "the small print", "small print!", "this ebook is for the use of anyone", "almost no restrictions whatsoever",
    "character set encoding:", "this file should be named", "updated editions will replace",
    "start: full license", "literary archive foundation", "plain vanilla electronic texts",
    "we need your donations", "www.gutenberg.org/license", "release date:", "posting date:",
)  # fmt: skip


class _AnyTag(yaml.SafeLoader):
    pass


_AnyTag.add_multi_constructor("!", lambda loader, suffix, node: loader.construct_scalar(node))


@pytest.fixture(scope="module")
def books(corpus: Path) -> dict[str, Doc]:
    reader = options.build(BooksReader, {}, "test")
    out = {}
    for path in sorted((corpus / "books").glob("*.txt.gz")):
        items = list(reader.read(InputFile(uri=str(path), name=path.name, source="books")))
        assert len(items) == 1 and isinstance(items[0], Doc), (path.name, items)
        out[path.name] = items[0]
    assert len(out) >= 10
    return out


@pytest.fixture(scope="module")
def gitenberg(corpus: Path) -> dict[int, dict[str, Any]]:
    raw = json.loads((corpus / "books" / "gitenberg-metadata.json").read_text())
    return {int(k.removeprefix("pg")): yaml.load(v, Loader=_AnyTag) for k, v in raw.items()}


def words(text: str) -> set[str]:
    """Lower-case words without accents or punctuation: "Alice’s" and "Alice's" compare equal."""
    plain = unicodedata.normalize("NFKD", text.replace("’", "'"))
    plain = "".join(ch for ch in plain if not unicodedata.combining(ch)).casefold()
    return set(re.findall(r"[a-z0-9]+", plain)) - {"s", "aka"}


def names(meta: dict[str, Any]) -> list[set[str]]:
    creator = meta.get("creator") or {}
    agents = [a for v in creator.values() for a in (v if isinstance(v, list) else [v])]
    out = []
    for agent in agents:
        out.append(words(agent["agent_name"]))
        aliases = agent.get("aliases") or ([agent["alias"]] if agent.get("alias") else [])
        out.extend(words(a) for a in aliases)
    return out


def test_no_boilerplate_survives(books: dict[str, Doc]) -> None:
    for name, doc in books.items():
        low = doc.text.lower()
        assert [p for p in BOILERPLATE if p in low] == [], name
        assert "\r" not in doc.text and "\ufeff" not in doc.text, name
        assert not doc.text.lower().startswith("produced by"), name


def raw_text(corpus: Path, name: str) -> str:
    return gzip.decompress((corpus / "books" / name).read_bytes()).decode("utf-8", "replace").replace("\r\n", "\n")


def test_book_text_is_kept_from_title_page_to_last_line(corpus: Path, books: dict[str, Doc]) -> None:
    """Every word between the last start marker and PG's first "End of" line survives, bar credit lines."""
    for name, doc in books.items():
        lines = raw_text(corpus, name).split("\n")
        starts = [i for i, line in enumerate(lines[:400]) if re.search(r"START OF TH|\*END\*?THE SMALL PRINT", line)]
        end = next(
            i for i, line in enumerate(lines) if re.match(r"(\*\*\* ?)?end of (the |this )?project gut", line, re.I)
        )
        segment = " ".join(lines[starts[-1] + 1 : end]).split()
        kept = " ".join(doc.text.split())
        assert " ".join(segment[-6:]) in kept, name
        assert 0.97 * len(segment) <= len(kept.split()) <= len(segment), name


def test_titles_and_authors_match_gitenberg(
    corpus: Path, books: dict[str, Doc], gitenberg: dict[int, dict[str, Any]]
) -> None:
    for name, doc in books.items():
        ebook = int(re.match(r"pg(\d+)-", name).group(1))  # type: ignore[union-attr]
        assert doc.meta["ebook_id"] == ebook, name
        truth = gitenberg[ebook]
        title, expected = words(doc.meta["title"]), words(str(truth["title"]))
        if "\nTitle:" in raw_text(corpus, name):
            assert title == expected, (name, doc.meta["title"], truth["title"])
        else:  # 1990s headers name a short title: "The Project Gutenberg Etext of Frankenstein by Mary Shelley"
            assert title and title <= expected, (name, doc.meta["title"], truth["title"])
        header_author = words(doc.meta["author"])
        assert any(n <= header_author or header_author <= n for n in names(truth)), (name, doc.meta["author"])


def test_metadata_file_overrides_header(corpus: Path, gitenberg: dict[int, dict[str, Any]]) -> None:
    path = corpus / "books" / "pg44157-44157-0.txt.gz"
    reader = options.build(BooksReader, {"metadata": str(corpus / "books" / "gitenberg-metadata.json")}, "test")
    (doc,) = reader.read(InputFile(uri=str(path), name=path.name, source="books"))
    assert isinstance(doc, Doc)
    assert doc.meta["title"] == " ".join(str(gitenberg[44157]["title"]).split())
    assert doc.meta["language"] == "fr" and doc.meta["languages"] == ["fr", "nl"]
    assert "Lucie Vos" in doc.meta["author"]


def test_editions_encodings_and_ids(books: dict[str, Doc]) -> None:
    old, new = books["pg84-frank10.txt.gz"], books["pg84-84-0.txt.gz"]
    assert old.meta["ebook_id"] == new.meta["ebook_id"] == 84 and old.key != new.key
    assert len({d.key for d in books.values()}) == len(books)
    dutch = books["pg24675-24675-8.txt.gz"]
    assert "GABRIËL" in dutch.text and dutch.meta["language"] == "nl"
    for name, doc in books.items():
        assert "\ufffd" not in doc.text and not any("\x80" <= ch <= "\x9f" for ch in doc.text), name
        assert doc.meta["license"] in ("PD-US", "LicenseRef-PG-copyrighted"), name
    assert books["pg5200-5200.txt.gz"].meta["license"] == "LicenseRef-PG-copyrighted"  # a copyrighted translation


def _rights_license(entry: dict[str, Any]) -> str:
    """What GITenberg's top-level rights say, read here with plain string checks."""
    rights, url = str(entry.get("rights", "")), str(entry.get("rights_url", ""))
    if rights.lower().startswith("public domain in the usa"):
        return "PD-US"
    assert rights == "CC BY-NC" and "/by-nc/4.0/" in url, (rights, url)  # the only other statement in the sample
    return "CC-BY-NC-4.0"


def test_every_book_is_licensed_from_its_evidence(corpus: Path, gitenberg: dict[int, dict[str, Any]]) -> None:
    reader = options.build(BooksReader, {"metadata": str(corpus / "books" / "gitenberg-metadata.json")}, "test")
    labels = set()
    for path in sorted((corpus / "books").glob("*.txt.gz")):
        (doc,) = reader.read(InputFile(uri=str(path), name=path.name, source="books"))
        assert isinstance(doc, Doc)
        labels.add(doc.meta["license"])
        methods = [e["method"] for e in doc.meta["license_evidence"]]
        entry = gitenberg.get(doc.meta["ebook_id"])
        expected = _rights_license(entry) if entry else "PD-US"
        copyrighted = "gutenberg_header" in methods
        if copyrighted and expected != "PD-US":
            expected = f"{expected} AND LicenseRef-PG-copyrighted"
        elif copyrighted:
            expected = "LicenseRef-PG-copyrighted"
        assert doc.meta["license"] == expected, (path.name, doc.meta["license_evidence"])
        assert methods[0] == ("catalog_rights" if entry else "gutenberg_markers"), path.name
    assert {"PD-US", "CC-BY-NC-4.0"} <= labels
