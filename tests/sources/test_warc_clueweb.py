"""ClueWeb09 (WARC/0.18) and ClueWeb12 (WARC/1.0) files, written here in the shape those collections use.

ClueWeb09 (lemurproject.org, "Working with WARC Files"; the Lemur/Cloud9 readers; the chatnoir repacker):
version line `WARC/0.18`, LF line endings only, a warcinfo record from "Nutch 1.0-dev (modified for
clueweb09)", `WARC-Date` values such as 2009-03-65T08:43:19-0800, `WARC-Warcinfo-ID` without angle
brackets, an empty `WARC-Identified-Payload-Type:`, the `WARC-TREC-ID` field, one gzip stream per file;
and the quirks: a blank line inside a header, a target URI broken over two lines, Content-Length values
that fall short of the bytes (counted in characters on non-ASCII pages), payload digests over the block.
ClueWeb12: `WARC/1.0` with CRLF, a Heritrix warcinfo with `WARC-Number-of-Documents`, responses with
`WARC-TREC-ID` and a WARC-Payload-Digest over the payload.
"""

from __future__ import annotations

import base64
import gzip
import hashlib
from pathlib import Path
from typing import Any

import pytest

from pajama.record import Doc, Failure, Skip
from pajama.sources.warc import WarcReader, read_record_at
from pajama.storage import InputFile

WARCINFO_09 = (
    b"software: Nutch 1.0-dev (modified for clueweb09)\n"
    b"isPartOf: clueweb09-en\n"
    b"description: clueweb09 crawl with WARC output\n"
    b"format: WARC file version 0.18\n"
    b"conformsTo: http://www.archive.org/documents/WarcFileFormat-0.18.html\n"
)
TEXT = (
    "The Allegheny River joins the Monongahela at Pittsburgh to form the Ohio River, and the point where "
    "they meet has been a fortified site since the French built Fort Duquesne there in the 1750s."
)


def sha1_b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def page(n: int, extra: str = "") -> bytes:
    paragraphs = "".join(f"<p>{TEXT} Page {n}, paragraph {i}.{extra}</p>\n" for i in range(3))
    return f"<html><head><title>Rivers {n}</title></head><body><article>{paragraphs}</article></body></html>\n".encode()


def warcinfo_09() -> bytes:
    head = [
        "WARC/0.18",
        "WARC-Type: warcinfo",
        "WARC-Date: 2009-03-65T08:43:19-0800",
        "WARC-Record-ID: <urn:uuid:993d3969-9643-4934-b1c6-68d4dbe55b83>",
        "Content-Type: application/warc-fields",
        f"Content-Length: {len(WARCINFO_09)}",
    ]
    return "\n".join(head).encode() + b"\n\n" + WARCINFO_09 + b"\n"


def response_09(
    n: int,
    body: bytes,
    *,
    length: int | None = None,
    digest: str | None = None,
    header_gap: bool = False,
    uri: str = "",
) -> bytes:
    http = (
        "HTTP/1.1 200 OK\nContent-Type: text/html\nDate: Tue, 13 Jan 2009 18:05:10 GMT\nServer: Apache\n"
        f"Connection: close\nContent-Length: {len(body)}\n\n"
    ).encode()
    block = http + body
    head = [
        "WARC/0.18",
        "WARC-Type: response",
        f"WARC-Target-URI: {uri or f'http://rivers{n}.example.org/'}",
        "WARC-Warcinfo-ID: 993d3969-9643-4934-b1c6-68d4dbe55b83",
        "WARC-Date: 2009-03-65T08:43:19-0800" + ("\n" if header_gap else ""),
        f"WARC-Record-ID: <urn:uuid:67f7cabd-146c-41cf-bd01-04f5fa7d{n:04d}>",
        f"WARC-TREC-ID: clueweb09-en0000-00-{n:05d}",
        "Content-Type: application/http;msgtype=response",
        "WARC-Identified-Payload-Type: ",
        *([f"WARC-Payload-Digest: {digest}"] if digest else []),
        f"Content-Length: {len(block) if length is None else length}",
    ]
    return "\n".join(head).encode() + b"\n\n" + block + b"\n"


def read(tmp_path: Path, name: str, data: bytes) -> list[Any]:
    path = tmp_path / name
    path.write_bytes(data)
    reader = WarcReader(extractor="resiliparse", lid=False)
    return list(reader.read(InputFile(uri=str(path), name=name, source="web")))


def block_of(record: bytes) -> bytes:
    return record.split(b"\n\n", 1)[1][:-1]


@pytest.mark.parametrize("layout", ["whole-gzip", "members", "plain"])
def test_clueweb09_file_reads_every_response_with_its_trec_id(
    tmp_path: Path, capfd: pytest.CaptureFixture[str], layout: str
) -> None:
    plain = [response_09(i, page(i)) for i in range(3)]
    block = block_of(plain[1])
    plain[1] = response_09(1, page(1), digest=sha1_b32(block))  # the payload digest the writer put: the block's
    records = [warcinfo_09(), *plain]
    data = {
        "whole-gzip": gzip.compress(b"".join(records), mtime=0),  # ClueWeb09's own layout
        "members": b"".join(gzip.compress(r, mtime=0) for r in records),
        "plain": b"".join(records),
    }[layout]
    items = read(tmp_path, "00.warc.gz", data)
    assert isinstance(items[0], Skip) and items[0].reason == "warc.warcinfo"
    docs = items[1:]
    assert all(isinstance(d, Doc) for d in docs), docs
    assert [d.meta["trec_id"] for d in docs] == [f"clueweb09-en0000-00-{i:05d}" for i in range(3)]
    assert all(d.meta["crawl"] == "clueweb09-en" and "Fort Duquesne" in d.text for d in docs)
    assert "Record not followed by newline" not in capfd.readouterr().err
    again = read_record_at(str(tmp_path / "00.warc.gz"), docs[2].locator["offset"])  # what `manifest trace` does
    assert dict(again.headers)["WARC-TREC-ID"] == "clueweb09-en0000-00-00002" and again.payload == page(2)


def test_a_payload_digest_matching_neither_block_nor_payload_still_fails(tmp_path: Path) -> None:
    wrong = response_09(1, page(1), digest=sha1_b32(b"something else"))
    items = read(tmp_path, "d.warc", warcinfo_09() + wrong)
    assert isinstance(items[1], Failure) and items[1].reason == "warc.payload_digest_mismatch"


def test_blank_line_inside_a_header_and_a_broken_uri_are_read_as_one_header(tmp_path: Path) -> None:
    gap = response_09(1, page(1), header_gap=True)
    broken = response_09(2, page(2), uri="http://rivers2.example.org/a long\npath.html")
    dirty = response_09(3, page(3), uri="http://rivers3.example.org/tag/\x08\u00c0\r")  # jwarc#86: bytes, CRLF
    items = read(tmp_path, "q.warc", warcinfo_09() + gap + broken + dirty + response_09(4, page(4)))
    docs = items[1:]
    assert [type(d) for d in docs] == [Doc, Doc, Doc, Doc], docs
    assert docs[2].meta["url"].startswith("http://rivers3.example.org/tag/") and docs[2].meta["trec_id"]
    assert docs[0].meta["trec_id"] == "clueweb09-en0000-00-00001"
    assert docs[1].meta["url"] == "http://rivers2.example.org/a%20longpath.html"


def test_short_content_length_keeps_the_whole_page_and_the_next_record(tmp_path: Path) -> None:
    body = page(1, " Zürich, Genève, Köln and Kraków lie on rivers too.")
    counted_in_characters = len(body.decode()) + len(block_of(response_09(1, body))) - len(body)
    short = response_09(1, body, length=counted_in_characters)
    items = read(tmp_path, "s.warc", warcinfo_09() + short + response_09(2, page(2)))
    assert [type(i) for i in items] == [Skip, Doc, Doc], items
    assert items[1].text.count("Kraków") == 3  # the tail past the declared length
    assert items[2].meta["trec_id"] == "clueweb09-en0000-00-00002"


def test_lengths_counted_before_crlf_became_lf_and_missing_lengths_lose_nothing(tmp_path: Path) -> None:
    # the published sample files: lengths counted with CRLF line ends, bytes stored with LF (each too long)
    records = []
    for n in range(4):
        plain = response_09(n, page(n))
        block = block_of(plain)
        records.append(response_09(n, page(n), length=len(block) + block.count(b"\n")))
    records[2] = records[2].replace(b"\nContent-Length: ", b"\nX-Length: ", 1)  # and one without a length
    items = read(tmp_path, "sample.warc.gz", gzip.compress(warcinfo_09() + b"".join(records), mtime=0))
    assert [type(i) for i in items] == [Skip, Doc, Doc, Doc, Doc], items
    assert [i.meta["trec_id"] for i in items[1:]] == [f"clueweb09-en0000-00-{n:05d}" for n in range(4)]
    assert all(i.text.count("Fort Duquesne") == 3 and "WARC" not in i.text for i in items[1:])


def crlf_record(head: list[str], block: bytes) -> bytes:
    return ("\r\n".join([*head, f"Content-Length: {len(block)}"]) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def test_clueweb12_file_verifies_payload_digests_and_reads_every_response(tmp_path: Path) -> None:
    info = (
        b"software: Heritrix/3.1.1-SNAPSHOT-20120210.102032 http://crawler.archive.org\n"
        b"format: WARC File Format 1.0\nisPartOf: ClueWeb12\n"
        b"description:  The Lemur Project's ClueWeb12 dataset (http://lemurproject.org/\n\n\n"
    )
    head = ["WARC/1.0", "WARC-Type: warcinfo", "WARC-Date: 2012-02-10T22:27:49Z", "WARC-Filename: 0000tw-00.warc.gz"]
    head += ["WARC-Number-of-Documents: 2", "WARC-File-Length: 0", "WARC-Data-Type: web crawl"]
    head += ["WARC-Record-ID: <urn:uuid:1b361052-a7d0-48e7-a1f9-b7d5c235b893>", "Content-Type: application/warc-fields"]
    records = [crlf_record(head, info)]
    for n in range(2):
        body = page(n)
        block = b"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nConnection: close\r\n\r\n" + body
        digest = sha1_b32(body if n == 0 else b"not the payload")
        records.append(
            crlf_record(
                [
                    "WARC/1.0",
                    "WARC-Type: response",
                    "WARC-Date: 2012-02-10T22:27:49Z",
                    f"WARC-TREC-ID: clueweb12-0000tw-00-{n:05d}",
                    f"WARC-Target-URI: http://rivers{n}.example.org/",
                    f"WARC-Payload-Digest: {digest}",
                    "WARC-IP-Address: 103.246.184.36",
                    f"WARC-Record-ID: <urn:uuid:5262e3ba-a830-45f2-85ad-cc5c90a2{n:04d}>",
                    "Content-Type: application/http; msgtype=response",
                ],
                block,
            )
        )
    items = read(tmp_path, "0000tw-00.warc.gz", b"".join(gzip.compress(r, mtime=0) for r in records))
    assert isinstance(items[0], Skip) and isinstance(items[1], Doc)
    assert items[1].meta["trec_id"] == "clueweb12-0000tw-00-00000" and items[1].meta["crawl"] == "ClueWeb12"
    # WARC/1.0 keeps the standard's meaning: a payload digest that is wrong is a counted failure
    assert isinstance(items[2], Failure) and items[2].reason == "warc.payload_digest_mismatch"
