"""What the wikitext parser left as text, removed; and the holes that removed markup leaves, closed.

Leftovers: markup mwparserfromhell could not parse (an unbalanced `{{`, `[[`, `<ref>`, a table opened inside a
template, HTML table tags without their end tags) comes through as text. It is removed here, by line and by
pattern: unparsed file and category links with everything up to their matching `]]`, table lines (`{|`,
`|-`, `| cell`, `! header`, `|}`) and lines of bare HTML attributes (`style="..."`), HTML tables, and any
remaining tag of the HTML subset wikitext allows.

Holes: a template removed from inside a sentence leaves its punctuation behind: "Savas Dimopoulos
({{IPA|...}}; {{lang|el|...}}; born 1952)" becomes "Savas Dimopoulos (; ; born 1952)" and "the building is
{{height|m=50}}, containing" becomes "the building is , containing". Separators left alone at the start or
end of parentheses go, parentheses left empty go, a doubled separator becomes one, and a space left before
a comma, full stop or closing parenthesis goes, and so does a line left with punctuation only. The space
before `;`, `:`, `!` and `?` goes too, except in the languages whose typography puts one there on purpose
(FRENCH_SPACING: French, Breton, ...).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

MEDIA_EXTENSIONS = tuple(
    [
        "jpg",
        "jpeg",
        "png",
        "gif",
        "svg",
        "tif",
        "tiff",
        "webp",
        "xcf",
        "bmp",
        "ogg",
        "ogv",
        "oga",
        "opus",
        "webm",
        "mp3",
        "mp4",
        "wav",
        "flac",
        "mid",
        "midi",
        "pdf",
        "djvu",
        "stl",
    ]
)
_MEDIA_TARGET = re.compile(r"\.(?:" + "|".join(MEDIA_EXTENSIONS) + r")\s*$", re.IGNORECASE)

_TEMPLATE_LEFT = re.compile(r"\{\{[^{}]*\}\}")
_REF_LEFT = re.compile(r"<ref\b[^>]*/>|<ref\b[^>]*>.*?(?:</ref\s*>|$)", re.IGNORECASE | re.DOTALL)
_HTML_TABLE = re.compile(r"<table\b[^>]*>.*?(?:</table\s*>|\Z)", re.IGNORECASE | re.DOTALL)
_HTML_TAGS = (
    "ref references span div small big center sup sub br p ol ul li dl dt dd table tr td th tbody thead tfoot"
    " caption font blockquote poem abbr s u i b em strong code tt strike del ins q cite var kbd samp hr wbr"
    " bdi bdo mark ruby rt rp time data pre h1 h2 h3 h4 h5 h6 onlyinclude includeonly noinclude nowiki gallery"
    " section indicator templatestyles"
)
_TAG_LEFT = re.compile(r"</?(?:" + "|".join(_HTML_TAGS.split()) + r")\b[^<>]*/?>", re.IGNORECASE)
_BRACKETS_LEFT = re.compile(r"\{\{|\}\}|\[\[|\]\]|\{\||\|\}")
_QUOTES_LEFT = re.compile(r"'{2,}")
_MAGIC = re.compile(r"__[A-Z]+__")
#: a line of table markup: row, caption, header, cell, table start or end
_TABLE_LINE = re.compile(r"^[ \t]*(?:\{\||\|\}|\|[-+]|\||![ \t]|!.*(?:!!|\|))")
#: a line that starts with an HTML attribute: the attributes of a table or cell whose `{|` or `|` went
_ATTRIBUTE_LINE = re.compile(
    r"^[ \t]*(?:style|class|align|valign|width|height|border|bgcolor|cellpadding|cellspacing|colspan|rowspan"
    r"|scope|nowrap|id|rules|frame|summary|dir|lang)\s*=",
    re.IGNORECASE,
)

# holes
_OPEN_SEPARATORS = re.compile(r"([(（])[\s\u00a0]*(?:[,;:、，；][\s\u00a0]*)+")
_CLOSE_SEPARATORS = re.compile(r"[\s\u00a0]*(?:[,;:、，；][\s\u00a0]*)+([)）])")
_EMPTY_PARENS = re.compile(r"(?:(?<=[\s(（])|^)[(（][\s\u00a0]*[)）]|[\s\u00a0]+[(（][\s\u00a0]*[)）]", re.MULTILINE)
_DOUBLED_SEPARATORS = re.compile(r"([,;])(?:[\s\u00a0]*[,;])+")
_SPACE_BEFORE = re.compile(r"(?<=\S)[ \t\u00a0]+(?=,|\.(?:\s|$)|[)）])", re.MULTILINE)
_SPACE_AFTER_OPEN = re.compile(r"([(（])[ \t\u00a0]+")
_SPACE_BEFORE_HIGH = re.compile(r"(?<=\w)[ \t\u00a0]+(?=[;:!?](?:\s|$))", re.MULTILINE)
_LEADING_SEPARATORS = re.compile(r"^(?:[,;、，；][\s\u00a0]*)+")
_PUNCTUATION_ONLY = re.compile(r"^[\s\u00a0,.;:·•()（）、，；–—-]+$")
#: languages that set a space before ; : ! ? (French typography), where that space is not a hole
FRENCH_SPACING = frozenset({"fr", "br", "oc", "frp", "wa", "ht", "pcd", "nrm", "co", "ln", "kab"})


def links_removed(text: str, prefixes: Iterable[str]) -> str:
    """`[[<prefix>:...]]` links (nested `[[...]]` included) and `[[X:name.jpg|...]]` media links removed."""
    lowered = tuple(p.lower() for p in prefixes)
    out: list[str] = []
    i = 0
    while (start := text.find("[[", i)) != -1:
        target = text[start + 2 : start + 202].split("|", 1)[0].split("]]", 1)[0]
        head, sep, rest = target.partition(":")
        is_file = sep and (head.strip().lower().replace("_", " ") in lowered or _MEDIA_TARGET.search(rest))
        if not is_file:
            out.append(text[i : start + 2])
            i = start + 2
            continue
        out.append(text[i:start])
        i = _matching_close(text, start)
    out.append(text[i:])
    return "".join(out)


def _matching_close(text: str, start: int) -> int:
    """The index after the `]]` that closes the `[[` at start; a link still open at the paragraph's end was never
    closed, and ends with its own line."""
    depth, i = 0, start
    while i < len(text):
        if text.startswith("[[", i):
            depth, i = depth + 1, i + 2
        elif text.startswith("]]", i):
            depth, i = depth - 1, i + 2
            if depth == 0:
                return i
        elif text.startswith("\n\n", i):
            break
        else:
            i += 1
    end = text.find("\n", start)
    return len(text) if end == -1 else end


def leftovers_removed(text: str, file_prefixes: Iterable[str], *, tables: bool) -> str:
    """Markup the parser left as text, removed (see the module docstring)."""
    if "[[" in text:
        text = links_removed(text, file_prefixes)
    for _ in range(3):  # nested leftovers, innermost first
        text, n = _TEMPLATE_LEFT.subn("", text)
        if not n:
            break
    text = _REF_LEFT.sub("", text)
    if not tables:
        text = _HTML_TABLE.sub("", text)
    if "|" in text or "=" in text:
        text = "\n".join(line for line in text.split("\n") if not _table_line(line))
    text = _TAG_LEFT.sub("", _QUOTES_LEFT.sub("", text))  # quotes first: <'''b'''> is a tag once they go
    return _MAGIC.sub("", _BRACKETS_LEFT.sub("", text))


def _table_line(line: str) -> bool:
    return bool(_TABLE_LINE.match(line) or _ATTRIBUTE_LINE.match(line))


def holes_closed(line: str, *, french_spacing: bool = False) -> str:
    """One line with the punctuation that removed templates left behind tidied (module docstring)."""
    if not any(c in line for c in "(（,;:、，；.)）!?"):
        return line
    if _PUNCTUATION_ONLY.match(line):
        return ""
    line = _LEADING_SEPARATORS.sub("", _OPEN_SEPARATORS.sub(r"\1", line))
    line = _CLOSE_SEPARATORS.sub(r"\1", line)
    for _ in range(3):  # "(({{a}}, {{b}}))" empties two pairs
        line, n = _EMPTY_PARENS.subn("", line)
        if not n:
            break
    line = _DOUBLED_SEPARATORS.sub(r"\1", line)
    line = _SPACE_AFTER_OPEN.sub(r"\1", line)
    if not french_spacing:
        line = _SPACE_BEFORE_HIGH.sub("", line)
    return _SPACE_BEFORE.sub("", line)
