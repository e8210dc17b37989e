"""rpv2 beside RedPajama-v2's own signal code (../shared/reference/redpajama-v2, nltk 3.8.1) on real documents.

Web pages (English, German) extracted from WARC files, Wikipedia articles (English and Latgalian), Gutenberg
books (English, French, Latin) and StackExchange posts from ../shared/corpus: every signal RP-v2 computes must be
stored under its name and equal within 1e-6 on at least 99% of them. Skips cleanly when the corpus or the
reference is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from benchmarks import bench_rpv2
from pajama.filters.rpv2 import RedPajamaV2, _domain
from pajama.filters.rpv2_lists import base_language
from pajama.record import Record

KINDS = (
    ("warc", "warc/dolma-wget-sample-0000.warc.gz"),
    ("warc", "warc/iah-urls-wget.warc.gz"),
    ("warc", "warc/trafilatura-cache.warc.gz"),  # German and English pages
    ("wikipedia", "wiki/enwiki-pages-articles1-shortened.xml.bz2"),
    ("wikipedia", "wiki/ltgwiki-pages-articles.xml.bz2"),
    ("books", "books/pg11-11-0.txt.gz"),
    ("books", "books/pg44157-44157-0.txt.gz"),
    ("books", "books/pg31894-31894-0.txt.gz"),
    ("stackexchange", "stackexchange/beer.stackexchange.com-Posts.xml.gz"),
)


@pytest.fixture(scope="module")
def docs(corpus: Path) -> list[dict]:
    if not bench_rpv2.reference_available():
        pytest.skip("RedPajama-v2 reference code not importable (needs ../shared/reference, nltk==3.8.1, msgspec)")
    return list(bench_rpv2.documents(corpus, KINDS, per_file=12))


@pytest.fixture(scope="module")
def lists(docs: list[dict], tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A UT1 folder with some of the documents' own domains, and the shipped LDNOOBW lists."""
    domains = [d for doc in docs if (d := _domain(doc["url"]))]
    return bench_rpv2.write_lists(tmp_path_factory.mktemp("rpv2-lists"), domains)


def test_every_signal_equals_redpajama_v2(docs: list[dict], lists: tuple[Path, Path]) -> None:
    kinds = {d["kind"] for d in docs}
    assert len(docs) >= 60 and kinds == {"warc", "wikipedia", "books", "stackexchange"}
    ut1, ldnoobw = lists
    ours = RedPajamaV2(ut1=str(ut1))
    reference = bench_rpv2.Reference(ut1, ldnoobw)
    equal: dict[str, int] = {}
    listed = 0
    for i, doc in enumerate(docs):
        meta = {"language": doc["language"], "url": doc["url"]}
        record = Record(id=f"ref/{i}", text=doc["text"], source=doc["kind"], meta=meta, origin={})
        theirs = reference(doc["text"], base_language(doc["language"]), _domain(doc["url"]))
        listed += "rps_doc_stop_word_fraction" in theirs
        for name, same in bench_rpv2.agreement(dict(ours(record).signals), theirs).items():
            equal[name] = equal.get(name, 0) + same
    assert len(equal) == 29  # every model-free RP-v2 signal was compared
    assert listed >= 35  # the language-dependent ones on the documents in RP-v2's languages
    for name, n in equal.items():
        total = listed if name in ("rps_doc_stop_word_fraction", "rps_doc_ldnoobw_words") else len(docs)
        assert n >= 0.99 * total, (name, n, total)


def test_the_comparison_can_fail(docs: list[dict], lists: tuple[Path, Path]) -> None:
    """agreement() notices a wrong value, a wrong span and a missing signal."""
    reference = bench_rpv2.Reference(*lists)
    doc = next(d for d in docs if d["kind"] == "books")
    theirs = reference(doc["text"], None, None)
    ours = dict(RedPajamaV2()(Record(id="r/1", text=doc["text"], source="b", meta={}, origin={})).signals)
    assert all(bench_rpv2.agreement(ours, theirs).values())
    ours["rps_doc_word_count"] += 1
    ours["rps_lines_num_words"] = [[s, e, v + 1] for s, e, v in ours["rps_lines_num_words"]]
    del ours["rps_doc_frac_chars_top_2gram"]
    wrong = {k for k, ok in bench_rpv2.agreement(ours, theirs).items() if not ok}
    assert wrong == {"rps_doc_word_count", "rps_lines_num_words", "rps_doc_frac_chars_top_2gram"}


def test_documents_cover_languages_outside_rpv2s_five(docs: list[dict]) -> None:
    languages = {base_language(d["language"]) for d in docs}
    assert {"en", "de", "fr"} <= languages and languages - {"en", "de", "fr", "es", "it"}
    assert any(len(d["text"]) > 50_000 for d in docs)  # whole books, not excerpts


PIECES = [
    "The ", "cat", " sat", ". ", "3.14", "!", "?", "...", "…", "\n", "\n\n", "  \n", "\r\n", "\x0b", "\u2028",
    "• ", "– ", "- ", "▪", "#", "{", "}", "Été ", "ÉTÉ", "Σ", "ΣΑΣ ", "İ", "ß", "东京 ", "١٢٣", "½", "Ⅻ",
    "lorem ipsum ", "LOREM  IPSUM", "javascript ", "JavaScript,", "don't ", "e-mail ", "_x_ ", "a b c d e ",
    "two girls ", "ass ", "the ", "und ", "”", "\t", "\U0001f600",
]  # fmt: skip


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[RedPajamaV2, bench_rpv2.Reference]:
    """pajama's filter and RP-v2's classes with the same lists (no corpus needed)."""
    if not bench_rpv2.reference_available():
        pytest.skip("RedPajama-v2 reference code not importable (needs ../shared/reference, nltk==3.8.1, msgspec)")
    ut1, ldnoobw = bench_rpv2.write_lists(tmp_path_factory.mktemp("rpv2-tricky"), ["a.example"])
    return RedPajamaV2(ut1=str(ut1)), bench_rpv2.Reference(ut1, ldnoobw)


@settings(max_examples=150, deadline=None)
@given(text=st.lists(st.sampled_from(PIECES), max_size=60).map("".join), language=st.sampled_from(["en", "de"]))
def test_tricky_texts_equal_redpajama_v2(
    text: str, language: str, both: tuple[RedPajamaV2, bench_rpv2.Reference]
) -> None:
    """Crafted pieces in random order (line breaks RP-v2 does not split on, case-changing letters, NFD, digits
    of other scripts, ties, empty and blank lines) give exactly RP-v2's values."""
    ours, reference = both
    record = Record(id="h/1", text=text, source="t", meta={"language": language, "url": "http://a.example/"}, origin={})
    theirs = reference(text, language, "a.example")
    wrong = [name for name, ok in bench_rpv2.agreement(dict(ours(record).signals), theirs).items() if not ok]
    assert not wrong, (wrong, text)
