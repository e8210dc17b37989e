"""Templates whose output is prose, rendered without expanding them: a table from template name to renderer.

Every other template is dropped (infoboxes, citations, navigation boxes, pronunciations): expanding templates
needs the wiki's template pages and Lua modules, which a pages-articles dump of one language does not make
cheap. The templates here are the ones whose visible text is a plain function of their parameters and that
sit inside sentences ("a {{convert|10|km|mi}} road", "{{lang|fr|la belle époque}}", "{{nihongo|Tokyo|東京}}"),
so dropping them leaves holes. This is the same choice the better extractors make (wikiextractor keeps a
short list of such templates, mwparserfromhell-based ones render a few by name); the list and the output
formats here follow how English Wikipedia displays each template, without its number formatting and without
unit conversion (only the value as written, in its own unit). Dates come out ISO 8601 (1952-03-04), not in
month names of one language.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

#: the connecting words {{convert}} accepts between two values of a range (10 to 20 km, 3 by 4 m)
_RANGE_WORDS = {"-", "–", "to", "and", "or", "by", "x", "×", "+/-", "±", "to(-)", "and(-)"}

Render = Callable[[Any, Callable[[Any], str]], str]


def _args(t: Any, text: Callable[[Any], str]) -> tuple[list[str], dict[str, str]]:
    """(positional values, named values) of a template, each rendered to plain text and stripped."""
    positional: list[str] = []
    named: dict[str, str] = {}
    for p in t.params:
        value = text(p.value.nodes).strip()
        if p.showkey:
            named[str(p.name).strip().lower()] = value
        else:
            positional.append(value)
    return positional, named


def _nth(n: int) -> Render:
    """The n-th positional parameter as it is ({{lang|fr|text}} -> text, {{nowrap|text}} -> text)."""

    def render(t: Any, text: Callable[[Any], str]) -> str:
        pos, _ = _args(t, text)
        return pos[n] if len(pos) > n else ""

    return render


def _last(t: Any, text: Callable[[Any], str]) -> str:
    pos, _ = _args(t, text)
    return pos[-1] if pos else ""


def _convert(t: Any, text: Callable[[Any], str]) -> str:
    """{{convert|10|km|mi}} -> "10 km"; {{convert|10|to|20|km}} -> "10 to 20 km" (no conversion)."""
    pos, _ = _args(t, text)
    if len(pos) >= 4 and pos[1].lower() in _RANGE_WORDS:
        return f"{pos[0]} {pos[1]} {pos[2]} {pos[3]}"
    return " ".join(pos[:2])


def _nihongo(t: Any, text: Callable[[Any], str]) -> str:
    """{{nihongo|Tokyo|東京|Tōkyō}} -> "Tokyo (東京, Tōkyō)"."""
    pos, _ = _args(t, text)
    head, rest = (pos[0] if pos else ""), [p for p in pos[1:3] if p]
    if not rest:
        return head
    return f"{head} ({', '.join(rest)})" if head else ", ".join(rest)


def _date(t: Any, text: Callable[[Any], str]) -> str:
    """{{birth date|1952|3|4}} -> "1952-03-04" (year, month, day as given; ISO, not month names)."""
    pos, _ = _args(t, text)
    parts = [p for p in pos[:3] if p.isdigit()]
    if not parts:
        return ""
    return "-".join([parts[0], *(p.zfill(2) for p in parts[1:])])


def _joined(separator: str) -> Render:
    def render(t: Any, text: Callable[[Any], str]) -> str:
        pos, _ = _args(t, text)
        return separator.join(p for p in pos if p)

    return render


def _quote(t: Any, text: Callable[[Any], str]) -> str:
    pos, named = _args(t, text)
    return named.get("text") or named.get("quote") or (pos[0] if pos else "")


def _val(t: Any, text: Callable[[Any], str]) -> str:
    """{{val|1.23|u=kg}} -> "1.23 kg"."""
    pos, named = _args(t, text)
    unit = named.get("u") or named.get("ul") or ""
    return f"{pos[0]} {unit}".strip() if pos else ""


def _frac(t: Any, text: Callable[[Any], str]) -> str:
    pos, _ = _args(t, text)
    if len(pos) >= 3:
        return f"{pos[0]} {pos[1]}/{pos[2]}"
    return "/".join(pos[:2]) if len(pos) == 2 else (f"1/{pos[0]}" if pos else "")


def _as_of(t: Any, text: Callable[[Any], str]) -> str:
    """{{as of|2014|5}} -> "As of 2014" (an English Wikipedia template: its output is English)."""
    pos, named = _args(t, text)
    if not pos:
        return ""
    return f"{'as' if named.get('lc', '').lower() in ('y', 'yes') else 'As'} of {pos[0]}"


def _constant(value: str) -> Render:
    return lambda _t, _text: value


RENDERERS: dict[str, Render] = {
    **dict.fromkeys(["convert", "cvt"], _convert),
    **dict.fromkeys(["lang", "langx", "transl", "transliteration", "script"], _last),
    **dict.fromkeys(["nihongo", "nihongo3"], _nihongo),
    "nihongo2": _nth(0),
    **dict.fromkeys(
        [
            "nowrap",
            "nobr",
            "small",
            "smaller",
            "big",
            "larger",
            "nobold",
            "noitalic",
            "sic",
            "notatypo",
            "abbr",
            "abbrlink",
            "mvar",
            "var",
            "ill",
            "illm",
            "vr",
            "flag",
            "flagcountry",
            "keypress",
            "kbd",
            "code",
            "samp",
            "em",
            "strong",
            "tooltip",
            "not a typo",
            "interlanguage link",
        ],
        _nth(0),
    ),
    **dict.fromkeys(
        [
            "birth date",
            "death date",
            "birth date and age",
            "death date and age",
            "start date",
            "end date",
            "birth-date",
            "death-date",
            "dob",
            "start date and age",
            "film date",
        ],
        _date,
    ),
    **dict.fromkeys(["quote", "blockquote", "cquote", "quotation", "quote box"], _quote),
    "val": _val,
    "as of": _as_of,
    **dict.fromkeys(["circa", "c."], lambda t, text: f"c. {_nth(0)(t, text)}".strip()),
    **dict.fromkeys(["frac", "fraction", "sfrac"], _frac),
    "sortname": _joined(" "),
    **dict.fromkeys(["ndash", "en dash", "snd", "spaced ndash"], _constant("–")),
    **dict.fromkeys(["mdash", "em dash"], _constant("—")),
    **dict.fromkeys(["nbsp", "spaces", "thinsp", "sp"], _constant(" ")),
    **dict.fromkeys(["·", "dot", "middot", "bull", "•"], _constant(" · ")),
    "!": _constant("|"),
    "=": _constant("="),
}


def template_name(t: Any) -> str:
    """Normalized template name: `Template:` prefix dropped, lowercase, underscores as spaces."""
    name = str(t.name).strip().replace("_", " ").lower()
    return name.split(":", 1)[1].strip() if name.startswith("template:") else name


def render(t: Any, text: Callable[[Any], str]) -> str:
    """The prose a template shows, or "" for templates that are not prose (or not known)."""
    name = template_name(t)
    renderer = RENDERERS.get(name)
    if renderer is None and name.startswith(("lang-", "langx-")):
        renderer = _nth(0)  # {{lang-fr|text}}: the text, without the "French:" label
    return renderer(t, text) if renderer is not None else ""
