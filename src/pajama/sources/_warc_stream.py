"""Reading WARC and ARC archives record by record, with byte offsets, verified digests and named failures.

warcio does the parsing (WARC 0.17-1.1 and ARC v1); `_warc_layout` decides what stream it parses and
`_warc_framing` how records are delimited when their headers or lengths are wrong. Around it: each
record's byte offset (of its gzip member, or of its first header line) is kept so that `read_record_at`
can re-read exactly that record later; a record cut short by the end of the file, an unparseable header
where no record was read yet, a header line over MAX_HEADER_LINE and broken gzip raise InputError with a
stable reason *after* every earlier record was yielded.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO

from pajama.errors import InputError
from pajama.sources._warc_framing import recovering_iterator, route_warcio_stderr, tolerant_header_parser
from pajama.sources._warc_layout import SNIFF_BYTES, is_draft, open_archive, sniff_layout

MAX_HEADER_LINE = 1 << 20  # no real WARC/ARC/HTTP header line comes near this


@dataclass(frozen=True, slots=True)
class Payload:
    data: bytes
    overflow: bool  # more than the cap was there (the rest is consumed unread)
    encoding_problem: str | None  # the declared Content-Encoding could not be undone
    passed_through: bool = False  # ... because the body was not compressed at all (the raw bytes are kept)


def _encoding_problem(stream: Any) -> tuple[str | None, bool]:
    """(problem, passed through) for a body with a declared Content-Encoding.

    warcio passes a body through raw when its declared compression fails on the first block, and drops
    the rest silently when it fails later; both leave traces on its reader object.
    """
    declared = getattr(stream, "decomp_type", None)
    if not declared:
        return None, False
    decompressor = getattr(stream, "decompressor", None)
    if decompressor is None:
        return f"Content-Encoding {declared}: body is not {declared}-compressed", True
    if not getattr(decompressor, "eof", True):
        return f"Content-Encoding {declared}: compressed body is incomplete or corrupt", False
    return None, False


@dataclass
class Entry:
    """One archive record as warcio parsed it, plus its offset; the payload is read on demand."""

    record: Any  # warcio ArcWarcRecord
    offset: int
    _iterator: Any

    @property
    def is_arc(self) -> bool:
        return bool(self.record.format == "arc")

    @property
    def missing_length(self) -> bool:
        return bool(getattr(self.record.rec_headers, "missing_length", False))

    def header(self, name: str) -> str | None:
        value = self.record.rec_headers.get_header(name)
        return value if value is None else str(value)

    def read_payload(self, cap: int) -> Payload:
        """Up to `cap` bytes of the HTTP-decoded payload (de-chunked, decompressed)."""
        stream = self.record.content_stream()
        data = stream.read(cap + 1)
        overflow = len(data) > cap
        problem, passed_through = (None, False) if overflow else _encoding_problem(stream)
        return Payload(data[:cap], overflow, problem, passed_through)

    def finish(self) -> list[str]:
        """Consume the rest of the record; digest problems (empty when verified or not checked).

        Raises InputError("warc.truncated_input") when the file ended before the record's declared length.
        """
        try:
            self._iterator.read_to_end()
        except zlib.error as e:
            raise InputError("warc.bad_gzip", f"record at offset {self.offset}: {e}") from e
        left = getattr(self.record.raw_stream, "limit", 0)
        if left > 0:
            raise InputError("warc.truncated_input", f"record at offset {self.offset} lacks {left} bytes")
        checker = self.record.digest_checker
        problems = list(checker.problems) if checker is not None else []
        junk = getattr(self._iterator, "junk_bytes", 0)
        if junk:
            problems.append(f"content length mismatch: {junk} bytes between the declared end and the next record")
        return problems


def _record_loader() -> Any:
    """warcio's record loader, deciding on HTTP framing by the record's Content-Type as well as its URI.

    warcio parses HTTP headers only when WARC-Target-URI is http(s); a response record declared
    `application/http` under another scheme would keep its HTTP headers in the payload, and its
    WARC-Payload-Digest would then be checked over the wrong bytes. A record without a target URI
    must not reach warcio's `uri.startswith` either.
    """
    from warcio.recordloader import ArcWarcRecordLoader

    if not hasattr(ArcWarcRecordLoader, "_ensure_target_uri_format"):  # older warcio: keep its own rule
        loader = ArcWarcRecordLoader(verify_http=False, arc2warc=False)
        loader.warc_parser = tolerant_header_parser()
        return loader

    class Loader(ArcWarcRecordLoader):  # type: ignore[misc]
        def _ensure_target_uri_format(self, rec_headers: Any) -> str:
            uri = super()._ensure_target_uri_format(rec_headers) or ""
            declared = (rec_headers.get_header("Content-Type") or "").lower()
            if declared.startswith("application/http") and not uri.startswith(self.HTTP_SCHEMES):
                return "http:" + uri  # only steers HTTP parsing; the stored header is unchanged
            return str(uri)

        def wrap_digest_verifying_stream(
            self, stream: Any, rec_type: Any, rec_headers: Any, checker: Any, length: Any = None
        ) -> Any:
            # warcio raises (binascii.Error, TypeError ...) mid-record on a digest it cannot decode; such a
            # record is unverifiable (a counted Failure), not the end of the input or of the run
            for header in ("WARC-Block-Digest", "WARC-Payload-Digest"):
                value = rec_headers.get_header(header)
                if value and not _comparable_digest(value):
                    rec_headers.remove_header(header)
                    checker.problem(f"unusable {header}: {value[:80]!r}")
            return super().wrap_digest_verifying_stream(stream, rec_type, rec_headers, checker, length)

    loader = Loader(verify_http=False, arc2warc=False)
    loader.warc_parser = tolerant_header_parser()
    return loader


def _comparable_digest(value: str) -> bool:
    """Whether warcio can compare this WARC-*-Digest value (it runs the very comparison on empty data)."""
    from warcio.digestverifyingreader import _compare_digest_rfc_3548, _parse_digest
    from warcio.utils import Digester

    try:
        _compare_digest_rfc_3548(Digester(_parse_digest(value)[0]), value)
    except (ValueError, TypeError):  # binascii.Error and UnicodeError are ValueErrors
        return False
    return True


def iter_entries(stream: BinaryIO, name: str, *, verify_digests: bool) -> Iterator[Entry]:
    """Every record of the archive in `stream`. The caller must call `entry.finish()` before the next one."""
    from warcio.exceptions import ArchiveLoadFailed  # heavy-ish: loaded when a file is read
    from warcio.statusandheaders import StatusAndHeadersParserException

    route_warcio_stderr()
    opened = open_archive(stream, name)
    if opened.draft:  # WARC 0.17/0.18 (ClueWeb09): framed by version lines, see _warc_draft
        from pajama.sources._warc_draft import iter_draft_entries

        yield from iter_draft_entries(opened.decompressed(name), name)
        opened.check_complete(name)
        return
    iterator = recovering_iterator(opened.stream, check_digests=verify_digests)
    iterator.loader = _record_loader()
    _bound_header_lines(iterator.reader, name)
    records = iter(iterator)
    count = 0
    while True:
        offset = iterator.offset
        try:
            record = next(records)
        except StopIteration:
            opened.check_complete(name)
            return
        except (ArchiveLoadFailed, StatusAndHeadersParserException) as e:
            reason = "warc.not_an_archive" if count == 0 else "warc.malformed_header"
            raise InputError(reason, f"{name} at offset {offset}: {_first_line(e)}") from e
        except zlib.error as e:
            raise InputError("warc.bad_gzip", f"{name} at offset {offset}: {e}") from e
        count += 1
        yield Entry(record, offset, iterator)


def _bound_header_lines(reader: Any, name: str) -> None:
    """Cap every line warcio reads (WARC, ARC and HTTP header lines, chunk sizes) at MAX_HEADER_LINE.

    warcio reads them without a limit, growing the line by concatenation: one endless header line would
    take memory (and quadratic time) without bound. Payloads are read with read(), never by line.
    """
    unbounded = reader.readline

    def readline(length: int | None = None) -> bytes:
        limit = MAX_HEADER_LINE if length is None or length < 0 else min(length, MAX_HEADER_LINE)
        line: bytes = unbounded(limit)
        if len(line) >= MAX_HEADER_LINE and not line.endswith(b"\n"):
            raise InputError("warc.header_too_long", f"{name}: a header line longer than {MAX_HEADER_LINE} bytes")
        return line

    reader.readline = readline


def _first_line(error: Exception) -> str:
    text = str(error).strip()
    return text.splitlines()[0][:200] if text else type(error).__name__


# ------------------------------------------------------------------------------------------ re-reading


@dataclass
class RawRecord:
    """One record re-read from its offset: WARC (or ARC) headers, HTTP status and headers, decoded payload."""

    offset: int
    warc_type: str
    headers: list[tuple[str, str]]
    http_status: str | None
    http_headers: list[tuple[str, str]]
    payload: bytes


def read_record_at(uri: str, offset: int, *, max_bytes: int = 64 << 20) -> RawRecord:
    """Re-read the record that starts at `offset` (a locator's `offset`) in the archive at `uri`."""
    import fsspec

    with fsspec.open(uri, "rb") as raw:
        buffered = io.BufferedReader(raw, SNIFF_BYTES)
        layout, head = sniff_layout(buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES], uri)
        source: BinaryIO
        if is_draft(head):  # offsets are positions in the decompressed file
            source = open_archive(buffered, uri).decompressed(uri)
            _skip(source, offset)
        elif layout in ("members", "plain"):
            buffered.seek(offset)
            source = buffered  # type: ignore[assignment]
        else:
            source = open_archive(buffered, uri).stream
            _skip(source, offset)
        for entry in iter_entries(source, uri, verify_digests=False):
            record = entry.record
            payload = entry.read_payload(max_bytes).data
            http = record.http_headers
            return RawRecord(
                offset=offset,
                warc_type=str(record.rec_type),
                headers=list(record.rec_headers.headers),
                http_status=http.get_statuscode() if http else None,
                http_headers=list(http.headers) if http else [],
                payload=payload,
            )
    raise InputError("warc.no_record", f"{uri}: no record at offset {offset}")


def _skip(stream: BinaryIO, n: int) -> None:
    while n > 0:
        chunk = stream.read(min(n, 1 << 20))
        if not chunk:
            raise InputError("warc.no_record", f"offset beyond the end of the decompressed archive by {n} bytes")
        n -= len(chunk)
