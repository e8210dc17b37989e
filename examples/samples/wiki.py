"""Quickstart Wikipedia input: a small MediaWiki export made from the standard library's pydoc topics.

Writes `wiki/sample-pages-articles.xml.bz2` in the pages-articles shape (export-0.11 schema, siteinfo
with namespaces): one article per topic with headings, links, references, a category and an
interlanguage link; a template-heavy article (infobox, navbox, citation templates, a table, a file);
a redirect; a disambiguation page; and a page in the Template namespace. The reader keeps the
articles and skips the rest with their reasons.
"""

from __future__ import annotations

import bz2
from pathlib import Path
from xml.sax.saxutils import escape

from examples.samples.arxiv import topic_sections

TOPICS = ("execmodel", "compound", "exceptions", "import", "naming", "specialnames")
_WIKI_ENTITIES = {c: f"&#{ord(c)};" for c in "[]{}|'<&=*#:;~_"}

SITEINFO = """  <siteinfo>
    <sitename>Samplepedia</sitename>
    <dbname>samplewiki</dbname>
    <base>https://sample.example.org/wiki/Main_Page</base>
    <generator>pajama sample builder</generator>
    <case>first-letter</case>
    <namespaces>
      <namespace key="-2" case="first-letter">Media</namespace>
      <namespace key="0" case="first-letter" />
      <namespace key="6" case="first-letter">File</namespace>
      <namespace key="10" case="first-letter">Template</namespace>
      <namespace key="14" case="first-letter">Category</namespace>
    </namespaces>
  </siteinfo>
"""

TEMPLATE_HEAVY = """{{Short description|How Python reports errors}}
{{Infobox concept
| name = Exceptions
| image = [[File:Traceback.png|220px]]
| related = {{hlist|[[Execution model]]|[[Compound statements]]}}
}}
'''Exceptions''' are the way a [[Python (programming language)|Python]] program signals errors.{{sfn|Docs|2024}}
[[File:Traceback.png|thumb|right|A traceback {{small|(illustration)}}]]
== Raising ==
A <code>raise</code> statement creates the exception.<ref name="docs">{{cite web |title=Exceptions |url=https://docs.python.org/3/}}</ref>
{{Main|Execution model}}
An exception travels up the call stack until a handler catches it.<ref>{{harvnb|Docs|2024|p=7}}</ref>
== Summary table ==
{| class="wikitable"
! Statement !! Role
|-
| raise || signals an error
|-
| try || handles an error
|}
== References ==
{{Reflist}}
{{Navbox|name=Python|list1=[[Execution model]] · [[Compound statements]]}}
[[Category:Python]]
[[fr:Exceptions]]
"""


def _wiki_escape(text: str) -> str:
    return "".join(_WIKI_ENTITIES.get(c, c) for c in text)


def article(topic: str) -> tuple[str, str]:
    """(title, wikitext) of one topic, with links, a reference, a category and an interlanguage link."""
    title, sections = topic_sections(topic)
    parts = [f"'''{_wiki_escape(title)}''' is a topic of the [[Python (programming language)|Python]] manual."]
    for level, heading, paragraphs in sections:
        marks = "=" * (level + 1)
        parts.append(f"{marks} {_wiki_escape(heading)} {marks}")
        parts.extend(_wiki_escape(p) for p in paragraphs)
    parts.append('Source: the pydoc topics.<ref name="pydoc">{{cite book |title=pydoc topics}}</ref>')
    parts += ["== References ==", "{{Reflist}}", "[[Category:Python]]", f"[[de:{_wiki_escape(title)}]]"]
    return title, "\n\n".join(parts) + "\n"


def page(page_id: int, title: str, text: str, ns: int = 0, redirect: str | None = None) -> str:
    redirect_tag = f'    <redirect title="{escape(redirect)}" />\n' if redirect else ""
    return (
        f"  <page>\n    <title>{escape(title)}</title>\n    <ns>{ns}</ns>\n    <id>{page_id}</id>\n{redirect_tag}"
        f"    <revision>\n      <id>{1000 + page_id}</id>\n      <timestamp>2024-01-01T00:00:00Z</timestamp>\n"
        "      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
        f'      <text bytes="{len(text.encode())}" xml:space="preserve">{escape(text)}</text>\n'
        "    </revision>\n  </page>\n"
    )


def export() -> str:
    pages = []
    for i, topic in enumerate(TOPICS, start=1):
        title, text = article(topic)
        pages.append(page(i, title, text))
    pages.append(page(50, "Exceptions (Python)", TEMPLATE_HEAVY))
    pages.append(page(51, "Errors", "#REDIRECT [[Exceptions (Python)]]\n", redirect="Exceptions (Python)"))
    disambiguation = "'''Model''' may refer to:\n* [[Execution model]]\n* [[Data model]]\n{{disambiguation}}\n"
    pages.append(page(52, "Model", disambiguation))
    pages.append(page(53, "Template:Reflist", "<references />\n<noinclude>Lists references.</noinclude>\n", ns=10))
    head = (
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="0.11" xml:lang="en">\n'
    )
    return head + SITEINFO + "".join(pages) + "</mediawiki>\n"


def build(out: Path) -> None:
    folder = out / "wiki"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sample-pages-articles.xml.bz2").write_bytes(bz2.compress(export().encode("utf-8"), 9))
