"""Common Crawl readers: `warc` (HTML responses, extracted), `wet` (extracted text records), `arc` (legacy ARC).

Every record of an input ends as exactly one Doc, Skip or Failure, or as the one InputError that ends the
input (after everything before it was yielded), so `records = documents + skipped + errors` holds:

* Skip: warcinfo (read for meta.crawl), request, metadata, revisit, conversion/response where not wanted
  (`warc.<type>`); HTTP status other than 200 (`warc.http_redirect`, `warc.http_client_error`, ...);
  content types not in `content_types` (`warc.content_type`); WARC-Truncated records (`warc.truncated`,
  unless `keep_truncated`); payloads over `max_record_bytes` (`warc.too_large`); pages with more than
  `max_html_nodes` elements (`warc.too_many_nodes`); pages with no main text (`warc.extract_empty`).
* Failure: a Content-Length that is not a number or is missing (`warc.bad_content_length`,
  `warc.missing_content_length`) or that does not end at a record boundary (`warc.content_length_mismatch`),
  after which reading resumes at the next `WARC/x.y` line; a WARC-Block-Digest or WARC-Payload-Digest that
  does not match (`warc.block_digest_mismatch`, `warc.payload_digest_mismatch`), verified by default on
  every record (WARC 0.17/0.18: a payload digest over the whole block also verifies); an HTTP body that
  cannot be de-chunked or decompressed (`warc.bad_http_encoding`, `warc.unsupported_content_encoding`);
  an extractor error, or the last-resort wall-clock guard (`warc.extract_timeout`, not reproducible).
* InputError: bytes that are not an archive, a file that ends inside a record, broken gzip, a header
  line over 1 MiB (see `_warc_stream`).

ClueWeb09 (WARC/0.18) and ClueWeb12 files are read as written: WARC 0.17/0.18 files are delimited by their
version lines (`_warc_draft`), header quirks are repaired (`_warc_framing`); their documents carry
meta.trec_id (WARC-TREC-ID).

Documents carry meta.url, domain, date (WARC-Date), crawl (warcinfo isPartOf), content_type, charset,
language, language_score, language_model, extractor {name, version}, and license when the `license`
option names one; the locator holds the record's byte offset and WARC-Record-ID, and
`read_record_at(uri, offset)` re-reads the raw record. Doc.key is the WARC-Record-ID when the record has
one (ARC records do not; a repeated id within a file is dropped from the key).

WET files whose Content-Length values do not match their bodies (hand-made test files such as cc_net's
sample) are damaged by the WARC standard's rules: by default they end in `warc.malformed_header` after
the records that could be delimited. `lenient: true` on the `wet` reader splits records at `WARC/1.x` lines
instead, as cc_net does; digests are then not checked (the lengths they cover are not known).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pajama import raw
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.registry import register_reader
from pajama.sources import _warc_record as rec
from pajama.sources._html_page import LanguageTagging, PageExtraction, PageText
from pajama.sources._warc_lenient import iter_lenient_entries
from pajama.sources._warc_stream import Entry, Payload, RawRecord, iter_entries, read_record_at
from pajama.storage import InputFile

__all__ = ["ArcReader", "RawRecord", "WarcReader", "WetReader", "read_record_at"]

log = logging.getLogger(__name__)


@dataclass
class _FileState:
    """What earlier records of the same file told us (the warcinfo record's fields)."""

    warcinfo: dict[str, str] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)

    @property
    def crawl(self) -> str | None:
        return self.warcinfo.get("ispartof")


@dataclass(frozen=True, kw_only=True)
class _ArchiveReader(LanguageTagging):
    """Shared record loop: classify by headers, read the payload only when needed, verify, then build."""

    accepts_dirs: ClassVar[bool] = False
    wanted_types: ClassVar[tuple[str, ...]] = ()

    verify_digests: bool = True
    max_record_bytes: int = 8 << 20
    keep_truncated: bool = False

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        state = _FileState()
        for entry in self._entries(inp):
            item = self._process(entry, state)
            if isinstance(item, Doc) and item.key is not None:
                if item.key in state.keys:  # a repeated WARC-Record-ID (a broken file) is no identity:
                    item.key = None  # the id then comes from the input name and offset
                else:
                    state.keys.add(item.key)
            yield item

    def reread(self, path: str, locator: dict[str, Any]) -> raw.RawRecord:
        """The record at {offset}, checked against {record_id} when recorded, for `pajama manifest trace`."""
        record = read_record_at(path, int(locator["offset"]), max_bytes=raw.MAX_RAW_BYTES)
        headers = dict(record.headers)
        record_id = headers.get("WARC-Record-ID")
        wanted = locator.get("record_id")
        if wanted and record_id and record_id.strip("<>") != str(wanted).strip("<>"):
            raise LookupError(f"the record at offset {locator['offset']} is {record_id}, not {wanted}")
        text, encoding = raw.decode(record.payload)
        fields = {"offset": record.offset, "warc_type": record.warc_type, "headers": headers, "encoding": encoding}
        if record.http_status is not None:
            fields["http_status"] = record.http_status
            fields["http_headers"] = dict(record.http_headers)
        return raw.RawRecord("warc record", text, fields)

    def _entries(self, inp: InputFile) -> Iterator[Entry]:
        return iter_entries(inp.open(), inp.name, verify_digests=self.verify_digests)

    def _record_types(self) -> tuple[str, ...]:
        return self.wanted_types

    def _process(self, entry: Entry, state: _FileState) -> ReadItem:
        info = rec.describe(entry)
        locator = {"offset": entry.offset, "record_id": info.record_id}
        bad_length = rec.content_length_problem(entry)
        skip = self._skip(info) if bad_length is None else None
        payload = Payload(b"", False, None)
        try:
            if bad_length is None and (skip is None or info.warc_type == "warcinfo"):
                payload = entry.read_payload(self.max_record_bytes)
            problems = entry.finish()  # raises InputError when the file ends inside this record
        except (ValueError, TypeError) as e:  # warcio decoding a digest value it cannot parse (binascii.Error)
            return Failure("warc.digest_unverifiable", locator, f"{type(e).__name__}: {e}"[:300])
        if bad_length is not None:
            return Failure(bad_length[0], locator, bad_length[1])
        if problems:
            return Failure(rec.digest_reason(problems), locator, "; ".join(problems))
        if info.warc_type == "warcinfo":
            state.warcinfo.update(rec.parse_warcinfo(payload.data))
        if skip is not None:
            return Skip(skip[0], locator, skip[1])
        if payload.encoding_problem and not self._usable_anyway(payload, info):
            return Failure("warc.bad_http_encoding", locator, payload.encoding_problem)
        if payload.overflow:
            return Skip("warc.too_large", locator, f"payload over {self.max_record_bytes} bytes")
        return self._document(info, payload.data, locator, state)

    @staticmethod
    def _usable_anyway(payload: Payload, info: rec.RecordInfo) -> bool:
        """A body mislabelled as compressed that is plain HTML, or a cut-off body of a WARC-Truncated record."""
        if payload.passed_through:
            return rec.sniff_mime(payload.data) == "text/html"
        return info.truncated is not None

    def _skip(self, info: rec.RecordInfo) -> tuple[str, str] | None:
        """(reason, detail) when the headers already say this record is not a document."""
        reason = rec.type_skip(info, self._record_types())
        if reason is not None:
            return reason, info.warc_type
        if info.truncated and not self.keep_truncated:
            return "warc.truncated", f"WARC-Truncated: {info.truncated}"
        return None

    def _document(self, info: rec.RecordInfo, payload: bytes, locator: dict[str, Any], state: _FileState) -> ReadItem:
        raise NotImplementedError

    def _meta(self, info: rec.RecordInfo, text: str, state: _FileState, **extra: Any) -> dict[str, Any]:
        return {
            "url": info.url,
            "domain": rec.domain_of(info.url),
            "date": info.date,
            "crawl": state.crawl,
            **({"trec_id": info.trec_id} if info.trec_id else {}),
            **extra,
            **self.tag_meta(text),
        }


@register_reader("warc")
@dataclass(frozen=True, kw_only=True)
class WarcReader(_ArchiveReader, PageExtraction):
    """WARC (and ARC) files: HTTP 200 HTML responses, main text extracted by trafilatura or resiliparse."""

    content_types: tuple[str, ...] = ("text/html", "application/xhtml+xml")
    record_types: tuple[str, ...] = ("response", "resource")

    def _record_types(self) -> tuple[str, ...]:
        return self.record_types

    def _skip(self, info: rec.RecordInfo) -> tuple[str, str] | None:
        found = super()._skip(info)
        if found is not None:
            return found
        status = rec.status_skip(info)
        if status is not None:
            return status, str(info.http_status)
        if info.mime is not None and info.mime not in self.content_types:
            return "warc.content_type", info.mime
        return None

    def _document(self, info: rec.RecordInfo, payload: bytes, locator: dict[str, Any], state: _FileState) -> ReadItem:
        mime = info.mime or rec.sniff_mime(payload)
        if mime not in self.content_types:
            return Skip("warc.content_type", locator, mime)
        if not rec.supported_content_encoding(info):
            return Failure("warc.unsupported_content_encoding", locator, str(info.content_encoding))
        page = self.extract_page(payload, info.charset, info.url, locator, "warc")
        if not isinstance(page, PageText):
            return page
        meta = self._meta(info, page.text, state, content_type=mime, **page.meta)
        return Doc(page.text, meta, locator, key=info.record_id)


@register_reader("arc")
@dataclass(frozen=True, kw_only=True)
class ArcReader(WarcReader):
    """Legacy ARC v1 files (Common Crawl 2008-2012); the same record handling as `warc`."""


@register_reader("wet")
@dataclass(frozen=True, kw_only=True)
class WetReader(_ArchiveReader):
    """WET files: each `conversion` record's text is a document (no HTML extraction)."""

    wanted_types: ClassVar[tuple[str, ...]] = ("conversion",)
    lenient: bool = False

    def _entries(self, inp: InputFile) -> Iterator[Entry]:
        if self.lenient:
            return iter_lenient_entries(inp.open(), inp.name)  # type: ignore[return-value]
        return iter_entries(inp.open(), inp.name, verify_digests=self.verify_digests)

    def _document(self, info: rec.RecordInfo, payload: bytes, locator: dict[str, Any], state: _FileState) -> ReadItem:
        text = payload.decode("utf-8", "replace").strip()
        if not text:
            return Skip("warc.extract_empty", locator, "empty conversion record")
        software = state.warcinfo.get("software-info") or state.warcinfo.get("software") or "unknown"
        extractor = {"name": "wet", "version": software}
        meta = self._meta(info, text, state, content_type=info.mime or "text/plain", extractor=extractor)
        return Doc(text, meta, locator, key=info.record_id)
