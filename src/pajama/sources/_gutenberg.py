"""Project Gutenberg plain text: decoding, header/footer stripping, header metadata, paragraph unwrapping.

Plain functions over bytes and str, so tests can call them on crafted editions. Covers the edition styles
found in the wild: the `*** START/END OF THE|THIS PROJECT GUTENBERG EBOOK ***` markers (2006 onwards),
the 1990s `*END*THE SMALL PRINT!` legal header with an `End of the Project Gutenberg Etext` footer, the
2000s files that carry both, BOMs, CRLF, and declared (`Character set encoding:`) or undeclared charsets.
"""

from __future__ import annotations

import calendar
import codecs
import itertools
import re
from dataclasses import dataclass, field
from typing import Any

HEAD_SCAN_BYTES = 64 << 10
CREDIT_SCAN_PARAGRAPHS = 4
HEAD_SCAN_LINES = 80
WRAP_FILL = 0.8  # a line broken here, by the next word, was wrapped
PROSE_SHARE = 0.6  # ... and a block is prose when this share of its lines were
SHORT_FILL = 0.6  # inside prose, a line this short ends on purpose

_START = re.compile(
    r"^\W*(?:START OF (?:THE|THIS) (?:COPYRIGHTED )?PROJECT GUTENBERG"
    r"|END\W*THE SMALL PRINT)",
    re.IGNORECASE,
)
_END = re.compile(
    r"^\W*(?:END OF (?:THE |THIS )?(?:COPYRIGHTED )?PROJECT GUTENBERG"
    r"|End of (?:the |this )?Project Gutenberg"
    r"|Ende dieses Projekt?s? Gutenberg|Fin (?:du|de) (?:the )?Project Gutenberg"
    r"|START: FULL LICENSE|THE FULL PROJECT GUTENBERG LICENSE"
    r"|Updated editions will replace the previous one)",
    re.IGNORECASE,
)
#: Phrases that only Project Gutenberg's own header, footer and license use. None may survive stripping.
BOILERPLATE_PHRASES = (
    "START OF THE PROJECT GUTENBERG",
    "START OF THIS PROJECT GUTENBERG",
    "END OF THE PROJECT GUTENBERG",
    "END OF THIS PROJECT GUTENBERG",
    "End of Project Gutenberg",
    "Project Gutenberg EBook of",
    "Project Gutenberg Etext of",
    "Project Gutenberg License",
    "PROJECT GUTENBERG-tm",
    "Project Gutenberg Literary Archive Foundation",
    "THE SMALL PRINT",
    "This eBook is for the use of anyone anywhere",
    "This file should be named",
    "Character set encoding:",
    "Updated editions will replace the previous one",
    "START: FULL LICENSE",
    "Plain Vanilla Electronic Texts",
    "www.gutenberg.org/license",
)
_PHRASES_LOWER = tuple(p.lower() for p in BOILERPLATE_PHRASES)
_PHRASES = re.compile("|".join(re.escape(p) for p in BOILERPLATE_PHRASES), re.IGNORECASE)
_CREDITS = re.compile(
    r"^\s*(?:\[?(?:Produced|Prepared|Transcribed|Scanned|Proofread)(?: from [^\n]*)? by\b"
    r"|(?:This )?E-?text (?:was )?(?:prepared|produced) by|This eBook was (?:prepared|produced) by"
    r"|(?:the )?(?:Online )?Distributed Proofread(?:ing|ers))",
    re.IGNORECASE,
)
_CHARSET = re.compile(rb"Character set encoding:[ \t]*([^\r\n]+)", re.IGNORECASE)
_CODEC_NAME = re.compile(
    r"utf-?8|utf-?16|iso[- _]?8859[- _]?\d+|iso[- ]?latin[- ]?\d|latin[- ]?\d|us-?ascii|ascii"
    r"|(?:cp|windows|code ?page)[- ]?\d+|big5|gb2312|gbk|euc-?\w+|shift[_-]jis|koi8-?\w|mac\w*",
    re.IGNORECASE,
)
_EBOOK_ID = re.compile(r"\[(?:e-?book|etext)\s*#\s*(\d+)\]|(?:e-?book|etext)\s+#(\d+)|\[\w+\.xxx\]\s+(\d+)", re.I)
_NAMED_FILE_ID = re.compile(r"This file should be named (\d+)(?:-\d)?\.", re.IGNORECASE)
_FIELD = re.compile(
    r"^(Title|Author|Language|Release Date|Posting Date)\s*:\s*(.+)$|^(Official release date)\s+(.+)$", re.I
)
_OPENING = re.compile(
    r"Project Gutenberg(?:'s|’s| ?e-?book of| ?etext of)\s+(?P<title>.+?)(?:,? by (?P<author>[^*]+?))?\W*$",
    re.IGNORECASE,
)
_MONTH_NAMES = "jan feb mar apr may jun jul aug sep oct nov dec"
_MONTHS = {m: i for i, m in enumerate(_MONTH_NAMES.split(), start=1)}
_DATE = re.compile(r"([A-Za-z]+)\.?,?\s+(?:(\d{1,2})(?:st|nd|rd|th)?,?\s+)?(\d{4})")
#: Language names in Project Gutenberg headers -> ISO 639 codes (names not listed are kept as written).
_LANGUAGE_PAIRS = (
    "english:en french:fr german:de dutch:nl latin:la spanish:es italian:it portuguese:pt finnish:fi "
    "chinese:zh swedish:sv danish:da norwegian:no greek:el hungarian:hu esperanto:eo tagalog:tl polish:pl "
    "russian:ru czech:cs japanese:ja catalan:ca welsh:cy icelandic:is irish:ga hebrew:he arabic:ar "
    "afrikaans:af romanian:ro serbian:sr slovenian:sl bulgarian:bg croatian:hr estonian:et lithuanian:lt "
    "korean:ko latvian:lv ukrainian:uk sanskrit:sa galician:gl frisian:fy occitan:oc"
)
LANGUAGES = dict(pair.split(":") for pair in _LANGUAGE_PAIRS.split())


_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


@dataclass
class Stripped:
    """A book's own text and what its Project Gutenberg header said about it."""

    text: str
    markers: str  # "start+end", "start", "end", or "none"
    meta: dict[str, Any] = field(default_factory=dict)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding used): BOM first, then the declared `Character set encoding:`, then UTF-8, cp1252."""
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                break
    for codec in _candidates(declared_charset(data[:HEAD_SCAN_BYTES])):
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # never fails: every byte is a character


def declared_charset(head: bytes) -> str | None:
    """The codec named by a `Character set encoding:` line, normalized (None when absent or unknown)."""
    m = _CHARSET.search(head)
    if not m:
        return None
    found = _CODEC_NAME.search(m.group(1).decode("ascii", "replace"))
    if not found:
        return None
    name = found.group(0).lower().replace(" ", "")
    name = re.sub(r"^(?:iso-?)?latin-?(\d)$", r"latin\1", name)
    name = re.sub(r"^(?:windows|codepage)-?", "cp", name)
    if "ascii" in name:
        return "ascii"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _candidates(declared: str | None) -> list[str]:
    # ASCII declarations are often wrong by a few Latin-1 or UTF-8 bytes; ISO-8859-1 files often hold
    # cp1252 quotes in 0x80-0x9f, which latin-1 would turn into control characters.
    if declared in (None, "ascii", "utf-8"):
        return ["utf-8", "cp1252"]
    if declared in ("iso8859-1", "latin-1", "latin1"):
        return ["cp1252", "latin-1"]
    return [declared, "utf-8", "cp1252"]


def strip(text: str) -> Stripped:
    """Cut the Project Gutenberg header, footer and license text; parse the header's metadata."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").lstrip("\ufeff")
    lines = text.split("\n")
    starts = [i for i, line in enumerate(lines) if _START.match(line)]
    ends = [i for i, line in enumerate(lines) if _END.match(line)]
    first_end = ends[0] if ends else len(lines)
    # the last start before the first end: 2000s files repeat a SMALL PRINT marker inside their footer
    before_end = [s for s in starts if s < first_end]
    start = before_end[-1] if before_end else None
    body_from = 0 if start is None else _after_marker(lines, start)
    after = [e for e in ends if e >= body_from]
    body_to = after[0] if after else len(lines)
    header = "\n".join(lines[: body_from or HEAD_SCAN_LINES])
    footer = "\n".join(lines[body_to:])
    markers = "+".join(k for k, found in (("start", start is not None), ("end", bool(after))) if found) or "none"
    body = drop_credits("\n".join(lines[body_from:body_to]))
    return Stripped(body.strip("\n"), markers, header_meta(header, footer))


def _after_marker(lines: list[str], i: int) -> int:
    """The line after a start marker; a marker wrapped over two or three lines ends with `***`."""
    if "SMALL PRINT" in lines[i].upper() or lines[i].rstrip().endswith("*"):
        return i + 1
    for j in range(i + 1, min(i + 3, len(lines))):
        if lines[j].rstrip().endswith("***"):
            return j + 1
    return i + 1


def drop_credits(body: str) -> str:
    """Remove the volunteer credit paragraphs ("Produced by ...") that open most modern editions."""
    paragraphs = re.split(r"(\n[ \t]*\n)", body.lstrip("\n"))
    kept_from = 0
    seen = 0
    for i in range(0, len(paragraphs), 2):
        if not paragraphs[i].strip():
            continue
        seen += 1
        if seen > CREDIT_SCAN_PARAGRAPHS:
            break
        if _CREDITS.match(paragraphs[i]):
            kept_from = i + 2
    return "".join(paragraphs[kept_from:])


def boilerplate_in(text: str) -> list[str]:
    """The Project Gutenberg boilerplate phrases present in `text` (case-insensitive)."""
    low = text.lower()  # one lower() and plain substring scans: many times faster than an IGNORECASE regex
    return sorted(p for p in _PHRASES_LOWER if p in low)


def remove_boilerplate_paragraphs(text: str) -> str:
    """Last resort for files without markers: drop every paragraph that holds a boilerplate phrase."""
    return "\n\n".join(p for p in re.split(r"\n[ \t]*\n", text) if not _PHRASES.search(p)).strip("\n")


def header_meta(header: str, footer: str = "") -> dict[str, Any]:
    """title, author, language, release_date, ebook_id, copyrighted, as the header states them."""
    fields: dict[str, str] = {}
    lines = header.split("\n")
    for i, line in enumerate(lines):
        m = _FIELD.match(line.strip())
        if not m:
            continue
        name, value = (m.group(1), m.group(2)) if m.group(1) else (m.group(3), m.group(4))
        if name.lower() in fields:
            continue
        value = value.strip()
        for cont in lines[i + 1 : i + 4]:  # a wrapped value continues on indented lines
            if not cont.startswith((" ", "\t")) or not cont.strip() or _FIELD.match(cont.strip()):
                break
            sep = "; " if re.match(r"\s*or\b", cont, re.I) else ": "
            value = value.rstrip(":;,") + sep + cont.strip()
        fields[name.lower()] = re.sub(r"\s+", " ", value)
    meta: dict[str, Any] = {}
    opening = _opening(lines)
    title = fields.get("title") or (opening and opening.group("title"))
    author = fields.get("author") or (opening and opening.group("author"))
    if title:
        meta["title"] = title.strip(" *")
    if author:
        meta["author"] = author.strip(" *")
    if lang := fields.get("language"):
        meta["language"] = LANGUAGES.get(lang.lower().split(",")[0].strip(), lang)
    released = fields.get("release date") or fields.get("official release date") or fields.get("posting date")
    if released:
        meta["release_date"] = iso_date(released)
    ebook = _EBOOK_ID.search(header) or _NAMED_FILE_ID.search(footer)
    if ebook:
        meta["ebook_id"] = int(next(g for g in ebook.groups() if g))
    if re.search(r"\bCOPYRIGHTED Project Gutenberg", header, re.IGNORECASE):
        meta["copyrighted"] = True
    return meta


def _opening(lines: list[str]) -> re.Match[str] | None:
    for line in lines[:60]:
        m = _OPENING.search(line.strip())
        if m and m.group("title"):
            return m
    return None


def iso_date(value: str) -> str:
    """ "June 17, 2008 [EBook #84]" -> "2008-06-17"; "March, 1994" -> "1994-03"; else the value as given."""
    value = re.sub(r"\s*\[.*$", "", value).strip()
    m = _DATE.search(value)
    word = m.group(1).lower() if m else ""
    if m and len(word) >= 3 and any(full.lower().startswith(word) for full in calendar.month_name[1:]):
        month = _MONTHS[word[:3]]
        return f"{m.group(3)}-{month:02d}" + (f"-{int(m.group(2)):02d}" if m.group(2) else "")
    return value


def unwrap(text: str) -> str:
    """Join hard-wrapped lines into paragraphs; keep verse, tables and title pages line by line.

    Paragraphs are blocks between blank lines. A block is wrapped prose when most of its lines were
    broken by the typist: the next line's first word would not have fitted after the line within
    WRAP_FILL of the file's wrap width (its 95th-percentile line length; typists wrapped unevenly).
    Inside prose, a line stays broken when it is short (a sign-off, a heading) or when the next line is
    indented after an unindented one (a quotation or a new paragraph).
    """
    blocks = [b for b in re.split(r"\n[ \t]*\n", text) if b.strip()]
    lengths = sorted(len(line.rstrip()) for b in blocks for line in b.split("\n") if line.strip())
    if not lengths:
        return ""
    width = lengths[int(0.95 * (len(lengths) - 1))]
    return "\n\n".join(_unwrap_block([line.rstrip() for line in b.strip("\n").split("\n")], width) for b in blocks)


def _unwrap_block(lines: list[str], width: int) -> str:
    if len(lines) < 2:
        return lines[0]
    pairs = list(itertools.pairwise(lines))
    fills = [len(line) + 1 + len(nxt.split(None, 1)[0]) if nxt.strip() else 0 for line, nxt in pairs]
    if sum(f > WRAP_FILL * width for f in fills) < PROSE_SHARE * len(fills):
        return "\n".join(lines)
    out = [lines[0]]
    for (prev, line), fill in zip(pairs, fills, strict=True):
        head = line.lstrip()
        indented = len(line) > len(head) and not prev[:1].isspace()
        if not head or fill <= SHORT_FILL * width or indented:
            out.append(line)
            continue
        dash = prev.endswith("-") and not prev.endswith(" -")
        out[-1] += ("" if dash or _cjk(prev[-1]) or _cjk(head[0]) else " ") + head
    return "\n".join(out)


def _cjk(ch: str) -> bool:
    return "\u2e80" <= ch <= "\u9fff" or "\uac00" <= ch <= "\ud7af" or "\uf900" <= ch <= "\uffef"
