"""WARC 0.17/0.18 files (ClueWeb09): records delimited by their version lines, as those files can be read.

The drafts' writers left Content-Length values that cannot be trusted: ClueWeb09 counted some in
characters (short on non-ASCII pages), and its published sample files lost the CR of every CRLF after the
lengths were written (every length too long, so each record swallows the start of the next). What does
hold is the framing: a record starts at a `WARC/0.17` or `WARC/0.18` line that follows a blank line (or
starts the file). So a draft-era file is split at those lines; Content-Length only trims the record
separator when it agrees with the bytes. Headers go through `_warc_framing`'s tolerant parser (a blank
line inside a header, a URI broken over two lines), HTTP headers through warcio's parser, and digests
are verified over the bytes as delimited: a WARC-Payload-Digest over the payload or, as these writers
computed it, over the whole block. Offsets are positions in the decompressed file.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any, BinaryIO

from pajama.errors import InputError
from pajama.sources._warc_framing import tolerant_header_parser
from pajama.sources._warc_stream import Entry

DRAFT_LINE = re.compile(rb"^WARC/0\.1[78]\r?\n$")
_PIECE = 1 << 20  # lines are read in pieces of at most this size (bodies may be one long line)
MAX_RECORD_BYTES = 256 << 20


def split_records(
    stream: BinaryIO, name: str, version_line: re.Pattern[bytes], *, after_blank: bool
) -> Iterator[tuple[int, list[bytes]]]:
    """(offset, lines) per record, each starting with its version line; `after_blank`: only such lines
    that follow a blank line start a record. Raises InputError for bytes that do not start with one."""
    offset = position = size = 0
    lines: list[bytes] = []
    previous_blank = True
    while line := stream.readline(_PIECE):
        if version_line.match(line) and (previous_blank or not after_blank):
            if lines:
                yield offset, lines
            offset, lines, size = position, [], 0
        elif not lines and not line.strip():
            position += len(line)
            continue
        elif not lines:
            raise InputError("warc.not_an_archive", f"{name}: does not start with a WARC version line")
        size += len(line)
        if size > MAX_RECORD_BYTES:
            raise InputError("warc.record_too_large", f"{name}: record at {offset} over {MAX_RECORD_BYTES} bytes")
        lines.append(line)
        position += len(line)
        previous_blank = not line.strip()
    if lines:
        yield offset, lines


class DraftEntry(Entry):
    """A record cut out by version lines; the same interface as a warcio-framed `Entry`."""

    framed_by_version_lines = True

    def __init__(self, record: Any, offset: int, block: bytes, payload_start: int) -> None:
        super().__init__(record, offset, None)
        self.block, self.payload_start = block, payload_start

    @property
    def missing_length(self) -> bool:
        return False  # the version lines delimit the record

    def finish(self) -> list[str]:
        from warcio.digestverifyingreader import _compare_digest_rfc_3548, _parse_digest
        from warcio.utils import Digester

        def matches(value: str, data: bytes) -> bool | None:
            digester = Digester(_parse_digest(value)[0])
            digester.update(data)
            return _compare_digest_rfc_3548(digester, value)  # type: ignore[no-any-return]

        problems = []
        block_digest = self.header("WARC-Block-Digest")
        if block_digest and matches(block_digest, self.block) is False:
            problems.append(f"block digest failed: {block_digest}")
        payload_digest = self.header("WARC-Payload-Digest")
        payload = self.block[self.payload_start :]
        checked = payload_digest is not None and self.header("WARC-Type") != "revisit"
        if checked and not (matches(str(payload_digest), payload) or matches(str(payload_digest), self.block)):
            problems.append(f"payload digest failed: {payload_digest}")
        return problems


def _block(headers: Any, rest: bytes) -> bytes:
    """The record's block: Content-Length bytes when only the separator follows them, else the bytes
    up to the next record without the separating newlines."""
    declared = (headers.get_header("Content-Length") or "").strip()
    if declared.isdigit() and int(declared) <= len(rest) and not rest[int(declared) :].strip(b"\r\n"):
        return rest[: int(declared)]
    return rest.rstrip(b"\r\n")


def draft_entry(offset: int, lines: list[bytes]) -> DraftEntry:
    from warcio.bufferedreaders import BufferedReader
    from warcio.recordloader import ArcWarcRecord, ArcWarcRecordLoader
    from warcio.statusandheaders import StatusAndHeadersParser

    reader = BufferedReader(io.BytesIO(b"".join(lines)))
    headers = tolerant_header_parser().parse(reader)
    if headers.get_header("WARC-Target-URI") and hasattr(ArcWarcRecordLoader, "_ensure_target_uri_format"):
        ArcWarcRecordLoader(verify_http=False)._ensure_target_uri_format(headers)  # <>, spaces: as in 1.x files
    block = _block(headers, reader.read())
    rec_type = (headers.get_header("WARC-Type") or "").lower()
    http, payload_start = None, 0
    if rec_type in ArcWarcRecordLoader.HTTP_RECORDS and block.startswith(b"HTTP/"):
        body = BufferedReader(io.BytesIO(block))
        http = StatusAndHeadersParser(ArcWarcRecordLoader.HTTP_TYPES, verify=False).parse(body)
        payload_start = len(block) - len(body.read())
    stream = io.BytesIO(block[payload_start:])
    record = ArcWarcRecord("warc", rec_type, headers, stream, http, headers.get_header("Content-Type"), len(block))
    return DraftEntry(record, offset, block, payload_start)


def iter_draft_entries(stream: BinaryIO, name: str) -> Iterator[DraftEntry]:
    """Every record of a decompressed WARC 0.17/0.18 stream."""
    for offset, lines in split_records(stream, name, DRAFT_LINE, after_blank=True):
        yield draft_entry(offset, lines)
