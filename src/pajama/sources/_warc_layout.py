"""How an archive file is stored, and the byte stream that warcio should parse.

* per-record gzip (one gzip member per record, the standard seekable layout) and plain files go to warcio
  as they are: offsets are positions in the file;
* a whole-file gzip (one member spanning many records, which warcio refuses), a gzip whose members are not
  aligned with records, and whole-file zstd/bz2/xz are decompressed here: offsets are then positions in
  the decompressed stream. A gzip stream cut short yields every byte it had before the input error.

Bytes that start neither like a WARC record nor like an ARC header are refused up front
(`warc.not_an_archive`), so a stray HTML or text file is never half-parsed as a one-line ARC record.
"""

from __future__ import annotations

import io
import re
import zlib
from dataclasses import dataclass
from typing import Any, BinaryIO, Literal

from pajama.errors import InputError
from pajama.storage import decompressed, sniff_compression

Layout = Literal["members", "gzip-file", "compressed-file", "plain"]

SNIFF_BYTES = 1 << 20
_SNIFF_OUTPUT = 8 << 20
_READ_SIZE = 1 << 18
_WARC_LENGTH = re.compile(rb"(?im)^content-length:[ \t]*(\d+)[ \t]*\r?$")
_HEADER_END = re.compile(rb"\r?\n\r?\n")
_ARC_LINE = re.compile(rb"^\S*:\S*( \S+){3} -?\w+\r?$")  # uri ip-address archive-date content-type length


def _first_record_end(data: bytes) -> int | None:
    """Where the first WARC or ARC record in `data` ends (its header + declared length), if parseable."""
    if data.startswith(b"WARC/"):
        end = _HEADER_END.search(data)
        if end is None:
            return None
        length = _WARC_LENGTH.search(data, 0, end.start() + 2)
        return end.end() + int(length.group(1)) if length else None
    line_end = data.find(b"\n")
    fields = data[:line_end].split() if line_end > 0 else []
    if len(fields) == 5 and fields[-1].isdigit():
        return line_end + 1 + int(fields[-1])
    return None


def looks_like_archive(head: bytes) -> bool:
    """Whether decompressed bytes start like a WARC record or an ARC header line (empty input passes)."""
    head = head.lstrip(b"\r\n")
    if not head or head.startswith((b"WARC/", b"filedesc://")):
        return True
    first_line = head.split(b"\n", 1)[0]
    return bool(_ARC_LINE.match(first_line))


def sniff_layout(head: bytes, name: str = "") -> tuple[Layout, bytes]:
    """How the archive is stored, and the start of its decompressed bytes, from its first bytes."""
    kind = sniff_compression(head, name)
    if kind is None:
        return "plain", head
    if kind != "gzip":
        return "compressed-file", b""
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(head, _SNIFF_OUTPUT)
    except zlib.error:
        return "members", b"WARC/"  # let the reader report the broken gzip where it is
    end = _first_record_end(out)
    # Per-record gzip: the first member holds exactly one record and a few blank lines. More than that
    # means one member spans many records (whole-file gzip); less, that members are not aligned with
    # records (a record split over members). Both read correctly only as one decompressed stream.
    if end is not None and (out[end:].strip() or (inflater.eof and len(out) < end)):
        return "gzip-file", out
    return "members", out


class GunzipStream(io.RawIOBase):
    """Multi-member gzip decompression that hands out every byte of a truncated stream, then EOF.

    `incomplete` tells afterwards whether the compressed input ended inside a member.
    """

    def __init__(self, raw: BinaryIO) -> None:
        self._raw = raw
        self._inflater: Any = zlib.decompressobj(16 + zlib.MAX_WBITS)
        self._pending = b""
        self._in_member = False
        self.incomplete = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self._pending:
            if not self._fill():
                return 0
        n = min(len(buffer), len(self._pending))
        buffer[:n] = self._pending[:n]
        self._pending = self._pending[n:]
        return n

    def _fill(self) -> bool:
        if self._inflater.eof:  # next member, starting with whatever followed the last one
            data = self._inflater.unused_data
            self._inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
            self._in_member = False
        else:
            data = self._inflater.unconsumed_tail
        data = data or self._raw.read(_READ_SIZE)
        if not self._in_member and not data.strip(b"\x00"):
            data = b"" if not data else self._raw.read(_READ_SIZE)  # NUL padding after the last member
        if not data:
            self.incomplete = self._in_member
            return False
        try:
            self._pending = self._inflater.decompress(data, _READ_SIZE)
        except zlib.error as e:
            raise InputError("warc.bad_gzip", str(e)) from e
        self._in_member = True
        return True


def is_draft(head: bytes) -> bool:
    """Whether decompressed bytes start with a WARC 0.17/0.18 record (ClueWeb09; read by `_warc_draft`)."""
    return head.lstrip(b"\r\n").startswith((b"WARC/0.17", b"WARC/0.18"))


@dataclass
class OpenedArchive:
    stream: BinaryIO
    layout: Layout
    gunzip: GunzipStream | None = None
    draft: bool = False

    def decompressed(self, name: str) -> BinaryIO:
        """The decompressed bytes (per-record gzip members too), for readers that frame records themselves."""
        return decompressed(self.stream, name) if self.layout == "members" else self.stream

    def check_complete(self, name: str) -> None:
        """InputError when a whole-file gzip ended inside a member (after every complete record was read)."""
        if self.gunzip is not None and self.gunzip.incomplete:
            raise InputError("warc.truncated_input", f"{name}: gzip stream ends before its end marker")


def open_archive(stream: BinaryIO, name: str) -> OpenedArchive:
    """The stream warcio should parse and the layout that says what offsets mean.

    Raises InputError("warc.not_an_archive") when the (decompressed) bytes start like neither WARC nor ARC.
    """
    buffered = stream if hasattr(stream, "peek") else io.BufferedReader(stream, SNIFF_BYTES)  # type: ignore[arg-type,type-var]
    layout, head = sniff_layout(buffered.peek(SNIFF_BYTES)[:SNIFF_BYTES], name)
    opened = OpenedArchive(buffered, layout)
    if layout == "gzip-file":
        opened.gunzip = GunzipStream(buffered)
        opened.stream = io.BufferedReader(opened.gunzip, SNIFF_BYTES)  # type: ignore[assignment]
    elif layout == "compressed-file":
        opened.stream = decompressed(buffered, name)
        head = opened.stream.peek(SNIFF_BYTES)[:SNIFF_BYTES]  # type: ignore[attr-defined]
    if not looks_like_archive(head):
        first = head.lstrip().split(b"\n", 1)[0][:80]
        raise InputError("warc.not_an_archive", f"{name}: starts with {first!r}, not a WARC or ARC record")
    opened.draft = is_draft(head)
    return opened
