"""What the wikitext parser left as text, removed; and the holes that removed markup leaves, closed.

Leftovers: markup mwparserfromhell could not parse (an unbalanced `{{`, `[[`, `<ref>`, a table opened inside a
template, HTML table tags without their end tags) comes through as text. It is removed here, by line and by
pattern: unparsed file and category links with everything up to their matching `]]`, unclosed galleries and
gallery lines (`चित्र:Name.jpg|caption`), table lines (`{|`,
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
#: an unclosed <gallery>/<imagemap> (the parser drops closed ones) runs to its paragraph's end
_GALLERY_LEFT = re.compile(r"<(gallery|imagemap)\b[^>]*>.*?(?:</\1\s*>|(?=\n[ \t]*\n)|\Z)", re.IGNORECASE | re.DOTALL)
#: a gallery line left as text: "Prefix:Name.jpg|caption", whatever the prefix
_MEDIA_LINE = re.compile(
    r"^[ \t]*[^\s:|\[\]<>]{1,40}:[^\n|]{1,240}\.(?:" + "|".join(MEDIA_EXTENSIONS) + r")[ \t]*(?:\|.*)?$",
    re.IGNORECASE | re.MULTILINE,
)
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
#: a line of table markup (row, caption, header, cell, table start or end), or one that starts with an HTML
#: attribute (the attributes of a table or cell whose `{|` or `|` went)
_TABLE_LINE = re.compile(
    r"^[ \t]*(?:\{\||\|\}|\|[-+]|\||![ \t]|!.*(?:!!|\|)"
    r"|(?i:style|class|align|valign|width|height|border|bgcolor|cellpadding|cellspacing|colspan|rowspan"
    r"|scope|nowrap|id|rules|frame|summary|dir|lang)\s*=).*$",
    re.MULTILINE,
)

# holes; [ \t\u00a0] rather than \s so that every pattern stays within its line
_SP = r"[ \t\u00a0]"
_OPEN_SEPARATORS = re.compile(rf"([(（]){_SP}*(?:[,;:、，；]{_SP}*)+")
_CLOSE_SEPARATORS = re.compile(r"[,;:、，；][ \t\u00a0,;:、，；]*(?=[)）])")  # the space before goes with _SPACE_BEFORE
_EMPTY_PARENS = re.compile(rf"[(（](?<![^\s(（][(（]){_SP}*[)）]")  # after a space, a "(" or the start: not f()
_DOUBLE_SPACES = re.compile(rf"{_SP}{{2,}}")
_DOUBLED_SEPARATORS = re.compile(rf"([,;])(?:{_SP}*[,;])+")
_SPACE_BEFORE = re.compile(rf"{_SP}(?<=\S{_SP}){_SP}*(?=,|\.(?:\s|$)|[)）])", re.MULTILINE)
_SPACE_AFTER_OPEN = re.compile(rf"([(（]){_SP}+")
_SPACE_BEFORE_HIGH = re.compile(rf"{_SP}(?<=\w{_SP}){_SP}*(?=[;:!?](?:\s|$))", re.MULTILINE)
_LEADING_SEPARATORS = re.compile(rf"^{_SP}*(?:[,;、，；]{_SP}*)+", re.MULTILINE)
_PUNCTUATION_ONLY = re.compile(rf"^(?:{_SP}|[,.;:·•()（）、，；–—-])+$", re.MULTILINE)
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
    text = _MEDIA_LINE.sub("", _GALLERY_LEFT.sub("", _REF_LEFT.sub("", text)))
    if not tables:
        text = _HTML_TABLE.sub("", text)
    text = _TABLE_LINE.sub("", text)
    text = _TAG_LEFT.sub("", _QUOTES_LEFT.sub("", text))  # quotes first: <'''b'''> is a tag once they go
    return _MAGIC.sub("", _BRACKETS_LEFT.sub("", text))


def holes_closed(text: str, *, french_spacing: bool = False) -> str:
    """The text with the punctuation that removed templates left behind tidied, line by line (module docstring)."""
    text = _PUNCTUATION_ONLY.sub("", text)
    text = _LEADING_SEPARATORS.sub("", _OPEN_SEPARATORS.sub(r"\1", text))
    text = _CLOSE_SEPARATORS.sub("", text)
    for _ in range(3):  # "(({{a}}, {{b}}))" empties two pairs
        text, n = _EMPTY_PARENS.subn("", text)
        if not n:
            break
    text = _DOUBLE_SPACES.sub(" ", _DOUBLED_SEPARATORS.sub(r"\1", text))
    text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    if not french_spacing:
        text = _SPACE_BEFORE_HIGH.sub("", text)
    return _SPACE_BEFORE.sub("", text)
