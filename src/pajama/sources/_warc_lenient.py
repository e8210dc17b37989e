"""Lenient WET reading: records split at `WARC/1.x` lines, Content-Length ignored (as cc_net reads WET).

For text files whose Content-Length values do not match their bodies (hand-written or re-encoded WET,
e.g. LF line endings where CRLF was counted). Each record's body runs to the next `WARC/1.0` or `WARC/1.1`
line, minus the blank lines that separate records. Digests are not verified: the bytes they cover are
not known. Offsets are positions in the decompressed file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from pajama.sources._warc_draft import split_records
from pajama.sources._warc_stream import Payload
from pajama.storage import decompressed

_VERSION_LINE = re.compile(rb"^WARC/1\.[01]\r?\n$")


@dataclass
class _LenientRecord:
    rec_headers: Any  # warcio StatusAndHeaders
    body: bytes
    format: str = "warc"
    http_headers: None = None
    digest_checker: None = None
    raw_stream: None = None

    @property
    def rec_type(self) -> str:
        return str(self.rec_headers.get_header("WARC-Type") or "")


@dataclass
class LenientEntry:
    """Same interface as `_warc_stream.Entry`, for a record delimited by the next version line."""

    record: _LenientRecord
    offset: int
    is_arc: bool = False

    def header(self, name: str) -> str | None:
        value = self.record.rec_headers.get_header(name)
        return value if value is None else str(value)

    def read_payload(self, cap: int) -> Payload:
        body = self.record.body
        return Payload(body[:cap], len(body) > cap, None)

    def finish(self) -> list[str]:
        return []


def _entry(offset: int, lines: list[bytes]) -> LenientEntry:
    from warcio.statusandheaders import StatusAndHeadersParser

    try:
        blank = next(i for i, line in enumerate(lines) if not line.strip())
    except StopIteration:
        blank = len(lines)
    parser = StatusAndHeadersParser(["WARC/1.0", "WARC/1.1"])
    headers = parser.parse(io.BytesIO(b"".join(lines[: blank + 1])))
    body = b"".join(lines[blank + 1 :]).rstrip(b"\r\n")
    return LenientEntry(_LenientRecord(headers, body), offset)


def iter_lenient_entries(stream: BinaryIO, name: str) -> Iterator[LenientEntry]:
    for offset, lines in split_records(decompressed(stream, name), name, _VERSION_LINE, after_blank=False):
        yield _entry(offset, lines)
