"""Books reader on crafted Project Gutenberg files: one per edition style, encodings, containers."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest

from examples.samples import books as sample
from pajama import options
from pajama.errors import ConfigError, InputError
from pajama.record import Doc, Skip
from pajama.sources._gutenberg import unwrap
from pajama.sources.books import BooksReader
from pajama.storage import InputFile

# Written here, not imported: the phrases a reader must never leave in a book.
BOILERPLATE = (
    "project gutenberg",
    "small print",
    "this ebook is for the use",
    "etexts",
    "full license",
    "character set encoding",
    "this file should be named",
    "*** start",
    "*** end",
    "produced by",
)
PROSE = (
    "It was the best of times and the worst of times, said the narrator, who had\n"
    "seen a great many seasons pass over the old town by the river, and who\n"
    "remembered every one of them with a clarity that surprised his friends.\n"
)
VERSE = "  Twinkle, twinkle, little star,\n  How I wonder what you are!\n"


def body(marker: str = "") -> str:
    return f"THE TEST BOOK{marker}\n\nby A. Writer\n\n\nCHAPTER I\n\n{PROSE}\n{VERSE}\n{PROSE}"


def modern(title: str = "The Test Book", ebook: int = 4242, encoding: str = "UTF-8", text: str = "") -> str:
    return (
        f"The Project Gutenberg EBook of {title}, by A. Writer\n\n"
        "This eBook is for the use of anyone anywhere at no cost and with\nalmost no restrictions whatsoever.\n\n"
        f"Title: {title}\n       or, A Second Line\n\nAuthor: A. Writer\n\n"
        f"Release Date: June 17, 2008 [EBook #{ebook}]\n\nLanguage: French\n\n"
        f"Character set encoding: {encoding}\n\n*** START OF THIS PROJECT GUTENBERG EBOOK {title.upper()} ***\n\n\n\n"
        "Produced by Jane Volunteer and the Online Distributed\nProofreading Team at http://www.pgdp.net\n\n\n\n"
        f"{text or body()}\n\n\n\nEnd of the Project Gutenberg EBook of {title}, by A. Writer\n\n"
        f"*** END OF THIS PROJECT GUTENBERG EBOOK {title.upper()} ***\n\n"
        "***** This file should be named 4242-0.txt or 4242-0.zip *****\n\n*** START: FULL LICENSE ***\n\n"
        "THE FULL PROJECT GUTENBERG LICENSE\nPLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK\n"
    )


SMALL_PRINT_1993 = (
    "**Welcome To The World of Free Plain Vanilla Electronic Texts**\n\n"
    "**The Project Gutenberg Etext of The Old Book by Old Author**\n"
    "******This file should be named oldbk10.txt or oldbk10.zip*****\n\n"
    "Official release date October 31, 1993\n\n"
    "The Old Book/Old Author [oldbk10x.xxx] 777\n\n"
    "***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN ETEXTS**START***\n"
    'Why is this "Small Print!" statement here?  You know: lawyers.\n'
    "*END*THE SMALL PRINT! FOR PUBLIC DOMAIN ETEXTS*Ver.04.29.93*END*\n\n\n"
    f"{body()}\n\nEnd of the Project Gutenberg Etext of The Old Book\n"
)
EDITION_2002 = (
    "The Project Gutenberg EBook of Middle Book, by Mid Author\n\nTitle: Middle Book\n\nAuthor: Mid Author\n\n"
    "Release Date: July, 2002  [EBook #3333]\n\nCharacter set encoding: ASCII\n\n"
    f"*** START OF THE PROJECT GUTENBERG EBOOK MIDDLE BOOK ***\n\n{body()}\n\n"
    "*** END OF THE PROJECT GUTENBERG EBOOK MIDDLE BOOK ***\n\n"
    "***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN EBOOKS**START***\nlawyers\n"
    "*END THE SMALL PRINT! FOR PUBLIC DOMAIN EBOOKS*Ver.02/11/02*END*\n"
)


def read(data: bytes, tmp_path: Path, name: str = "4242-0.txt", **opts: Any) -> list[Any]:
    path = tmp_path / name
    path.write_bytes(data)
    reader = options.build(BooksReader, opts, "test")
    return list(reader.read(InputFile(uri=str(path), name=name, source="books")))


def one_doc(items: list[Any]) -> Doc:
    assert len(items) == 1 and isinstance(items[0], Doc), items
    return items[0]


def assert_clean(text: str) -> None:
    low = text.lower()
    assert [p for p in BOILERPLATE if p in low] == []
    assert "\r" not in text and "\ufeff" not in text


def test_modern_edition_is_stripped_and_described(tmp_path: Path) -> None:
    doc = one_doc(read(modern().encode(), tmp_path))
    assert_clean(doc.text)
    assert doc.text.startswith("THE TEST BOOK\n\nby A. Writer")
    assert doc.text.rstrip().endswith("surprised his friends.")
    assert doc.meta["title"] == "The Test Book; or, A Second Line"
    assert doc.meta["author"] == "A. Writer"
    assert doc.meta["language"] == "fr"
    assert doc.meta["release_date"] == "2008-06-17"
    assert doc.meta["ebook_id"] == 4242
    assert doc.meta["license"] == "PD-US"
    assert doc.meta["gutenberg_markers"] == "start+end"
    assert doc.key == "pg4242/4242-0.txt"


def test_1993_small_print_edition(tmp_path: Path) -> None:
    doc = one_doc(read(SMALL_PRINT_1993.encode("ascii"), tmp_path, name="oldbk10.txt"))
    assert_clean(doc.text)
    assert doc.text.startswith("THE TEST BOOK")
    assert doc.meta["title"] == "The Old Book" and doc.meta["author"] == "Old Author"
    assert doc.meta["ebook_id"] == 777 and doc.meta["release_date"] == "1993-10-31"
    assert doc.key == "pg777/oldbk10.txt"


def test_2002_edition_with_small_print_in_the_footer(tmp_path: Path) -> None:
    doc = one_doc(read(EDITION_2002.encode("ascii"), tmp_path, name="3333.txt"))
    assert_clean(doc.text)
    assert doc.text.startswith("THE TEST BOOK") and "lawyers" not in doc.text
    assert doc.meta["release_date"] == "2002-07" and doc.meta["ebook_id"] == 3333


def test_bom_and_crlf(tmp_path: Path) -> None:
    data = ("\ufeff" + modern().replace("\n", "\r\n")).encode("utf-8")
    doc = one_doc(read(data, tmp_path))
    assert_clean(doc.text)
    assert doc.text == one_doc(read(modern().encode(), tmp_path)).text


def test_declared_latin1_with_cp1252_quotes(tmp_path: Path) -> None:
    text = modern(encoding="ISO-8859-1", text=body(" \u00e0 la caf\u00e9 na\u00efve"))
    data = text.encode("latin-1").replace(b"CHAPTER I", b"\x93CHAPTER I\x94")
    doc = one_doc(read(data, tmp_path, name="4242-8.txt"))
    assert "THE TEST BOOK \u00e0 la caf\u00e9 na\u00efve" in doc.text
    assert "\u201cCHAPTER I\u201d" in doc.text
    assert not any("\x80" <= ch <= "\x9f" for ch in doc.text)


@pytest.mark.parametrize(
    ("declared", "codec", "sample"),
    [("ISO-8859-7", "iso8859-7", "Καλημέρα κόσμε"), ("KOI8-R", "koi8-r", "Война и мир"), ("UTF-8", "utf-8", "Ωmega")],
)
def test_other_declared_encodings(tmp_path: Path, declared: str, codec: str, sample: str) -> None:
    doc = one_doc(read(modern(encoding=declared, text=body(" " + sample)).encode(codec), tmp_path))
    assert f"THE TEST BOOK {sample}" in doc.text


def test_utf16_with_bom_and_wrong_declaration_fallback(tmp_path: Path) -> None:
    assert "THE TEST BOOK" in one_doc(read(modern().encode("utf-16"), tmp_path)).text
    lying = modern(encoding="UTF-8", text=body(" caf\u00e9")).encode("latin-1")  # declared UTF-8, bytes Latin-1
    assert "THE TEST BOOK caf\u00e9" in one_doc(read(lying, tmp_path)).text


def test_start_marker_wrapped_over_two_lines(tmp_path: Path) -> None:
    text = modern().replace("EBOOK THE TEST BOOK ***", "EBOOK THE TEST\nBOOK ***", 1)
    doc = one_doc(read(text.encode(), tmp_path))
    assert doc.text.startswith("THE TEST BOOK")


def test_unmarked_file_with_boilerplate_is_skipped_or_cleaned(tmp_path: Path) -> None:
    unmarked = (
        "The Project Gutenberg EBook of Nothing\n\nThis eBook is for the use of anyone anywhere at no cost\n\n"
        f"{body()}\n\nPlease read the Project Gutenberg License before you distribute this work.\n"
    ).encode()
    (skip,) = read(unmarked, tmp_path)
    assert isinstance(skip, Skip) and skip.reason == "books.no_markers"
    doc = one_doc(read(unmarked, tmp_path, missing_markers="keep"))
    assert_clean(doc.text)
    assert "CHAPTER I" in doc.text and doc.meta["gutenberg_markers"] == "none+phrases_removed"


def test_footer_boilerplate_without_end_marker_is_not_passed(tmp_path: Path) -> None:
    text = modern().split("End of the Project Gutenberg")[0] + "Donations to the Project Gutenberg Literary Archive"
    text += " Foundation are tax deductible.\n"
    (skip,) = read(text.encode(), tmp_path)
    assert isinstance(skip, Skip) and skip.reason == "books.boilerplate_residue"


def test_clean_pg19_text_is_kept_as_is(tmp_path: Path) -> None:
    doc = one_doc(read(body().encode(), tmp_path, name="10002.txt"))
    assert doc.meta["gutenberg_markers"] == "none" and doc.meta["ebook_id"] == 10002


def test_copyrighted_header_gets_its_license_marker(tmp_path: Path) -> None:
    text = modern().replace("Title:", "** This is a COPYRIGHTED Project Gutenberg eBook, Details Below **\n\nTitle:")
    assert one_doc(read(text.encode(), tmp_path)).meta["license"] == "LicenseRef-PG-copyrighted"
    assert one_doc(read(text.encode(), tmp_path, copyrighted_license="X-1")).meta["license"] == "X-1"
    assert one_doc(read(modern().encode(), tmp_path, license="PD")).meta["license"] == "PD"


def test_unwrap_joins_prose_keeps_verse_and_paragraphs() -> None:
    out = unwrap(body())
    assert PROSE.replace("\n", " ").strip() in out
    assert VERSE.rstrip() in out  # verse keeps its lines and indentation
    assert "THE TEST BOOK\n\nby A. Writer\n\nCHAPTER I\n\n" in out
    hyphen = "a line that is long enough to be wrapped by the typist, with a cannon-\nshot in it and more words here\n"
    assert "cannon-shot" in unwrap(hyphen * 3)
    assert "\n\n" in unwrap(PROSE + "\n" + PROSE) and unwrap(PROSE + "\n" + PROSE).count("\n") == 2


def test_gzip_and_zip_inputs(tmp_path: Path) -> None:
    plain = one_doc(read(modern().encode(), tmp_path))
    gz = one_doc(read(gzip.compress(modern().encode()), tmp_path, name="4242-0.txt.gz"))
    assert gz.text == plain.text and gz.key == "pg4242/4242-0.txt.gz"
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("4242-0.txt", modern().encode())
        zf.writestr("images/cover.jpg", b"\xff\xd8")
    items = read(buf.getvalue(), tmp_path, name="4242-0.zip")
    docs = [i for i in items if isinstance(i, Doc)]
    skips = [i for i in items if isinstance(i, Skip)]
    assert len(docs) == 1 and docs[0].text == plain.text and docs[0].locator == {"member": "4242-0.txt"}
    assert docs[0].key == "pg4242/4242-0.zip/4242-0.txt"
    assert [(s.reason, s.locator) for s in skips] == [("books.not_text", {"member": "images/cover.jpg"})]


def test_two_editions_get_distinct_stable_keys(tmp_path: Path) -> None:
    a = one_doc(read(modern().encode(), tmp_path, name="4242-0.txt"))
    b = one_doc(read(modern(encoding="ASCII").encode(), tmp_path, name="4242.txt"))
    assert a.meta["ebook_id"] == b.meta["ebook_id"] == 4242
    assert a.key != b.key
    assert a.key == one_doc(read(modern().encode(), tmp_path, name="4242-0.txt")).key


def test_pg19_folder_with_metadata_csv(tmp_path: Path) -> None:
    root = tmp_path / "deepmind-gutenberg"
    (root / "train").mkdir(parents=True)
    (root / "train" / "10002.txt").write_text(body())
    (root / "train" / "notes.md").write_text("not a book")
    (root / "metadata.csv").write_text("10002,The Magic of Oz,1919,http://www.gutenberg.org/ebooks/10002\n")
    reader = options.build(BooksReader, {}, "test")
    inp = InputFile(uri=str(root), name="deepmind-gutenberg", source="books", is_dir=True)
    items = list(reader.read(inp))
    (doc,) = [i for i in items if isinstance(i, Doc)]
    assert doc.meta["title"] == "The Magic of Oz" and doc.meta["release_date"] == "1919"
    assert doc.locator == {"path": "train/10002.txt"} and doc.key == "pg10002/deepmind-gutenberg/train/10002.txt"
    assert [(i.reason, i.locator) for i in items if isinstance(i, Skip)] == [
        ("books.not_text", {"path": "train/notes.md"})
    ]


def test_metadata_catalogs(tmp_path: Path) -> None:
    yaml_text = (
        "creator:\n  author:\n    agent_name: Writer, Anne\ngutenberg_issued: '2008-06-27'\n"
        "identifiers:\n  gutenberg: '4242'\nlanguage: en\nsubjects:\n- !lcsh 'Fiction'\ntitle: The Real Title\n"
    )
    catalog = tmp_path / "meta.json"
    catalog.write_text(json.dumps({"pg4242": yaml_text}))
    doc = one_doc(read(modern().encode(), tmp_path, metadata=str(catalog)))
    assert (doc.meta["title"], doc.meta["author"], doc.meta["language"]) == ("The Real Title", "Anne Writer", "en")
    assert doc.meta["release_date"] == "2008-06-27"
    pg_csv = tmp_path / "pg_catalog.csv"
    pg_csv.write_text('Text#,Type,Issued,Title,Language,Authors\n4242,Text,2001-01-01,CSV Title,de,"Writer, Anne"\n')
    doc = one_doc(read(modern().encode(), tmp_path, metadata=str(pg_csv)))
    assert (doc.meta["title"], doc.meta["author"], doc.meta["language"]) == ("CSV Title", "Anne Writer", "de")


def test_missing_metadata_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        options.build(BooksReader, {"metadata": str(tmp_path / "absent.json")}, "sources.books.options")
    broken = tmp_path / "broken.json"
    broken.write_text("{not json")
    with pytest.raises(ConfigError):
        options.build(BooksReader, {"metadata": str(broken)}, "sources.books.options")
    with pytest.raises(ConfigError):
        options.build(BooksReader, {"missing_markers": "maybe"}, "sources.books.options")


def test_too_large_book_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        read(modern().encode(), tmp_path, max_book_bytes=1000)
    assert e.value.reason == "books.too_large"


def test_quickstart_sample_books(tmp_path: Path) -> None:
    sample.build(tmp_path)
    files = sorted((tmp_path / "books").iterdir())
    assert [f.name for f in files] == ["pg90001-0.txt", "pg90002-8.txt"]
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbf") and b"\r\n" in files[0].read_bytes()
    with pytest.raises(UnicodeDecodeError):
        files[1].read_bytes().decode("utf-8")  # really Latin-1 bytes
    reader = options.build(BooksReader, {}, "test")
    docs = [one_doc(list(reader.read(InputFile(uri=str(f), name=f.name, source="books")))) for f in files]
    for doc in docs:
        assert_clean(doc.text)
        assert "CHAPTER 1." in doc.text
    assert "À mes élèves de Zürich" in docs[1].text
    assert [d.meta["ebook_id"] for d in docs] == [90001, 90002]


def test_no_evidence_means_unknown_license(tmp_path: Path) -> None:
    doc = one_doc(read(b"hello", tmp_path, name="hello.txt"))
    assert doc.meta["license"] == "LicenseRef-unknown" and doc.meta["license_evidence"] == []
    from pajama.filters.license import LicensePolicy
    from pajama.record import Record

    verdict = LicensePolicy(allow=("PD-US",))(Record("books/x", doc.text, "books", doc.meta, {}))
    assert verdict.reason == "license.unknown"
    marked = one_doc(read(modern().encode(), tmp_path))
    assert [e["method"] for e in marked.meta["license_evidence"]] == ["gutenberg_markers"]


def test_catalog_rights_decide_the_license(tmp_path: Path) -> None:
    catalog = tmp_path / "catalog.json"
    entry = "identifiers: {gutenberg: '4242'}\nrights: CC BY-NC\nrights_url: http://creativecommons.org/licenses/by-nc/4.0/\n"
    catalog.write_text(json.dumps({"pg4242": entry}))
    doc = one_doc(read(modern().encode(), tmp_path, metadata=str(catalog)))
    assert doc.meta["license"] == "CC-BY-NC-4.0"
    assert [e["method"] for e in doc.meta["license_evidence"]] == ["catalog_rights", "gutenberg_markers"]


@pytest.mark.parametrize(
    ("rights", "url", "expected"),
    [
        ("CC BY-NC", "http://creativecommons.org/licenses/by-nc/4.0/", "CC-BY-NC-4.0"),
        ("Attribution-NonCommercial 4.0 International (CC BY-NC 4.0)", "", "CC-BY-NC-4.0"),
        ("Attribution-ShareAlike 3.0", "", "CC-BY-SA-3.0"),
        ("CC BY-NC-SA", "", "LicenseRef-CC-BY-NC-SA"),
        ("Public domain in the USA.", "http://creativecommons.org/about/pdm", "PD-US"),
        ("CC0", "", "CC0-1.0"),
        ("Copyrighted. Read the copyright notice inside this book for details.", "", "LicenseRef-PG-copyrighted"),
        ("Ask the publisher", "", None),
    ],
)
def test_rights_statements(rights: str, url: str, expected: str | None) -> None:
    from pajama.licenses.rights import spdx_of

    assert spdx_of(rights, url) == expected
