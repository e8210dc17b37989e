"""Wikitext to plain text with mwparserfromhell: headings and paragraphs kept, markup removed.

Close to what `Wikicode.strip_code()` gives (the HuggingFace `wikipedia` builder that RedPajama v1 used
is built on it), walked by hand so that what goes can be chosen: references, HTML comments, files/images,
categories, interlanguage links, magic words, invisible tags (math, gallery ...) and, by default, tables are
removed; templates are removed unless they are prose (`_wiki_templates`: convert, lang, nihongo ...); links
keep their text; bold/italic markup goes, its text stays. Headings become their own line; a heading left with
no text under it is dropped. Markup that mwparserfromhell could not parse is removed afterwards, and the holes
removed templates leave are closed (`_wiki_tidy`).

File and category links are known by their namespace: the names the dump's `<siteinfo><namespaces>` gives
(localized, e.g. `चित्र` on the Hindi Wikipedia), the English canonical names every wiki accepts (File, Image,
Media, Category), the aliases the wiki of the dump's language accepts (data/wiki_namespaces.json: `Attēls`
still works on the Latgalian Wikipedia, whose siteinfo says `Fails`), and, for files, any prefix whose target
ends in a media extension (`[[X:Name.jpg|thumb]]` is an image whatever X is).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import resources
from typing import Any

from pajama.sources import _wiki_templates, _wiki_tidy

#: always removed, whatever the options (contents are not prose)
_DROP_TAGS = {"ref", "references", "gallery", "imagemap", "timeline", "graph", "score", "templatedata"}
_DROP_TAGS |= {"math", "chem", "ce", "hiero", "syntaxhighlight", "source", "categorytree", "inputbox", "section"}
_CELL_TAGS = {"td", "th", "caption"}
_LINE_TAGS = {"br", "tr", "p", "div", "li"}
_INTERLANGUAGE = re.compile(r"^(?:[a-z]{2,3}(?:-[a-z0-9]+)*|simple):", re.IGNORECASE)
_HEADING_MARK = "\x00H"

_BLANK_RUNS = re.compile(r"\n{3,}")
_SPACES = re.compile(r"[ \t\u00a0]+")
_EDGE_SPACES = re.compile(r"^ +| +$", re.MULTILINE)


@functools.cache
def _aliases() -> dict[str, dict[str, list[str]]]:
    """{"files": {lang: [names]}, "categories": {lang: [names]}} (see data/wiki_namespaces.json)."""
    data = resources.files("pajama.sources").joinpath("data/wiki_namespaces.json").read_text("utf-8")
    return json.loads(data)  # type: ignore[no-any-return]


def _normal(name: str) -> str:
    return name.strip().lower().replace("_", " ")


@dataclass(frozen=True)
class WikiNames:
    """Localized namespace names (lowercase) that decide which links are files or categories."""

    files: frozenset[str] = frozenset({"file", "image", "media"})
    categories: frozenset[str] = frozenset({"category"})
    namespaces: frozenset[str] = frozenset()

    @classmethod
    def from_siteinfo(cls, names: dict[int, str], language: str | None = None) -> WikiNames:
        """From the dump's namespaces (key -> local name), plus the aliases of the wiki's language."""
        aliases = _aliases()
        lang = (language or "").lower()
        files = {_normal(n) for k, n in names.items() if k in (6, -2)} | {"file", "image", "media"}
        files |= {_normal(n) for n in aliases["files"].get(lang, ())}
        cats = {_normal(n) for k, n in names.items() if k == 14} | {"category"}
        cats |= {_normal(n) for n in aliases["categories"].get(lang, ())}
        return cls(frozenset(files), frozenset(cats), frozenset(_normal(n) for n in names.values() if n))


def _prefix(title: str) -> str:
    head, sep, _ = title.partition(":")
    return _normal(head) if sep else ""


_MEDIA_TARGET = re.compile(r"\.(?:" + "|".join(_wiki_tidy.MEDIA_EXTENSIONS) + r")\s*$", re.IGNORECASE)


class _Renderer:
    def __init__(self, names: WikiNames, tables: bool) -> None:
        self.names = names
        self.tables = tables

    def render(self, nodes: Iterable[Any]) -> str:
        return "".join(self.node(n) for n in nodes)

    def node(self, n: Any) -> str:
        kind = type(n).__name__
        if kind == "Text":
            return str(n.value)
        if kind == "Wikilink":
            return self.link(n)
        if kind == "Tag":
            return self.tag(n)
        if kind == "Heading":
            return f"\n{_HEADING_MARK}{min(max(n.level, 1), 6)}{self.render(n.title.nodes).strip()}\n"
        if kind == "ExternalLink":
            if n.brackets:
                return self.render(n.title.nodes) if n.title else ""
            return str(n.url)
        if kind == "HTMLEntity":
            return str(n.normalize())
        if kind == "Template":
            return _wiki_templates.render(n, self.render)
        return ""  # Comment, Argument, Wikicode-less nodes

    def link(self, n: Any) -> str:
        title = str(n.title).strip()
        prefix = _prefix(title.lstrip(":"))
        if not title.startswith(":") and prefix:
            if prefix in self.names.files or prefix in self.names.categories or _MEDIA_TARGET.search(title):
                return ""
            if prefix not in self.names.namespaces and _INTERLANGUAGE.match(title):
                return ""
        if n.text is not None:
            return self.render(n.text.nodes)
        if prefix in self.names.files:  # [[:File:x.jpg]] links to the file page: no prose
            return ""
        shown = self.render(n.title.nodes).lstrip(":")
        if prefix and (prefix in self.names.categories or prefix in self.names.namespaces):
            return shown.split(":", 1)[1].strip()  # [[:Category:People from X]], [[Talk:X]]: the page's name
        return shown

    def tag(self, n: Any) -> str:
        name = str(n.tag).strip().lower()
        if name in _DROP_TAGS or (name == "table" and not self.tables):
            return ""
        if name == "nowiki":
            return str(n.contents) if n.contents else ""
        body = self.render(n.contents.nodes) if n.contents else ""
        if name in _CELL_TAGS:
            return f" {body.strip()} "
        if name in _LINE_TAGS:
            return f"\n{body}" if name != "br" else "\n"
        return body


def _drop_empty_headings(text: str) -> str:
    """Keep a heading only when prose follows it before the next heading of the same or a higher level."""
    lines = text.split("\n")
    keep = [True] * len(lines)
    # scanning backwards: None = prose follows; n = the next kept heading (level n) follows; 0 = the end
    after: int | None = 0
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        if line.startswith(_HEADING_MARK):
            level = int(line[len(_HEADING_MARK)])
            keep[i] = after is None or after > level
            if keep[i]:
                after = level
            lines[i] = line[len(_HEADING_MARK) + 1 :]
        elif line.strip():
            after = None
    return "\n".join(line for line, k in zip(lines, keep, strict=True) if k)


def to_text(wikicode: Any, *, names: WikiNames | None = None, tables: bool = False, language: str | None = None) -> str:
    """Plain text of parsed wikitext (`mwparserfromhell.parse(...)`); `language` decides punctuation spacing."""
    names = names or WikiNames()
    rendered = _Renderer(names, tables).render(wikicode.nodes)
    text = _wiki_tidy.leftovers_removed(rendered, names.files | names.categories, tables=tables)
    french = (language or "").lower().split("-")[0] in _wiki_tidy.FRENCH_SPACING
    text = _wiki_tidy.holes_closed(_EDGE_SPACES.sub("", _SPACES.sub(" ", text)), french_spacing=french)
    text = _drop_empty_headings(_EDGE_SPACES.sub("", text))
    return _BLANK_RUNS.sub("\n\n", text).strip()


_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_REF = re.compile(r"<ref\b[^>]*?/>|<ref\b[^>]*>.*?</ref\s*>", re.IGNORECASE | re.DOTALL)


def parse(text: str) -> Any:
    """Parsed wikitext. Comments and references go first, by regex: they nest no markup that matters
    and are half of what the (pure Python) tree builder would otherwise build. Bold and italic quotes
    are left as text (`skip_style_tags`) and removed with the leftovers.
    """
    import mwparserfromhell

    text = _REF.sub("", _COMMENT.sub("", text))
    return mwparserfromhell.parse(text, skip_style_tags=True)


_REDIRECT = re.compile(r"^\s*#\s*(?:redirect|[^\W\d_]+)\s*:?\s*\[\[", re.IGNORECASE)


def is_redirect(text: str) -> bool:
    """`#REDIRECT [[...]]`, or a localized magic word (`#ПРЕНАСОЧВАНЕ [[...]]`) at the start of the text."""
    return bool(_REDIRECT.match(text))


def template_names(wikicode: Any) -> set[str]:
    """Normalized names of the top-level templates (`Template:` prefix dropped, lowercase, spaces)."""
    return {_wiki_templates.template_name(t) for t in wikicode.filter_templates(recursive=False)}
