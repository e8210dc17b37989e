"""MediaWiki XML dumps (`reader: wikipedia`): pages-articles .xml / .xml.bz2 / multistream .bz2, any language.

The dump is streamed: defusedxml's iterparse (no entity expansion, no external resources) over a text
stream decoded by this module (BOM, then the XML declaration, then UTF-8), each page element cleared
once read, so memory holds one page. One page is one record: a Doc, or Skip("wiki.namespace" |
"wiki.redirect" | "wiki.disambiguation" | "wiki.not_wikitext" | "wiki.too_large" | "wiki.empty" |
"wiki.too_short"), or Failure("wiki.parse_error"). A dump cut short yields its complete pages, then InputError.

License (`license: by_date`, the default): the Wikimedia license in force on the day the page's revision was
saved (pajama.licenses.wikimedia: GFDL until 2009-06-14, CC BY-SA 3.0 from 2009-06-15, CC BY-SA 4.0 from
2023-06-07), with the date and where it came from in meta.license_evidence. The revision's <timestamp> decides
because it is the date of that very text, it is in every page of every export format, and it cannot be lost by
renaming the file; the date in the dump's file name (enwiki-20230601-...) is the fallback for a page without a
timestamp. <siteinfo> carries no date. A page with neither is LicenseRef-unknown. Any other value of `license`
(an SPDX expression) labels every page of a wiki that is not a Wikimedia project.
"""

from __future__ import annotations

import codecs
import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO, ClassVar, Literal, cast
from urllib.parse import quote
from xml.etree.ElementTree import Element, ParseError

from pajama.errors import InputError
from pajama.licenses import wikimedia
from pajama.raw import RawRecord
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.registry import register_reader
from pajama.storage import InputFile, decompressed

from . import _wikitext

log = logging.getLogger(__name__)

DISAMBIGUATION_TEMPLATES = (
    "disambiguation",
    "disambig",
    "dab",
    "disamb",
    "hndis",
    "geodis",
    "mathdab",
    "numberdis",
    "letter-numbercombdisambig",
    "school disambiguation",
    "hospital disambiguation",
    "species latin name disambiguation",
    "airport disambiguation",
)
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)
_DECLARED = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_TRUNCATED_CODES = {3, 5, 6}  # expat: no element found, unclosed token, partial character
_DBNAME = re.compile(r"^([a-z_]+?)(?:wiki|wiktionary|wikibooks|wikinews|wikiquote|wikisource|wikiversity|wikivoyage)$")
_NOT_LANGUAGES = {"commons", "meta", "species", "wikidata", "mediawiki", "incubator", "outreach", "sources"}


def text_stream(raw: BinaryIO) -> io.TextIOWrapper:
    """The dump as text: the encoding from a BOM, else from the XML declaration, else UTF-8."""
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, raw))
    head = buffered.peek(256)[:256]
    encoding = "utf-8"
    for bom, name in _BOMS:
        if head.startswith(bom):
            encoding = name
            break
    else:
        m = _DECLARED.match(head.lstrip())
        if m:
            encoding = m.group(1).decode("ascii")
    try:
        codecs.lookup(encoding)
    except LookupError as e:
        raise InputError("wiki.unknown_encoding", f"XML declares encoding {encoding!r}") from e
    # bad bytes become U+FFFD rather than losing the rest of the dump
    return io.TextIOWrapper(buffered, encoding=encoding, errors="replace", newline="")


@dataclass
class SiteInfo:
    dbname: str | None = None
    base: str | None = None
    lang: str | None = None
    namespaces: dict[int, str] = field(default_factory=dict)
    names: _wikitext.WikiNames = field(default_factory=_wikitext.WikiNames)
    dump_day: str | None = None  # the date in the dump's file name, if it has one

    @property
    def language(self) -> str | None:
        if self.lang:
            return self.lang
        m = _DBNAME.match(self.dbname or "")
        if m and m.group(1) not in _NOT_LANGUAGES:
            return m.group(1).replace("_", "-")
        host = re.match(r"^https?://([a-z0-9-]+)\.", self.base or "")
        return host.group(1) if host else None

    def url(self, title: str) -> str | None:
        if not self.base or "/" not in self.base:
            return None
        return self.base.rsplit("/", 1)[0] + "/" + quote(title.replace(" ", "_"), safe=";@$!*(),/~:")

    def namespace_of(self, title: str) -> int:
        prefix, sep, _ = title.partition(":")
        if sep:
            for key, name in self.namespaces.items():
                if name and name.lower() == prefix.strip().lower():
                    return key
        return 0


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(elem: Element, name: str) -> Element | None:
    for c in elem:
        if _local(c.tag) == name:
            return c
    return None


def _child_text(elem: Element | None, name: str) -> str | None:
    c = _child(elem, name) if elem is not None else None
    return c.text if c is not None else None


def _siteinfo(elem: Element, site: SiteInfo) -> None:
    site.dbname = _child_text(elem, "dbname")
    site.base = _child_text(elem, "base")
    spaces = _child(elem, "namespaces")
    for ns in spaces if spaces is not None else ():
        try:
            site.namespaces[int(ns.get("key", ""))] = (ns.text or "").strip()
        except ValueError:
            continue
    site.names = _wikitext.WikiNames.from_siteinfo(site.namespaces, site.language)


@dataclass(frozen=True)
class Page:
    title: str
    ns: int
    page_id: str | None
    revision_id: str | None
    timestamp: str | None
    text: str
    model: str | None
    redirect: bool


def read_page(elem: Element, site: SiteInfo) -> Page:
    """The fields of one <page> element; the last <revision> is the current text."""
    title = _child_text(elem, "title") or ""
    ns_text = _child_text(elem, "ns")
    ns = int(ns_text) if ns_text and ns_text.strip().lstrip("-").isdigit() else site.namespace_of(title)
    revisions = [c for c in elem if _local(c.tag) == "revision"]
    rev = revisions[-1] if revisions else None
    text = _child_text(rev, "text") or ""
    return Page(
        title=title,
        ns=ns,
        page_id=(_child_text(elem, "id") or "").strip() or None,
        revision_id=(_child_text(rev, "id") or "").strip() or None,
        timestamp=_child_text(rev, "timestamp"),
        text=text,
        model=_child_text(rev, "model"),
        redirect=_child(elem, "redirect") is not None or _wikitext.is_redirect(text),
    )


@register_reader("wikipedia")
@dataclass(frozen=True, kw_only=True)
class WikipediaReader:
    """MediaWiki XML dump -> one plain-text document per article."""

    accepts_dirs: ClassVar[bool] = False

    namespaces: tuple[int, ...] = (0,)
    """Namespaces kept (0 = articles); pages of others are skipped as wiki.namespace."""
    disambiguation: Literal["skip", "keep"] = "skip"
    disambiguation_templates: tuple[str, ...] = DISAMBIGUATION_TEMPLATES
    """Templates (lowercase, no `Template:` prefix) marking a disambiguation page, besides __DISAMBIG__."""
    tables: bool = False
    """Keep the text of table cells (tables are removed by default)."""
    license: str = "by_date"
    """`by_date`: the Wikimedia license on the revision's date (module docstring); else an SPDX expression."""
    too_short: int = 0
    """Pages whose plain text has fewer UTF-8 bytes than this are skipped as wiki.too_short (stubs; 100 drops
    one-line stubs such as "Kipra — vaļsteiba Europā."). Bytes, not characters, so that a script of 3-byte
    characters (CJK, where one character is about a word) is not judged by the length of alphabetic text.
    Off (0) by default, as in the HuggingFace `wikipedia` builder that RedPajama v1 used, which keeps them."""
    max_page_chars: int = 5_000_000
    """Pages with more wikitext are skipped as wiki.too_large (bounds parser time and memory)."""
    max_input_bytes: int = 1 << 40
    """Cap on the decompressed size of one dump (the whole English multistream dump is ~100 GB)."""

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord:
        """The wikitext of page {page_id} (at {revision_id} when the dump repeats the page), for trace."""
        from pajama.sources._wiki_reread import wiki_page

        text, fields = wiki_page(path, str(locator["page_id"]), locator.get("revision_id"))
        return RawRecord("wiki page (wikitext)", text, fields)

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        from defusedxml import DefusedXmlException
        from defusedxml.ElementTree import iterparse

        stream = text_stream(decompressed(inp.open(), inp.name, max_bytes=self.max_input_bytes))
        site = SiteInfo(dump_day=wikimedia.day_in_name(inp.name))
        root: Element | None = None
        try:
            for event, elem in iterparse(stream, events=("start", "end")):
                if root is None:
                    root = elem
                    site.lang = elem.get("{http://www.w3.org/XML/1998/namespace}lang")
                    site.names = _wikitext.WikiNames.from_siteinfo({}, site.language)  # until a siteinfo says more
                if event != "end":
                    continue
                tag = _local(elem.tag)
                if tag == "siteinfo":
                    _siteinfo(elem, site)
                    root.clear()
                elif tag == "page":
                    yield self.page_item(read_page(elem, site), site)
                    root.clear()  # the page is done: keep memory to one page
        except ParseError as e:
            code = getattr(e, "code", None)
            reason = "wiki.truncated" if code in _TRUNCATED_CODES else "wiki.malformed_xml"
            raise InputError(reason, f"{inp.name}: {e}") from e
        except DefusedXmlException as e:
            raise InputError("wiki.unsafe_xml", f"{inp.name}: {e}") from e

    def page_item(self, page: Page, site: SiteInfo) -> ReadItem:
        locator = {"page_id": page.page_id, "revision_id": page.revision_id}
        if page.ns not in self.namespaces:
            return Skip("wiki.namespace", locator)
        if page.redirect:
            return Skip("wiki.redirect", locator)
        if page.model not in (None, "wikitext"):
            return Skip("wiki.not_wikitext", locator, page.model)
        if len(page.text) > self.max_page_chars:
            return Skip("wiki.too_large", locator, f"{len(page.text)} characters")
        try:
            code = _wikitext.parse(page.text)
            if self.disambiguation == "skip" and self._is_disambiguation(page.text, code):
                return Skip("wiki.disambiguation", locator)
            text = _wikitext.to_text(code, names=site.names, tables=self.tables, language=site.language)
        except (RecursionError, ValueError) as e:
            return Failure("wiki.parse_error", locator, f"{type(e).__name__}: {e}")
        if not text:
            return Skip("wiki.empty", locator)
        if len(text.encode("utf-8")) < self.too_short:
            return Skip("wiki.too_short", locator, f"{len(text)} characters")
        return Doc(text=text, meta=self._meta(page, site), locator=locator, key=self._key(page, site))

    def _is_disambiguation(self, text: str, code: Any) -> bool:
        if "__DISAMBIG__" in text:
            return True
        return not _wikitext.template_names(code).isdisjoint(self.disambiguation_templates)

    def _meta(self, page: Page, site: SiteInfo) -> dict[str, Any]:
        meta: dict[str, Any] = {
            "title": page.title,
            "page_id": int(page.page_id) if page.page_id and page.page_id.isdigit() else page.page_id,
            "revision_id": int(page.revision_id) if page.revision_id and page.revision_id.isdigit() else None,
            "timestamp": page.timestamp,
            "language": site.language,
            **self._license(page, site),
            "namespace": page.ns,
        }
        url = site.url(page.title)
        if url:
            meta["url"] = url
        if site.dbname:
            meta["dbname"] = site.dbname
        return meta

    def _license(self, page: Page, site: SiteInfo) -> dict[str, Any]:
        if self.license != "by_date":
            return {"license": self.license}
        return wikimedia.for_revision(page.timestamp, site.dump_day)

    @staticmethod
    def _key(page: Page, site: SiteInfo) -> str | None:
        if site.dbname and page.page_id:
            return f"{site.dbname}/{page.page_id}"
        return None
