"""What one WARC/ARC record is, from its headers: type, URL, date, status, content type, and why it is skipped.

These are plain functions over a parsed record (`_warc_stream.Entry`) so that tests can call them on
records they build. Skip and failure reasons are the stable names the manifest counts.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from urllib.parse import urlsplit

from pajama.sources._html import charset_from_content_type
from pajama.sources._warc_stream import Entry

#: record types of the WARC 1.1 standard; anything else is counted as `warc.unknown_type`
WARC_TYPES = frozenset(
    {"warcinfo", "response", "resource", "request", "metadata", "revisit", "conversion", "continuation"}
)
_DIGEST_REASONS = (
    ("block digest failed", "warc.block_digest_mismatch"),
    ("payload digest failed", "warc.payload_digest_mismatch"),
    ("content length mismatch", "warc.content_length_mismatch"),
)


@dataclass(frozen=True, slots=True)
class RecordInfo:
    warc_type: str
    url: str | None
    date: str | None
    record_id: str | None
    http_status: int | None
    has_http: bool
    mime: str | None  # media type without parameters, lower case; None when nothing declares one
    charset: str | None  # from the HTTP (or record) Content-Type header
    truncated: str | None  # WARC-Truncated value
    content_encoding: str | None
    trec_id: str | None = None  # WARC-TREC-ID: the ClueWeb09/12 document id that TREC judgments use


def _media_type(value: str | None) -> tuple[str | None, str | None]:
    if not value:
        return None, None
    mime = value.split(";", 1)[0].strip().lower()
    return (mime or None), charset_from_content_type(value)


def _arc_date(value: str | None) -> str | None:
    if not value or not value.isdigit():
        return None
    from warcio.timeutils import timestamp_to_iso_date

    return str(timestamp_to_iso_date(value[:14]))


def _status(http: object) -> int | None:
    code = http.get_statuscode() if http is not None else None  # type: ignore[attr-defined]
    return int(code) if code and str(code).isdigit() else None


def describe(entry: Entry) -> RecordInfo:
    """The facts about a record that decide what to do with it (headers only: the payload is not read)."""
    record = entry.record
    http = record.http_headers if record.http_headers and record.http_headers.statusline else None
    if entry.is_arc:
        warc_type = "warcinfo" if record.rec_type == "arc_header" else "response"
        url, date, record_id = entry.header("uri"), _arc_date(entry.header("archive-date")), None
        declared = entry.header("content-type")
    else:
        warc_type = (entry.header("WARC-Type") or "").lower()
        url, date = entry.header("WARC-Target-URI"), entry.header("WARC-Date")
        record_id = (entry.header("WARC-Record-ID") or "").strip().strip("<>") or None
        declared = entry.header("Content-Type") if warc_type != "response" else None
    if http is not None:
        declared = http.get_header("Content-Type") or None
    if declared is None or declared.lower().startswith("application/http"):
        declared = entry.header("WARC-Identified-Payload-Type")
    mime, charset = _media_type(declared)
    encoding = http.get_header("Content-Encoding") if http is not None else None
    return RecordInfo(
        warc_type=warc_type,
        url=url,
        date=date,
        record_id=record_id,
        http_status=_status(http),
        has_http=http is not None,
        mime=mime,
        charset=charset,
        truncated=None if entry.is_arc else entry.header("WARC-Truncated"),
        content_encoding=encoding.strip().lower() if encoding else None,
        trec_id=None if entry.is_arc else entry.header("WARC-TREC-ID"),
    )


def content_length_problem(entry: Entry) -> tuple[str, str] | None:
    """(reason, detail) when the declared record length is missing or not a non-negative integer."""
    if getattr(entry, "framed_by_version_lines", False):  # a WARC 0.17/0.18 record: see _warc_draft
        return None
    if getattr(entry, "missing_length", False):  # read as length 0; its bytes are skipped to the next record
        return "warc.missing_content_length", "no Content-Length: the record cannot be delimited"
    name = "length" if entry.is_arc else "Content-Length"
    value = (entry.header(name) or "").strip()
    if not value.isdigit():
        return "warc.bad_content_length", f"{name}: {value!r}"
    return None


def type_skip(info: RecordInfo, wanted: Collection[str]) -> str | None:
    """`warc.<type>` for a record type that is not a document in this reader."""
    if info.warc_type in wanted:
        return None
    return f"warc.{info.warc_type}" if info.warc_type in WARC_TYPES else "warc.unknown_type"


def status_skip(info: RecordInfo) -> str | None:
    """Response records count only with HTTP status 200."""
    if info.warc_type != "response":
        return None
    status = info.http_status
    if status is None:
        return "warc.http_missing_status"
    if status == 200:
        return None
    if 300 <= status < 400:
        return "warc.http_redirect"
    if 400 <= status < 500:
        return "warc.http_client_error"
    if 500 <= status < 600:
        return "warc.http_server_error"
    return "warc.http_status_other"


def supported_content_encoding(info: RecordInfo) -> bool:
    if info.content_encoding in (None, "", "identity"):
        return True
    from warcio.bufferedreaders import BufferedReader

    return info.content_encoding in BufferedReader.get_supported_decompressors()


def sniff_mime(payload: bytes) -> str:
    """For records that declare no content type: HTML when the payload looks like HTML."""
    head = payload[:1024].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")) or b"<html" in head:
        return "text/html"
    return "application/octet-stream"


def digest_reason(problems: list[str]) -> str:
    text = " ".join(problems)
    for needle, reason in _DIGEST_REASONS:
        if needle in text:
            return reason
    return "warc.digest_unverifiable"  # e.g. an unknown hash algorithm


def parse_warcinfo(payload: bytes) -> dict[str, str]:
    """The `name: value` fields of a warcinfo record (application/warc-fields)."""
    fields: dict[str, str] = {}
    for line in payload.decode("utf-8", "replace").splitlines():
        name, sep, value = line.partition(":")
        if sep and name.strip():
            fields.setdefault(name.strip().lower(), value.strip())
    return fields


def domain_of(url: str | None) -> str | None:
    """The URL's host name, lower case, without port or trailing dot."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host.rstrip(".") if host else None
