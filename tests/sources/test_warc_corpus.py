"""Every archive in ../shared/corpus/warc: accounting against an independent count, digests, named edge cases."""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import os
import re
import zlib
from pathlib import Path

import pytest

from pajama.errors import InputError
from pajama.record import Doc, Failure, Skip
from pajama.sources.warc import ArcReader, WarcReader, WetReader
from pajama.storage import InputFile

CORPUS = Path(os.environ.get("PAJAMA_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))
FILES = sorted(p for p in (CORPUS / "warc").rglob("*") if p.is_file() and p.name != "README.md")
REASON = re.compile(r"^warc\.[a-z_]+$|^input\.[a-z_]+$")
DIGEST_REASONS = {"warc.block_digest_mismatch", "warc.payload_digest_mismatch"}


def reader_for(path: Path, *, lenient: bool = False) -> object:
    if ".wet" in path.name:
        return WetReader(lenient=lenient)
    if ".arc" in path.name:
        return ArcReader(extractor="resiliparse")
    return WarcReader(extractor="resiliparse")


def run(path: Path, reader: object) -> tuple[list[Doc | Skip | Failure], InputError | None]:
    items: list[Doc | Skip | Failure] = []
    try:
        for item in reader.read(InputFile(uri=str(path), name=path.name, source="web")):  # type: ignore[attr-defined]
            items.append(item)
    except InputError as e:
        return items, e
    return items, None


def gunzip_all(data: bytes) -> bytes:
    """Every decompressable byte of a (multi-member, possibly truncated) gzip file."""
    out, rest = [], data
    while rest[:2] == b"\x1f\x8b":
        inflater = zlib.decompressobj(31)
        out.append(inflater.decompress(rest))
        if not inflater.eof:
            break
        rest = inflater.unused_data
    return b"".join(out)


def plain_bytes(path: Path) -> bytes:
    data = path.read_bytes()
    return gunzip_all(data) if data[:2] == b"\x1f\x8b" else data


def warcio_count(data: bytes) -> tuple[int, bool]:
    """Records warcio iterates over `data`, and whether it stopped on an error."""
    from warcio.archiveiterator import ArchiveIterator

    n = 0
    try:
        for rec in ArchiveIterator(io.BytesIO(data)):
            rec.raw_stream.read()
            n += 1
    except Exception:  # any warcio complaint ends its count; the reader must then end in an InputError
        return n, True
    return n, False


def independent_count(path: Path) -> tuple[int, bool]:
    """warcio's count of the file as stored; when warcio stops early on a gzip whose members are not one per
    record, its count of the same archive decompressed, if that gets further."""
    native = warcio_count(path.read_bytes())
    if native[1]:
        flat = warcio_count(plain_bytes(path))
        if flat[0] > native[0]:
            return flat
    return native


def _digest_matches(declared: str, data: bytes) -> bool:
    """sha1/sha256 in base32 (the usual), hex or base64 (standard or URL-safe alphabet)."""
    algo, _, value = declared.partition(":")
    raw = hashlib.new(algo.lower().replace("-", ""), data).digest()
    if len(value) == 2 * len(raw):
        return binascii.unhexlify(value.lower()) == raw
    if len(value) == len(base64.b32encode(raw)):
        return bool(base64.b32encode(raw).decode() == value.upper())
    return base64.b64decode(value.replace("-", "+").replace("_", "/")) == raw


def independent_digest_failures(data: bytes) -> int | None:
    """Records whose WARC-Block-Digest or WARC-Payload-Digest does not match, by a plain WARC parse.

    None when the bytes cannot be walked record by record (not WARC, or lengths that do not line up).
    """
    pos, bad = 0, 0
    while pos < len(data):
        end = data.find(b"\r\n\r\n", pos)
        if not data.startswith(b"WARC/1.", pos) or end < 0:
            return None
        fields = dict(
            (k.strip().lower(), v.strip())
            for k, _, v in (line.partition(":") for line in data[pos:end].decode("utf-8", "replace").split("\r\n")[1:])
        )
        block = data[end + 4 : end + 4 + int(fields["content-length"])]
        pos = end + 4 + len(block)
        if data[pos : pos + 4] != b"\r\n\r\n":
            return None
        pos += 4
        ok = "warc-block-digest" not in fields or _digest_matches(fields["warc-block-digest"], block)
        if fields.get("warc-type") != "revisit" and "warc-payload-digest" in fields:
            payload = block
            if fields.get("content-type", "").startswith("application/http"):
                payload = block.split(b"\r\n\r\n", 1)[1] if b"\r\n\r\n" in block else b""
            ok = ok and _digest_matches(fields["warc-payload-digest"], payload)
        bad += not ok
    return bad


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS / "warc")) for p in FILES])
def test_every_record_is_accounted_for(corpus: Path, path: Path) -> None:
    items, err = run(path, reader_for(path))
    records, warcio_failed = independent_count(path)
    if warcio_failed:  # where warcio stops, the reader resumes at the next version line and counts what it skipped
        version_lines = len(re.findall(rb"(?m)^WARC/\d+\.\d+\r?$", plain_bytes(path)))
        assert records <= len(items) + (err is not None) <= max(version_lines, records) + 1, (items, err)
    else:
        assert len(items) + (err is not None) == records, (items, err)
    for item in items:
        assert isinstance(item, Doc) or REASON.match(item.reason), item
        if isinstance(item, Doc):
            assert item.text.strip() and item.meta["date"] and item.locator["offset"] >= 0
    assert err is None or REASON.match(err.reason)
    if ".wat" in path.name:  # metadata records only: no documents, every record counted as a skip
        assert not any(isinstance(i, Doc) for i in items) and all(isinstance(i, Skip) for i in items)


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(CORPUS / "warc")) for p in FILES])
def test_digest_failures_match_an_independent_recomputation(corpus: Path, path: Path) -> None:
    expected = independent_digest_failures(plain_bytes(path))
    if expected is None:
        pytest.skip("not walkable as plain WARC records (ARC, or lengths that do not line up)")
    items, _ = run(path, reader_for(path))
    assert sum(isinstance(i, Failure) and i.reason in DIGEST_REASONS for i in items) == expected


def test_lenient_wet_reads_every_record_the_strict_reader_refuses(corpus: Path) -> None:
    path = corpus / "warc" / "edge-cases" / "ccnet-sample-lenient.warc.wet.gz"
    if not path.exists():
        pytest.skip("lenient WET sample absent")
    text = plain_bytes(path)
    conversions = len(re.findall(rb"(?m)^WARC-Type: conversion\r?$", text))
    strict, err = run(path, reader_for(path))  # lengths that do not match: those records fail, counted
    assert err is None and sum(isinstance(i, Doc) for i in strict) < conversions
    assert any(isinstance(i, Failure) and i.reason == "warc.content_length_mismatch" for i in strict)
    lenient, err = run(path, reader_for(path, lenient=True))
    assert err is None
    docs = [i for i in lenient if isinstance(i, Doc)]
    assert len(docs) == conversions and len(lenient) == len(re.findall(rb"(?m)^WARC/1\.0\r?$", text))
    assert {d.meta["language"] for d in docs} >= {"en", "ru"}
    keys = [d.key for d in docs if d.key]  # the sample repeats a WARC-Record-ID: a repeat is no identity
    assert len(keys) == len(set(keys)) < len(docs)


def test_arc_with_bad_lengths_counts_each_as_a_failure(corpus: Path) -> None:
    path = corpus / "warc" / "edge-cases" / "warcio-bad.arc"
    if not path.exists():
        pytest.skip("bad ARC sample absent")
    header_lines = [line.split() for line in path.read_bytes().splitlines() if b"://" in line.split(b" ")[0]]
    bad_lengths = sum(1 for fields in header_lines if len(fields) == 5 and not fields[-1].isdigit())
    items, err = run(path, reader_for(path))
    assert err is None and bad_lengths > 0
    assert sum(isinstance(i, Failure) and i.reason == "warc.bad_content_length" for i in items) == bad_lengths


def test_arc_documents_have_iso_dates_and_no_key(corpus: Path) -> None:
    path = corpus / "warc" / "edge-cases" / "warcio-example.arc.gz"
    if not path.exists():
        pytest.skip("ARC sample absent")
    docs = [i for i in run(path, reader_for(path))[0] if isinstance(i, Doc)]
    assert docs and all(re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", d.meta["date"]) for d in docs)
    assert all(d.key is None and d.locator["record_id"] is None for d in docs)
