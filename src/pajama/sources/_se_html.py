"""StackExchange post HTML to plain text, code blocks preserved.

`<pre>` blocks become fenced blocks (```lang when the post names one), kept byte for byte; inline `<code>`
becomes `code`; paragraphs, headings and list items become blocks separated by blank lines (list items
by single newlines); blockquotes are prefixed with "> "; links keep their text, images their alt text.
Everything else is text with runs of whitespace collapsed, entities decoded.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

_BLOCKS = frozenset({"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "table", "tr", "dl", "dt", "dd", "hr"})
_SPACES = re.compile(r"[ \t\r\n\f\v]+")
_LANG = re.compile(r"\blang-([\w+#.-]+)")


class _TextMaker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[str, bool, bool]] = []  # (text, is a list item, a list ended before it)
        self.inline: list[str] = []
        self.pre: list[str] | None = None
        self.pre_lang = ""
        self.lists: list[list[int]] = []  # one [counter] per open list; counter -1 for <ul>
        self.quote = 0
        self.item = False
        self.list_closed = False

    # -- blocks ------------------------------------------------------------------------------------

    def flush(self) -> None:
        text = "".join(self.inline)
        self.inline = []
        lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
        text = "\n".join(line for line in lines if line)
        if not text:
            return
        if self.item:
            depth = max(len(self.lists) - 1, 0)
            counter = self.lists[-1] if self.lists else [-1]
            bullet = "-" if counter[0] < 0 else f"{counter[0]}."
            text = "  " * depth + f"{bullet} " + text.replace("\n", "\n" + "  " * (depth + 1))
            self.item = False
        self.add(text, tight=bool(self.lists))

    def add(self, text: str, *, tight: bool = False) -> None:
        if self.quote:
            text = "\n".join(("> " * self.quote + line).rstrip() for line in text.split("\n"))
        self.blocks.append((text, tight, self.list_closed))
        self.list_closed = False

    # -- parser callbacks --------------------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.pre is not None:
            return
        if tag == "pre":
            self.flush()
            self.pre = []
            lang = _LANG.search(dict(attrs).get("class") or "")
            self.pre_lang = lang.group(1) if lang else ""
        elif tag == "code":
            self.inline.append("`")
        elif tag == "br":
            self.inline.append("\n")
        elif tag in ("ul", "ol"):
            self.flush()
            self.lists.append([-1 if tag == "ul" else 0])
        elif tag == "li":
            self.flush()
            if self.lists and self.lists[-1][0] >= 0:
                self.lists[-1][0] += 1
            self.item = True
        elif tag == "blockquote":
            self.flush()
            self.quote += 1
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.inline.append(f" {alt} ")
        elif tag in ("td", "th"):
            self.inline.append(" ")
        elif tag in _BLOCKS:
            self.flush()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if self.pre is not None:
            if tag == "pre":
                code = "".join(self.pre).strip("\n")
                self.pre = None
                if code.strip():
                    self.add(f"```{self.pre_lang}\n{code}\n```")
            return
        if tag == "code":
            self.inline.append("`")
        elif tag in ("ul", "ol"):
            self.flush()
            if self.lists:
                self.lists.pop()
            self.list_closed = not self.lists
        elif tag == "li":
            self.flush()
        elif tag == "blockquote":
            self.flush()
            self.quote = max(self.quote - 1, 0)
        elif tag in _BLOCKS:
            self.flush()

    def handle_data(self, data: str) -> None:
        if self.pre is not None:
            self.pre.append(data)
        else:
            self.inline.append(data)

    def text(self) -> str:
        self.close()
        if self.pre is not None:  # an unclosed <pre>: keep what it held
            self.inline.append("".join(self.pre))
            self.pre = None
        self.flush()
        out: list[str] = []
        for i, (text, item, after_list) in enumerate(self.blocks):
            if i:
                out.append("\n" if item and self.blocks[i - 1][1] and not after_list else "\n\n")
            out.append(text)
        return "".join(out)


def html_to_text(html: str) -> str:
    """Plain text of one post body (see the module docstring for what is kept)."""
    if "<" not in html and "&" not in html:
        return _SPACES.sub(" ", html).strip()
    maker = _TextMaker()
    maker.feed(html)
    return maker.text()
