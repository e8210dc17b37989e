"""Quickstart arXiv inputs: small LaTeX submissions made from the standard library's pydoc topics.

Writes `arxiv/*.tar.gz` the way arXiv's bulk source serves submissions: two multi-file LaTeX
submissions (a main file with `\\input`/`\\include`, argument-free macros, comments, math and a
bibliography) and one PDF-only submission, which the reader skips as `arxiv.no_tex`.
"""

from __future__ import annotations

import gzip
import io
import re
import tarfile
from pathlib import Path

_LATEX_SPECIALS = {c: f"\\{c}" for c in "&%$#_{}"} | {"\\": r"\textbackslash{}", "~": r"\~{}", "^": r"\^{}"}
_UNDERLINE = re.compile(r"^([*=\-])\1{2,}$")


def topic_sections(topic: str) -> tuple[str, list[tuple[int, str, list[str]]]]:
    """(title, [(level, heading, paragraphs)]) of a pydoc topic: `***` title, `===` and `---` headings."""
    from pydoc_data.topics import topics

    lines = topics[topic].splitlines()
    title = lines[0].strip()
    sections: list[tuple[int, str, list[str]]] = [(1, "Overview", [])]
    paragraph: list[str] = []
    levels = {"=": 1, "-": 2}
    for i, line in enumerate(lines[2:], start=2):
        nxt = lines[i + 1] if i + 1 < len(lines) else ""
        under = _UNDERLINE.match(nxt.strip())
        if under and line.strip():
            _flush(paragraph, sections)
            sections.append((levels.get(under.group(1), 2), line.strip(), []))
        elif _UNDERLINE.match(line.strip()):
            continue
        elif not line.strip():
            _flush(paragraph, sections)
        else:
            paragraph.append(line.strip())
    _flush(paragraph, sections)
    return title, [s for s in sections if s[2]]


def _flush(paragraph: list[str], sections: list[tuple[int, str, list[str]]]) -> None:
    if paragraph:
        sections[-1][2].append(" ".join(paragraph))
        paragraph.clear()


def latex_escape(text: str) -> str:
    return "".join(_LATEX_SPECIALS.get(c, c) for c in text)


def _section_tex(level: int, heading: str, paragraphs: list[str]) -> str:
    command = "section" if level == 1 else "subsection"
    body = "\n\n".join(latex_escape(p).replace("Python", r"\py{}") for p in paragraphs)
    return f"\\{command}{{{latex_escape(heading)}}}\n% TODO: shorten this section\n{body}\n"


def submission(topic: str, *, macro_style: str) -> dict[str, bytes]:
    """A two-file LaTeX submission for one topic: main.tex and sections/body.tex (+ refs.bib)."""
    title, sections = topic_sections(topic)
    definition = r"\newcommand{\py}{Python}" if macro_style == "newcommand" else r"\def\py{Python}"
    head, rest = sections[0], sections[1:]
    main = "\n".join(
        [
            "% sample submission generated from pydoc_data.topics",
            r"\documentclass[11pt]{article}",
            r"\usepackage{amsmath}",
            definition,
            r"\newcommand{\ratio}{\frac{a}{b}}  % inline comment: a macro used in math",
            f"\\title{{{latex_escape(title)}}}",
            r"\begin{document}",
            r"\maketitle",
            r"\begin{abstract}This sample is 100\% generated; the abstract is dropped with the front matter.",
            r"\end{abstract}",
            _section_tex(*head),
            r"A formula stays LaTeX: $x = \ratio$ when $b \neq 0$.",
            r"\input{sections/body}",
            r"% \input{sections/unused}",
            r"\bibliographystyle{plain}",
            r"\bibliography{refs}",
            r"\end{document}",
            "",
        ]
    )
    body = "\n".join(_section_tex(*s) for s in rest) or "No further sections.\n"
    refs = "@misc{pydoc, title={Python documentation topics}, note={pydoc_data.topics}}\n"
    return {"main.tex": main.encode(), "sections/body.tex": body.encode(), "refs.bib": refs.encode()}


def tar_gz(files: dict[str, bytes]) -> bytes:
    """A deterministic .tar.gz (fixed mtimes and owners)."""
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.USTAR_FORMAT) as tf:
        for name, data in sorted(files.items()):
            info = tarfile.TarInfo(name)
            info.size, info.mtime, info.mode = len(data), 1_700_000_000, 0o644
            tf.addfile(info, io.BytesIO(data))
    return gzip.compress(buf.getvalue(), mtime=0)


def build(out: Path) -> None:
    folder = out / "arxiv"
    folder.mkdir(parents=True, exist_ok=True)
    samples = {
        "sample-execmodel.tar.gz": submission("execmodel", macro_style="newcommand"),
        "sample-compound.tar.gz": submission("compound", macro_style="def"),
        "sample-pdf-only.tar.gz": {"paper.pdf": b"%PDF-1.4\n% a PDF-only submission: no TeX to read\n%%EOF\n"},
    }
    for name, files in samples.items():
        (folder / name).write_bytes(tar_gz(files))
