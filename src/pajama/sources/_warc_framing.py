"""Record framing that survives the WARCs real collections wrote: ClueWeb09's headers, wrong lengths.

warcio parses each record; these pieces sit around it (WARC 0.17/0.18 files are framed by `_warc_draft`,
which uses the header parser below):

* `TolerantHeaderParser` reads a WARC 0.17/0.18 header as ClueWeb09 wrote some of them: a blank line
  inside the header before `Content-Length` (the header goes on when the next line is a WARC field), and
  a `WARC-Target-URI` whose URL held a raw line break (the next line has no `name:` and continues the
  URL). A header of any version without Content-Length gets length 0 and is flagged (`missing_length`),
  so its bytes become the junk below instead of swallowing the rest of the file.
* `RecoveringIterator` replaces warcio's "Record not followed by newline" warning on stderr: bytes
  between a record's declared end and the next `WARC/x.y` line are counted (`junk_bytes`, which fails
  that record as `warc.content_length_mismatch`) and reading resumes at the version line.
* warcio's remaining writes to stderr (a body that stops decompressing) go to this module's log.
"""

from __future__ import annotations

import io
import logging
import re
import types
from typing import Any

log = logging.getLogger(__name__)

VERSION_LINE = re.compile(rb"^WARC/(0\.1[78]|1\.[01])\r?\n?$")  # the versions warcio parses
_WARC_FIELD = re.compile(r"^(WARC-[A-Za-z0-9-]+|Content-Length|Content-Type)[ \t]*:", re.IGNORECASE)


def unread(reader: Any, data: bytes) -> None:
    """Put `data` back in front of what warcio's buffered reader hands out next (offsets stay right)."""
    if not data:
        return
    pos = reader.buff.tell() if reader.buff is not None else 0
    if pos >= len(data):  # the usual case: the line was just read from this buffer, so step back over it
        with reader.buff.getbuffer() as view:
            just_read = view[pos - len(data) : pos] == data
        if just_read:
            reader.buff.seek(pos - len(data))
            return
    rest = reader.buff.read() if reader.buff is not None else b""
    reader.buff = io.BytesIO(data + rest)
    reader.buff_size = len(data) + len(rest)


class _RepairedLines:
    """The header lines of one WARC record, with ClueWeb09's two header quirks undone."""

    def __init__(self, stream: Any) -> None:
        self.stream = stream
        self.seen_length = False

    def readline(self, length: int | None = None) -> bytes:
        line: bytes = self.stream.readline()
        if line.strip() and not self.seen_length:
            self.seen_length = line.split(b":", 1)[0].strip().lower() == b"content-length"
        if line.lower().startswith(b"warc-target-uri:"):
            return self._join_broken_uri(line)
        if line.strip() or self.seen_length or not line:
            return line
        following = self.stream.readline()
        if _WARC_FIELD.match(following.decode("latin-1")):
            return self.readline_from(following)
        unread(self.stream, following)
        return line

    def readline_from(self, line: bytes) -> bytes:
        unread(self.stream, line)
        return self.readline()

    def _join_broken_uri(self, line: bytes) -> bytes:
        following = self.stream.readline()
        if following.strip() and b":" not in following and not following.startswith((b" ", b"\t")):
            return line.rstrip(b"\r\n") + following.strip() + b"\n"
        unread(self.stream, following)
        return line


def tolerant_header_parser() -> Any:
    from warcio.recordloader import ArcWarcRecordLoader
    from warcio.statusandheaders import StatusAndHeadersParser

    class TolerantHeaderParser(StatusAndHeadersParser):  # type: ignore[misc]
        def parse(self, stream: Any, full_statusline: Any = None) -> Any:
            if full_statusline is None:
                full_statusline = stream.readline()
            if not full_statusline.startswith(b"WARC/0.1"):  # the quirks are ClueWeb09's: draft versions only
                headers = super().parse(stream, full_statusline)
            else:
                lines = _RepairedLines(stream)
                headers = super().parse(lines, full_statusline)
            headers.missing_length = headers.get_header("Content-Length") is None
            if headers.missing_length:
                headers.add_header("Content-Length", "0")  # delimit nothing; the body becomes junk
            return headers

    return TolerantHeaderParser(ArcWarcRecordLoader.WARC_TYPES)


def recovering_iterator(stream: Any, *, check_digests: bool) -> Any:
    from warcio.archiveiterator import ArchiveIterator

    class RecoveringIterator(ArchiveIterator):  # type: ignore[misc]
        junk_bytes = 0  # bytes between the last record's declared end and the next version line

        def _consume_blanklines(self) -> tuple[bytes | None, int]:
            self.junk_bytes = 0
            if self.known_format == "arc":
                return self._arc_blanklines()
            blank = 0
            while line := self.reader.readline():
                if VERSION_LINE.match(line):
                    return line, blank
                if not line.strip() and not self.junk_bytes:
                    blank += len(line)
                else:
                    self.junk_bytes += len(line)
            return None, blank

        def _arc_blanklines(self) -> tuple[bytes | None, int]:
            """As warcio reads ARC: one line after the record is consumed even when it is not blank."""
            blank, first = 0, True
            while line := self.reader.readline():
                if line.strip() and not first:
                    return line, blank
                if line.strip():
                    log.warning("ARC record not followed by a newline (is its length wrong?): %r", line[:80])
                    self.junk_bytes = len(line)
                blank, first = blank + len(line), False
            return None, blank

    return RecoveringIterator(stream, check_digests=check_digests)


class _StderrToLog:
    def write(self, text: str) -> int:
        if text.strip():
            log.warning("warcio: %s", text.strip())
        return len(text)

    def flush(self) -> None:
        pass


def route_warcio_stderr() -> None:
    """warcio writes some warnings straight to sys.stderr; send them to the log instead (idempotent)."""
    import warcio.bufferedreaders
    import warcio.digestverifyingreader

    for module in (warcio.bufferedreaders, warcio.digestverifyingreader):
        if not isinstance(module.sys, types.SimpleNamespace):
            module.sys = types.SimpleNamespace(stderr=_StderrToLog())  # type: ignore[attr-defined]
