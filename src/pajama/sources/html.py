"""`html` reader: saved HTML pages without a WARC around them (a folder, a tar or zip archive, or one file).

For WARC-less crawls and page dumps (`wget --mirror`, "save page" folders, DCLM-style archives of pages).
One document per page; the same decoding, element budget, extractors and language id as the `warc`
reader (`_html_page`), so a page gives the same text whichever way it was stored.

* Which members are pages: names ending in `suffixes`, or names without a suffix whose bytes start like
  HTML. Anything else is skipped as `html.not_html`; archive members that are unsafe or unreadable (links,
  `..` paths, too large, corrupt) keep `pajama.archives`' reasons.
* The URL (meta.url, and meta.url_source saying where it came from), first found of:
  `sidecar` - a JSON file beside the page named `<page>.json` or `<page stem>.json` with a "url" field
  (counted as `html.sidecar` when read, `html.bad_sidecar` when it is not such JSON);
  `canonical` - the page's `<link rel="canonical" href>`; `base` - its `<base href>`. Only absolute
  http(s) URLs count (a relative canonical is resolved against the base). Otherwise url is None.
* Identity: the locator is the member's path (`{"member": ...}` in an archive, `{"path": ...}` in a
  folder, `{}` for a single-file input), so ids come from the input's name and that path.
"""

from __future__ import annotations

import io
import json
import os
import posixpath
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, cast
from urllib.parse import urljoin, urlsplit

from pajama.archives import ArchiveLimits, Member, iter_members, sniff_archive
from pajama.errors import InputError
from pajama.record import Doc, ReadItem, Skip
from pajama.registry import register_reader
from pajama.sources._html import decode_html
from pajama.sources._html_page import LanguageTagging, PageExtraction, PageText
from pajama.sources._warc_record import domain_of
from pajama.storage import InputFile, decompressed, walk_files

ARCHIVE_SUFFIXES = (".tar", ".tar.gz", ".tgz", ".tar.bz2", ".tbz2", ".tar.xz", ".txz", ".tar.zst", ".zip")
SIDECAR_SUFFIX = ".json"


@register_reader("html")
@dataclass(frozen=True, kw_only=True)
class HtmlReader(LanguageTagging, PageExtraction):
    """Saved HTML pages in a folder or a tar/zip archive (or one page file): main text, url, language."""

    accepts_dirs: ClassVar[bool] = True

    suffixes: tuple[str, ...] = (".html", ".htm", ".xhtml", ".shtml")
    max_page_bytes: int = 8 << 20  # a larger page is skipped (`archive.member_too_large` / `html.too_large`)

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        if inp.is_dir:
            yield from self._read_folder(inp)
            return
        stream = cast(io.BufferedReader, inp.open())
        head = stream.peek(1024)[:1024]
        if inp.name.lower().endswith(ARCHIVE_SUFFIXES) or sniff_archive(head, inp.name) in ("zip", "tar"):
            yield from self._read_archive(stream, inp.name)
            return
        data = decompressed(stream, inp.name, max_bytes=self.max_page_bytes + 1).read(self.max_page_bytes + 1)
        yield self.page(data, {}, None)

    # --------------------------------------------------------------------------------------- one page

    def page(self, data: bytes, locator: dict[str, Any], sidecar_url: str | None) -> ReadItem:
        """The document (or skip/failure) for one page's bytes."""
        if len(data) > self.max_page_bytes:
            return Skip("html.too_large", locator, f"page over {self.max_page_bytes} bytes")
        html, codec, charset_source = decode_html(data, None)
        url, url_source = (sidecar_url, "sidecar") if sidecar_url else url_in_page(html)
        found = self.extract_decoded(html, url, locator, "html", charset=(codec, charset_source))
        if not isinstance(found, PageText):
            return found
        meta = {"url": url, "url_source": url_source, "domain": domain_of(url), "date": None}
        meta.update(content_type="text/html", **found.meta, **self.tag_meta(found.text))
        return Doc(found.text, meta, locator)

    def is_page(self, path: str, data: bytes | None) -> bool:
        name = posixpath.basename(path).lower()
        if name.endswith(self.suffixes):
            return True
        return "." not in name and data is not None and looks_like_html(data)

    # ---------------------------------------------------------------------------------------- archives

    def _read_archive(self, stream: Any, name: str) -> Iterator[ReadItem]:
        """Members in archive order; a page waits one member so that a sidecar stored after it is found."""
        limits = ArchiveLimits(max_member_bytes=self.max_page_bytes)
        sidecars: dict[str, str | None] = {}  # sidecar path -> its url (None: not usable)
        waiting: Member | None = None
        for member in iter_members(stream, name, limits=limits):
            if member.data is not None and member.path.lower().endswith(SIDECAR_SUFFIX):
                sidecars[member.path] = sidecar_url(member.data)
                yield Skip("html.sidecar" if sidecars[member.path] else "html.bad_sidecar", {"member": member.path})
                continue
            if waiting is not None:
                yield self._archive_page(waiting, sidecars)
                waiting = None
            if member.data is None:
                yield Skip(member.skip_reason or "archive.unreadable_member", {"member": member.path})
            elif not self.is_page(member.path, member.data):
                yield Skip("html.not_html", {"member": member.path})
            else:
                waiting = member
        if waiting is not None:
            yield self._archive_page(waiting, sidecars)

    def _archive_page(self, member: Member, sidecars: dict[str, str | None]) -> ReadItem:
        url = next((sidecars[p] for p in sidecar_names(member.path) if sidecars.get(p)), None)
        return self.page(member.data or b"", {"member": member.path}, url)

    # ----------------------------------------------------------------------------------------- folders

    def _read_folder(self, inp: InputFile) -> Iterator[ReadItem]:
        root = inp.local_path
        if root is None:
            raise InputError("html.remote_folder", f"{inp.uri}: folder inputs must be local")
        for rel in sorted(walk_files(root)):
            path = rel.replace(os.sep, "/")
            full = os.path.join(root, rel)
            locator = {"path": path}
            if os.path.islink(full):  # never follow a link out of the input
                yield Skip("archive.symlink", locator)
            elif path.lower().endswith(SIDECAR_SUFFIX):
                yield Skip("html.sidecar" if sidecar_url(_read(full, 1 << 20)) else "html.bad_sidecar", locator)
            elif os.path.getsize(full) > self.max_page_bytes:
                yield Skip("html.too_large", locator, f"page over {self.max_page_bytes} bytes")
            elif not self.is_page(path, _read(full, 1024)):
                yield Skip("html.not_html", locator)
            else:
                urls = (sidecar_url(_read(os.path.join(root, *p.split("/")), 1 << 20)) for p in sidecar_names(path))
                yield self.page(_read(full, self.max_page_bytes + 1), locator, next((u for u in urls if u), None))

    # ------------------------------------------------------------------------------------------ reread

    def reread(self, path: str, locator: dict[str, Any]) -> Any:
        """The page's raw bytes as stored (for `pajama manifest trace`): a member, a folder file, the file."""
        from pajama.raw import RawRecord, reread_file

        raw = reread_file(path, locator)
        return RawRecord("html page", raw.text, raw.fields)


def _read(path: str, limit: int) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(limit)
    except OSError:
        return b""


def looks_like_html(data: bytes) -> bool:
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith((b"<!doctype html", b"<html", b"<head", b"<!--")) or b"<html" in head


def sidecar_names(page_path: str) -> tuple[str, str]:
    """`a/b.html.json` and `a/b.json` for `a/b.html`."""
    return page_path + SIDECAR_SUFFIX, posixpath.splitext(page_path)[0] + SIDECAR_SUFFIX


def sidecar_url(data: bytes) -> str | None:
    """The absolute http(s) "url" of a sidecar JSON object, else None."""
    try:
        value = json.loads(data)
    except (ValueError, UnicodeError):
        return None
    url = value.get("url") if isinstance(value, dict) else None
    return url if isinstance(url, str) and _absolute(url) else None


def _absolute(url: str) -> bool:
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def url_in_page(html: str) -> tuple[str | None, str | None]:
    """(url, "canonical" | "base") from the page's own `<link rel=canonical>` or `<base href>`, else (None, None)."""
    from resiliparse.parse.html import HTMLTree

    document = HTMLTree.parse(html).document
    if document is None:
        return None, None
    base_el = document.query_selector("base[href]")
    base = (base_el.getattr("href") or "").strip() if base_el is not None else ""
    base = base if _absolute(base) else ""
    for link in document.query_selector_all("link[rel][href]"):
        if "canonical" in (link.getattr("rel") or "").lower().split():
            href = urljoin(base, (link.getattr("href") or "").strip()) if base else (link.getattr("href") or "").strip()
            if _absolute(href):
                return href, "canonical"
    return (base, "base") if base else (None, None)
