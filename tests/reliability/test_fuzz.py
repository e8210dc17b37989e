"""Fuzzing every reader on mutated real records from ../shared/corpus (skipped when it is absent).

Hypothesis flips, inserts, deletes, duplicates and truncates bytes of a real record (plus tokens that
matter to the format: lengths, markup, NUL, invalid UTF-8), writes the result as one input, and reads it
as the engine does. The reader may only yield Doc/Skip/Failure items or raise InputError: anything else
would be a crash the engine has to catch (it does, as `input.<ExceptionType>`, but that hides a bug).
"""

from __future__ import annotations

import bz2
import gzip
import io
import os
import tarfile
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pajama.errors import InputError
from pajama.record import Doc, Failure, Skip
from pajama.storage import InputFile

EXAMPLES = int(os.environ.get("PAJAMA_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,  # the same examples on every run: a failure here is reproducible
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
COMMON_TOKENS = [b"\x00", b"\xff\xfe", b"\xc3\x28", b"\r\n", b"\n\n", b"\xed\xa0\x80", b"9" * 20, b"-1"]


def _gunzip(path: Path, limit: int | None = None) -> bytes:
    with gzip.open(path) as f:
        return f.read(limit) if limit else f.read()


def _tar_prefix(path: Path, members: int, max_size: int = 40_000) -> bytes:
    """A small valid tar of the first `members` regular files of a real tarball."""
    out = io.BytesIO()
    with tarfile.open(path) as src, tarfile.open(fileobj=out, mode="w") as dst:
        for info in [m for m in src.getmembers() if m.isreg() and m.size < max_size][:members]:
            dst.addfile(info, src.extractfile(info))
    return out.getvalue()


def _cut_at(data: bytes, marker: bytes, count: int, closing: bytes) -> bytes:
    """`data` up to the end of the `count`-th `marker`, then `closing` (a well-formed small sample)."""
    at = 0
    for _ in range(count):
        found = data.find(marker, at)
        if found < 0:
            break
        at = found + len(marker)
    return data[:at] + closing


# reader name -> (options, input file name, seed builder over the corpus, format tokens)
SEEDS: dict[str, tuple[dict[str, Any], str, Callable[[Path], bytes], list[bytes]]] = {
    "warc": (
        {"extractor": "resiliparse", "lid": False, "verify_digests": False},
        "fuzz.warc",
        lambda c: _gunzip(c / "warc/cc-main-2024-22-whirlwind.warc.gz"),
        [b"WARC/1.0\r\n", b"Content-Length: ", b"Transfer-Encoding: chunked\r\n", b"Content-Encoding: gzip\r\n"],
    ),
    "wet": (
        {"lid": False},
        "fuzz.warc.wet",
        lambda c: _gunzip(c / "warc/cc-main-2024-22-whirlwind.warc.wet.gz"),
        [b"WARC/1.0\r\n", b"Content-Length: ", b"WARC-Type: conversion\r\n", b"WARC-Block-Digest: sha1:", b"=="],
    ),
    "arc": (
        {"extractor": "resiliparse", "lid": False},
        "fuzz.arc",
        lambda c: _gunzip(c / "warc/edge-cases/warcio-example.arc.gz"),
        [b"filedesc://", b" text/html 99999999999\n", b"HTTP/1.1 200 OK\r\n"],
    ),
    "wikipedia": (
        {},
        "fuzz-pages-articles.xml",
        lambda c: _cut_at((c / "wiki/tinywiki-pages-articles.xml").read_bytes(), b"</page>", 4, b"</mediawiki>\n"),
        [b"<page>", b"</page>", b"{{", b"}}", b"[[", b"]]", b"<!ENTITY a 'b'>", b"&amp;", b"<![CDATA[", b"&#0;"],
    ),
    "stackexchange": (
        {"site": "beer.stackexchange.com"},
        "Posts.xml",
        lambda c: _cut_at(
            _gunzip(c / "stackexchange/beer.stackexchange.com-Posts.xml.gz", 200_000), b"/>", 12, b"\n</posts>\n"
        ),
        [b'<row Id="1" />', b'PostTypeId="2"', b'ParentId="', b"&lt;", b'Score="x"', b"&#0;", b'Id="-1"'],
    ),
    "github": (
        {"repo": "rust-lang/cfg-if"},
        "rust-lang__cfg-if.tar",
        lambda c: _tar_prefix(c / "github/rust-lang__cfg-if.tar.gz", 4),
        [b"../", b"/etc/passwd", b"ustar\x00", b"\x00" * 512],
    ),
    "arxiv": (
        {},
        "1801.03879.tar",
        lambda c: _tar_prefix(c / "arxiv/src/arxiv-filemanager-upload3.tar.gz", 2),
        [b"\\begin{document}", b"\\input{", b"\\section{", b"\\end{document}", b"%", b"\\def\\x{\\x}"],
    ),
    "books": (
        {},
        "pg11.txt",
        lambda c: _gunzip(c / "books/pg11-11-0.txt.gz", 30_000),
        [b"*** START OF THE PROJECT GUTENBERG EBOOK", b"*** END OF", b"Title: ", b"\r\n\r\n"],
    ),
    "jsonl": (
        {"text_field": "abstract", "meta_fields": ("title", "authors")},
        "fuzz.jsonl",
        lambda c: b"".join(
            _gunzip(c / "arxiv/metadata/arxiv-metadata-oai-snapshot-0704.0001-0100.jsonl.gz").splitlines(True)[:8]
        ),
        [b'{"text": ', b'"id": [1]', b"\\u0000", b"\\ud800", b'"text": 5', b"[", b"}"],
    ),
    "parquet": (
        {"text_field": "abstract", "id_field": "id"},
        "fuzz.parquet",
        lambda c: _parquet(_gunzip(c / "arxiv/metadata/arxiv-metadata-oai-snapshot-0704.0001-0100.jsonl.gz")),
        [b"PAR1", b"\x00" * 8, b"\xff" * 4],
    ),
}


def _parquet(jsonl: bytes) -> bytes:
    """The first rows of a real JSONL file as a small Parquet file (two row groups)."""
    import orjson
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = [orjson.loads(line) for line in jsonl.splitlines()[:6]]
    table = pa.table({"id": [r["id"] for r in rows], "abstract": [r["abstract"] for r in rows]})
    out = io.BytesIO()
    pq.write_table(table, out, row_group_size=3, compression="none")
    return out.getvalue()


def _seed(corpus: Path, reader: str) -> bytes:
    return SEEDS[reader][2](corpus)


@st.composite
def mutations(draw: st.DrawFn, tokens: list[bytes]) -> list[tuple[str, float, bytes]]:
    op = st.sampled_from(["flip", "insert", "delete", "duplicate", "truncate", "token"])
    payload = st.one_of(st.binary(min_size=1, max_size=8), st.sampled_from(tokens + COMMON_TOKENS))
    return draw(st.lists(st.tuples(op, st.floats(0, 1), payload), min_size=1, max_size=6))


def mutate(data: bytes, ops: list[tuple[str, float, bytes]]) -> bytes:
    buf = bytearray(data)
    for op, where, payload in ops:
        at = int(where * len(buf))
        if op == "flip" and buf:
            buf[min(at, len(buf) - 1)] ^= payload[0] or 1
        elif op in ("insert", "token"):
            buf[at:at] = payload
        elif op == "delete":
            del buf[at : at + len(payload) * 8]
        elif op == "duplicate":
            buf[at:at] = buf[at : at + 256]
        elif op == "truncate":
            del buf[at:]
    return bytes(buf)


def read_all(reader_name: str, data: bytes, compress: str = "") -> list[Any]:
    """Read `data` as one input the way the engine does; InputError ends the input (counted)."""
    from pajama import options, registry

    registry.discover()
    opts, name, _, _ = SEEDS[reader_name]
    reader = options.build(registry.get_reader(reader_name, "fuzz"), opts, "fuzz")
    if compress == "gz":
        data, name = gzip.compress(data, 1), name + ".gz"
    elif compress == "bz2":
        data, name = bz2.compress(data, 1), name + ".bz2"
    with tempfile.TemporaryDirectory(prefix="pajama-fuzz-") as tmp:
        folder = Path(tmp) / ("beer.stackexchange.com" if reader_name == "stackexchange" else "in")
        folder.mkdir()
        path = folder / name
        path.write_bytes(data)
        inp = InputFile(uri=str(path), name=name, source="fuzz")
        items: list[Any] = []
        try:
            for item in reader.read(inp):
                assert isinstance(item, Doc | Skip | Failure), type(item)
                items.append(item)
        except InputError as e:
            items.append(e)
        inp.finish()
        return items


@pytest.mark.parametrize("reader_name", sorted(SEEDS))
def test_seed_reads_cleanly(corpus: Path, reader_name: str) -> None:
    """The unmutated seed gives documents: the fuzz starts from records the reader understands."""
    items = read_all(reader_name, _seed(corpus, reader_name))
    assert any(isinstance(i, Doc) for i in items), items[:5]


@pytest.mark.slow
@pytest.mark.parametrize("reader_name", sorted(SEEDS))
def test_mutated_records_never_crash_the_reader(corpus: Path, reader_name: str) -> None:
    seed = _seed(corpus, reader_name)
    tokens = SEEDS[reader_name][3]

    @FUZZ
    @given(ops=mutations(tokens), compress=st.sampled_from(["", "", "gz", "bz2"]))
    def fuzz(ops: list[tuple[str, float, bytes]], compress: str) -> None:
        read_all(reader_name, mutate(seed, ops), compress)

    fuzz()
