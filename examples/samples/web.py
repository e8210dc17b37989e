"""Quickstart web sample: `web/sample.warc.gz`, a small Common Crawl-style WARC built from pydoc topics.

Twenty HTML pages (the standard library's `pydoc_data.topics`, so every Python installation can build it
without network), wrapped in page chrome that an extractor should drop, written with warcio as a
per-record gzip WARC. Dates, record ids and gzip headers are fixed, so the bytes only change when the
Python version's pydoc topics do. A warcinfo record names the crawl, and a few records must be skipped:
a request, a 404, an image/png, and one page on a domain that the quickstart's `url` filter blocks.
"""

from __future__ import annotations

import html
import io
import uuid
import zlib
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

from pajama.storage import atomic_write

PAGES = 20
MIN_TOPIC_CHARS = 1500
SITE = "https://docs.pydoc.example/topics/"
BLOCKED_SITE = "https://ads.blocked.example/"
CRAWL = "PAJAMA-QUICKSTART-2024-01"
_NAMESPACE = uuid.UUID("6f0d2a3e-4b7c-4c8e-9a51-0e6f8c2d9b17")
_START = datetime(2024, 1, 1, tzinfo=UTC)


def _record_id(name: str) -> str:
    return f"<urn:uuid:{uuid.uuid5(_NAMESPACE, name)}>"


def _date(i: int) -> str:
    return (_START + timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%SZ")


def topics(n: int = PAGES) -> list[tuple[str, str]]:
    """The first `n` pydoc topics (sorted by name) long enough to be articles."""
    from pydoc_data.topics import topics as all_topics

    chosen = [(name, text) for name, text in sorted(all_topics.items()) if len(text) >= MIN_TOPIC_CHARS]
    return chosen[:n]


def page_html(title: str, text: str) -> bytes:
    """An article page with navigation, sidebar and footer boilerplate around the topic's paragraphs."""
    blocks = []
    for para in text.strip().split("\n\n"):
        para = para.strip("\n")
        if not para.strip():
            continue
        lines = para.split("\n")
        if len(lines) == 2 and len(set(lines[1].strip())) == 1 and lines[1].strip()[0] in "*=-~":
            blocks.append(f"<h2>{html.escape(lines[0].strip())}</h2>")  # a reST section title
        elif para.startswith((" ", "\t")):
            blocks.append(f"<pre>{html.escape(para)}</pre>")
        else:
            blocks.append(f"<p>{html.escape(' '.join(para.split()))}</p>")
    body = "\n".join(blocks)
    doc = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)} - Python topics</title></head>
<body>
<nav><a href="/">Home</a> | <a href="/topics/">All topics</a> | <a href="/search">Search</a>
 | <a href="/login">Sign in</a></nav>
<aside><h3>Related</h3><ul><li><a href="/topics/">More topics</a></li>
<li><a href="/ads">Sponsored links</a></li></ul></aside>
<main><article><h1>{html.escape(title)}</h1>
{body}
</article></main>
<footer>Copyright notice: page built from pydoc_data for the pajama quickstart.
Privacy policy. Cookie settings.</footer>
</body></html>
"""
    return doc.encode("utf-8")


def _png() -> bytes:
    """A valid 1x1 PNG (so the record is a real image the reader must skip by content type)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return len(data).to_bytes(4, "big") + kind + data + zlib.crc32(kind + data).to_bytes(4, "big")

    header = (1).to_bytes(4, "big") * 2 + bytes([8, 0, 0, 0, 0])
    pixels = zlib.compress(b"\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def _response(writer: object, url: str, i: int, status: str, content_type: str, body: bytes) -> None:
    from warcio.statusandheaders import StatusAndHeaders

    http = StatusAndHeaders(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))], "HTTP/1.1")
    headers = {"WARC-Record-ID": _record_id(url), "WARC-Date": _date(i)}
    record = writer.create_warc_record(  # type: ignore[attr-defined]
        url, "response", payload=io.BytesIO(body), length=len(body), http_headers=http, warc_headers_dict=headers
    )
    writer.write_record(record)  # type: ignore[attr-defined]


def _request(writer: object, url: str, i: int) -> None:
    from warcio.statusandheaders import StatusAndHeaders

    path = "/" + url.split("/", 3)[3]
    http = StatusAndHeaders(f"GET {path} HTTP/1.1", [("Host", url.split("/")[2]), ("User-Agent", "pajama")], "HTTP/1.1")
    headers = {"WARC-Record-ID": _record_id("request " + url), "WARC-Date": _date(i)}
    record = writer.create_warc_record(url, "request", http_headers=http, warc_headers_dict=headers)  # type: ignore[attr-defined]
    writer.write_record(record)  # type: ignore[attr-defined]


def _warcinfo(writer: object) -> None:
    fields = f"software: pajama quickstart sample\r\nisPartOf: {CRAWL}\r\nformat: WARC File Format 1.0\r\n"
    payload = fields.encode()
    headers = {"WARC-Record-ID": _record_id("warcinfo"), "WARC-Date": _date(0), "WARC-Filename": "sample.warc.gz"}
    record = writer.create_warc_record(  # type: ignore[attr-defined]
        "",
        "warcinfo",
        payload=io.BytesIO(payload),
        length=len(payload),
        warc_content_type="application/warc-fields",
        warc_headers_dict=headers,
    )
    writer.write_record(record)  # type: ignore[attr-defined]


def write_sample(out: IO[bytes]) -> int:
    """Write the sample WARC to a binary stream; returns the number of records written."""
    from warcio.warcwriter import WARCWriter

    writer = WARCWriter(out, gzip=True)
    _warcinfo(writer)
    *pages, (extra_name, extra_text) = topics(PAGES + 1)
    for i, (name, text) in enumerate(pages, start=1):
        url = f"{SITE}{name}"
        if i == 1:
            _request(writer, url, i)
        _response(writer, url, i, "200 OK", "text/html; charset=utf-8", page_html(name, text))
    n = len(pages)
    not_found = b"<html><body>Not found</body></html>"
    _response(writer, f"{SITE}no-such-topic", n + 1, "404 Not Found", "text/html", not_found)
    _response(writer, f"{SITE}logo.png", n + 2, "200 OK", "image/png", _png())
    blocked_page = page_html(extra_name, extra_text)
    _response(writer, f"{BLOCKED_SITE}{extra_name}", n + 3, "200 OK", "text/html; charset=utf-8", blocked_page)
    return n + 5


def build(out: Path) -> None:
    """Write `<out>/web/sample.warc.gz` (deterministic bytes)."""
    with atomic_write(str(Path(out) / "web" / "sample.warc.gz")) as f:
        write_sample(f)
