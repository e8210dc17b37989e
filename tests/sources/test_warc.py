"""WARC/WET reader on archives the tests write byte by byte (independently of warcio)."""

from __future__ import annotations

import base64
import gzip
import hashlib
import pickle
import random
import uuid
from collections import Counter
from pathlib import Path

import pytest

from pajama.errors import ConfigError, InputError
from pajama.options import build
from pajama.record import Doc, Failure, Skip
from pajama.registry import get_reader
from pajama.sources.warc import WarcReader, WetReader, read_record_at
from pajama.storage import InputFile

HTML = "text/html; charset=utf-8"
PARAGRAPHS = [
    "The river otter is a semiaquatic mammal that lives along the rivers and lakes of North America and feeds "
    "mostly on fish, crayfish and amphibians, hunting by touch with its sensitive whiskers in murky water.",
    "Otters keep warm with an extremely dense fur coat rather than a layer of blubber, and they spend a large "
    "part of every day grooming it so that air stays trapped between the hairs and insulates their skin.",
    "Family groups share dens dug by other animals in the river bank, and the young learn to swim in their "
    "second month, long before they are able to catch enough food on their own to survive the winter.",
]


def page(paragraphs: list[str] = PARAGRAPHS, charset_meta: str | None = None) -> str:
    meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!DOCTYPE html><html><head>{meta}<title>Otters</title></head><body>"
        "<nav><a href='/'>Home</a> | <a href='/about'>About us</a></nav>"
        f"<main><article><h1>River otters</h1>{body}</article></main>"
        "<footer>Copyright 2024 Example Nature Site. All rights reserved.</footer></body></html>"
    )


def b32(data: bytes) -> str:
    return "sha1:" + base64.b32encode(hashlib.sha1(data).digest()).decode()


def http(
    status: str = "200 OK", ctype: str | None = "text/html; charset=utf-8", body: bytes = b"", *extra: str
) -> bytes:
    lines = [f"HTTP/1.1 {status}", *([f"Content-Type: {ctype}"] if ctype else []), *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


def record(
    kind: str,
    block: bytes,
    *,
    uri: str = "http://www.example.org/otters",
    extra: tuple[str, ...] = (),
    length: str | None = "auto",
    digests: bool = True,
    rid: str | None = None,
) -> bytes:
    rid = rid or f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, uri + kind + str(len(block)))}"
    ctype = {"response": "application/http; msgtype=response", "request": "application/http; msgtype=request"}
    lines = ["WARC/1.0", f"WARC-Type: {kind}", f"WARC-Record-ID: <{rid}>", "WARC-Date: 2024-01-02T03:04:05Z"]
    lines += [f"WARC-Target-URI: {uri}", f"Content-Type: {ctype.get(kind, 'text/plain')}", *extra]
    if digests:
        lines.append(f"WARC-Block-Digest: {b32(block)}")
        if kind == "response":
            payload = block.split(b"\r\n\r\n", 1)[1]
            lines.append(f"WARC-Payload-Digest: {b32(payload)}")
    if length is not None:
        lines.append(f"Content-Length: {len(block) if length == 'auto' else length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + block + b"\r\n\r\n"


def warcinfo(crawl: str = "CC-MAIN-2099-01") -> bytes:
    return record("warcinfo", f"isPartOf: {crawl}\r\nsoftware: test\r\n".encode(), uri="")


def html_response(uri: str = "http://www.example.org/otters", text: str | None = None, **kw: object) -> bytes:
    return record("response", http(body=(text or page()).encode()), uri=uri, **kw)  # type: ignore[arg-type]


def members(*records: bytes) -> bytes:
    return b"".join(gzip.compress(r, mtime=0) for r in records)


def read_all(path: Path, reader: object | None = None) -> tuple[list[object], InputError | None]:
    reader = reader or WarcReader(extractor="resiliparse")
    items: list[object] = []
    try:
        for item in reader.read(InputFile(uri=str(path), name=path.name, source="web")):  # type: ignore[attr-defined]
            items.append(item)
    except InputError as e:
        return items, e
    return items, None


def reasons(items: list[object]) -> Counter[str]:
    return Counter(getattr(i, "reason", "doc") for i in items)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_document_meta_locator_and_key(tmp_path: Path) -> None:
    path = write(tmp_path, "a.warc.gz", members(warcinfo(), html_response()))
    items, err = read_all(path, WarcReader(extractor="trafilatura"))
    assert err is None
    assert isinstance(items[0], Skip) and items[0].reason == "warc.warcinfo"
    doc = items[1]
    assert isinstance(doc, Doc)
    assert "semiaquatic mammal" in doc.text and "All rights reserved" not in doc.text
    m = doc.meta
    assert (m["url"], m["domain"], m["date"], m["crawl"]) == (
        "http://www.example.org/otters",
        "www.example.org",
        "2024-01-02T03:04:05Z",
        "CC-MAIN-2099-01",
    )
    assert m["content_type"] == "text/html" and m["charset"] == "utf-8" and m["language"] == "en"
    assert 0.5 < m["language_score"] <= 1.0
    assert m["extractor"]["name"] == "trafilatura" and m["extractor"]["version"][0].isdigit()
    assert doc.key == doc.locator["record_id"] and doc.key.startswith("urn:uuid:")
    again = read_record_at(str(path), doc.locator["offset"])
    assert dict(again.headers)["WARC-Record-ID"] == f"<{doc.key}>"
    assert again.payload == page().encode()


@pytest.mark.parametrize("layout", ["members", "whole-gzip", "plain"])
def test_layouts_agree_and_offsets_reread(tmp_path: Path, layout: str) -> None:
    recs = [warcinfo(), *(html_response(f"http://site{i}.example/p") for i in range(3))]
    data = {"members": members(*recs), "whole-gzip": gzip.compress(b"".join(recs), mtime=0), "plain": b"".join(recs)}
    path = write(tmp_path, f"x.{layout}.warc", data[layout])
    items, err = read_all(path)
    assert err is None
    docs = [i for i in items if isinstance(i, Doc)]
    assert [d.meta["url"] for d in docs] == [f"http://site{i}.example/p" for i in range(3)]
    for d in docs:
        assert dict(read_record_at(str(path), d.locator["offset"]).headers)["WARC-Target-URI"] == d.meta["url"]


@pytest.mark.parametrize("layout", ["members", "whole-gzip", "plain"])
def test_file_ending_mid_record_yields_earlier_records_then_input_error(tmp_path: Path, layout: str) -> None:
    rng = random.Random(7)  # an incompressible last page, so that cutting its tail cuts only that record
    noise = " ".join("".join(rng.choices("abcdefghijklmnopqrstuvwxyz", k=8)) for _ in range(400))
    recs = [warcinfo(), html_response("http://a.example/"), html_response("http://b.example/", page([noise]))]
    full = {"members": members(*recs), "whole-gzip": gzip.compress(b"".join(recs), mtime=0), "plain": b"".join(recs)}
    data = full[layout]
    path = write(tmp_path, "cut.warc", data[: len(data) - 300])
    items, err = read_all(path)
    assert err is not None and err.reason == "warc.truncated_input"
    assert [getattr(i, "meta", {}).get("url") for i in items] == [None, "http://a.example/"]


def test_non_warc_bytes_are_an_input_error(tmp_path: Path) -> None:
    for name, data in [("p.html", page().encode()), ("z.gz", gzip.compress(b"just text\n" * 50))]:
        items, err = read_all(write(tmp_path, name, data))
        assert items == [] and err is not None and err.reason == "warc.not_an_archive"


def test_digest_mismatch_is_a_failure_unless_verification_is_off(tmp_path: Path) -> None:
    good = html_response()
    bad = good.replace(b"semiaquatic", b"semiaquatiX")
    path = write(tmp_path, "d.warc", bad)
    items, _ = read_all(path)
    assert reasons(items) == {"warc.block_digest_mismatch": 1}
    items, _ = read_all(path, WarcReader(extractor="resiliparse", verify_digests=False))
    assert isinstance(items[0], Doc) and "semiaquatiX" in items[0].text


def test_payload_digest_alone_is_verified(tmp_path: Path) -> None:
    block = http(body=page().encode())
    rec = record("response", block, digests=False, extra=(f"WARC-Payload-Digest: {b32(b'other')}",))
    items, _ = read_all(write(tmp_path, "p.warc", rec))
    assert reasons(items) == {"warc.payload_digest_mismatch": 1}


def test_skips_by_type_status_content_type_and_truncation(tmp_path: Path) -> None:
    recs = [
        record("request", b"GET /otters HTTP/1.1\r\nHost: www.example.org\r\n\r\n"),
        record("metadata", b"fetchTimeMs: 12\r\n"),
        record(
            "revisit", http(), extra=("WARC-Profile: http://netpreserve.org/warc/1.0/revisit/identical-payload-digest",)
        ),
        record("response", http("301 Moved Permanently", body=b"moved")),
        record("response", http("404 Not Found", body=b"<html>gone</html>")),
        record("response", http("503 Service Unavailable", body=b"<html>busy</html>")),
        record("response", http("200 OK", "image/png", b"\x89PNG\r\n\x1a\n")),
        html_response(extra=("WARC-Truncated: length",)),
        html_response(text="<html><body><script>var x = 1;</script></body></html>"),
    ]
    items, err = read_all(write(tmp_path, "s.warc", b"".join(recs)))
    assert err is None and all(isinstance(i, Skip) for i in items)
    assert [i.reason for i in items] == [  # type: ignore[attr-defined]
        "warc.request",
        "warc.metadata",
        "warc.revisit",
        "warc.http_redirect",
        "warc.http_client_error",
        "warc.http_server_error",
        "warc.content_type",
        "warc.truncated",
        "warc.extract_empty",
    ]
    kept, _ = read_all(write(tmp_path, "t.warc", recs[7]), WarcReader(extractor="resiliparse", keep_truncated=True))
    assert isinstance(kept[0], Doc)


def test_bad_and_missing_content_length(tmp_path: Path) -> None:
    bad = html_response(length="12x", digests=False)
    items, err = read_all(write(tmp_path, "bad.warc", bad + html_response("http://next.example/")))
    assert isinstance(items[0], Failure) and items[0].reason == "warc.bad_content_length"
    assert err is None and isinstance(items[1], Doc)  # reading resumes at the next record's version line
    assert items[1].meta["url"] == "http://next.example/"
    none = html_response(length=None, digests=False) + html_response("http://next.example/")
    items, err = read_all(write(tmp_path, "none.warc", none))
    assert err is None and reasons(items) == {"warc.missing_content_length": 1, "doc": 1}


def test_short_content_length_fails_that_record_and_the_next_one_is_read(tmp_path: Path) -> None:
    short = html_response(digests=False).replace(b"Content-Length: ", b"Content-Length: 1", 1)  # 10x too long
    data = html_response(digests=False, length="200") + html_response("http://next.example/")
    items, err = read_all(write(tmp_path, "short.warc", data))
    assert err is None and reasons(items) == {"warc.content_length_mismatch": 1, "doc": 1}
    assert items[0].locator["offset"] == 0 and items[1].locator["offset"] == len(html_response(digests=False))
    assert short  # (a length that is too long swallows the next record: covered by the ClueWeb tests)


def test_chunked_and_gzip_http_bodies(tmp_path: Path) -> None:
    body = gzip.compress(page().encode(), mtime=0)
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(body[i : i + 100]), body[i : i + 100]) for i in range(0, len(body), 100))
    block = http("200 OK", "text/html", chunked + b"0\r\n\r\n", "Transfer-Encoding: chunked", "Content-Encoding: gzip")
    items, _ = read_all(write(tmp_path, "c.warc", record("response", block)))
    assert isinstance(items[0], Doc) and "dense fur coat" in items[0].text
    corrupt = http("200 OK", "text/html", body[:40] + b"\x00" * 400, "Content-Encoding: gzip")
    not_gzip = http("200 OK", "text/html", b"\x07\x00binary" * 50, "Content-Encoding: gzip")
    mislabelled = http("200 OK", "text/html", page().encode(), "Content-Encoding: gzip")
    recs = [
        record("response", block, uri=f"http://{i}.example/")
        for i, block in enumerate([corrupt, not_gzip, mislabelled])
    ]
    items, _ = read_all(write(tmp_path, "e.warc", b"".join(recs)))
    assert [getattr(i, "reason", "doc") for i in items] == ["warc.bad_http_encoding", "warc.bad_http_encoding", "doc"]


@pytest.mark.parametrize(
    ("ctype", "meta", "encoding", "source"),
    [
        ("text/html; charset=windows-1251", None, "cp1251", "header"),
        ("text/html", "koi8-r", "koi8-r", "meta"),
        ("text/html", None, "cp1251", "detected"),
        ("text/html; charset=no-such-charset", "cp1251", "cp1251", "meta"),
    ],
)
def test_charset_from_header_meta_or_detection(
    tmp_path: Path, ctype: str, meta: str | None, encoding: str, source: str
) -> None:
    russian = [
        "Речная выдра живёт по берегам рек и озёр и питается в основном рыбой, раками и лягушками, "
        "охотясь на ощупь в мутной воде с помощью чувствительных усов.",
        "Выдры сохраняют тепло благодаря очень густому меху, а не слою жира, и каждый день подолгу "
        "ухаживают за ним, чтобы между волосками оставался воздух.",
    ]
    body = page(russian, meta).encode(encoding)
    items, _ = read_all(write(tmp_path, "r.warc", record("response", http("200 OK", ctype, body))))
    doc = items[0]
    assert isinstance(doc, Doc) and "густому меху" in doc.text, doc
    assert doc.meta["charset_source"] == source and doc.meta["language"] == "ru"


def test_content_type_missing_is_sniffed_and_xhtml_is_html(tmp_path: Path) -> None:
    recs = [
        record("response", http("200 OK", None, page().encode()), uri="http://a.example/"),
        record("response", http("200 OK", "application/xhtml+xml", page().encode()), uri="http://b.example/"),
        record("response", http("200 OK", None, b"\x00\x01binary"), uri="http://c.example/"),
    ]
    items, _ = read_all(write(tmp_path, "m.warc", b"".join(recs)))
    assert reasons(items) == {"doc": 2, "warc.content_type": 1}


def test_wet_conversion_records_are_documents(tmp_path: Path) -> None:
    text = "\n".join(PARAGRAPHS).encode()
    data = members(warcinfo(), record("conversion", text, extra=("WARC-Refers-To: <urn:uuid:x>",)))
    path = write(tmp_path, "a.warc.wet.gz", data)
    items, err = read_all(path, WetReader())
    assert err is None and isinstance(items[1], Doc)
    assert items[1].text == text.decode() and items[1].meta["extractor"]["name"] == "wet"
    assert reasons(read_all(path)[0]) == {"warc.warcinfo": 1, "warc.conversion": 1}  # the warc reader skips them
    warc = write(tmp_path, "b.warc", html_response())
    assert reasons(read_all(warc, WetReader())[0]) == {"warc.response": 1}


@pytest.mark.timeout(0)  # pytest-timeout's SIGALRM timer would otherwise own the alarm (time_limit then defers)
def test_wall_clock_guard_fails_the_page_and_marks_it_not_reproducible(tmp_path: Path) -> None:
    huge = page(PARAGRAPHS * 3000)
    items, _ = read_all(write(tmp_path, "h.warc", html_response(text=huge)), WarcReader(extract_timeout=0.01))
    assert isinstance(items[0], Failure) and items[0].reason == "warc.extract_timeout"
    assert items[0].reproducible is False


def test_options_are_typed_registered_and_pickle_cheaply() -> None:
    assert get_reader("warc") is WarcReader and get_reader("wet") is WetReader and get_reader("arc") is not None
    reader = build(WarcReader, {"extractor": "resiliparse", "content_types": ["text/html"]}, "sources.web.options")
    assert reader.content_types == ("text/html",)
    assert len(pickle.dumps(reader)) < 1000
    with pytest.raises(ConfigError, match="extractor"):
        build(WarcReader, {"extractor": "lynx"}, "sources.web.options")
    with pytest.raises(ConfigError, match="lid_model"):
        build(WarcReader, {"lid_model": "/no/such/model.bin"}, "sources.web.options")
