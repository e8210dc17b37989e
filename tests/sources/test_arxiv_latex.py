"""LaTeX cleaning (sources/_latex.py): crafted documents, one behaviour each."""

from __future__ import annotations

import re

import pytest

from pajama.sources import _latex

# RedPajama v1's heading pattern verbatim (arxiv_cleaner.py): note the missing "|" after \paragraph.
V1_PATTERN = (
    r"^(.*?)("
    r"\\\bchapter\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    r"\\\bpart\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    r"\\\bsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    r"\\\bsubsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    r"\\\bsubsubsection\b\*?(?:\[(.*?)\])?\{(.*?)\}|"
    r"\\\bparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}"
    r"\\\bsubparagraph\b\*?(?:\[(.*?)\])?\{(.*?)\}"
    r")"
)


def doc(body: str, preamble: str = "") -> str:
    return f"\\documentclass{{article}}\n{preamble}\n\\begin{{document}}\n\\maketitle\n{body}\n\\end{{document}}\n"


# ------------------------------------------------------------------------------------- header regex


def test_paragraph_heading_alone_is_found_where_v1_found_nothing() -> None:
    text = doc("Front matter.\n\\paragraph{Setup} We measure things.\n\\subsubsection*{Later} more")
    assert re.search(V1_PATTERN, text, flags=re.DOTALL).group(2).startswith("\\subsubsection")  # v1 skips it
    cleaned = _latex.clean_document(text)
    assert cleaned is not None and cleaned.startswith("\\paragraph{Setup} We measure things.")
    assert "Front matter" not in cleaned


def test_subparagraph_heading_alone_is_found() -> None:
    text = doc("intro words\n\\subparagraph{Detail} the detail.")
    assert re.search(V1_PATTERN, text, flags=re.DOTALL) is None  # v1: no heading at all -> empty document
    assert _latex.clean_document(text) == "\\subparagraph{Detail} the detail."


def test_every_level_and_optional_argument_counts_as_heading() -> None:
    for command in ("part", "chapter", "section", "subsection", "subsubsection", "paragraph", "subparagraph"):
        text = doc(f"dropped\n\\{command}*[short]{{Long title}} kept")
        assert _latex.clean_document(text) == f"\\{command}*[short]{{Long title}} kept", command


def test_lookalike_commands_are_not_headings() -> None:
    text = doc("\\sectionmark{x} \\paragraphs{y} \\partial x\nno heading here")
    assert _latex.clean_document(text) is None


# ------------------------------------------------------------------------------------------- macros


def test_argument_free_macros_expand_in_every_spelling() -> None:
    preamble = "\n".join(
        [
            r"\newcommand{\R}{\mathbb{R}}",
            r"\newcommand*{\eps}{\varepsilon}",
            r"\newcommand\NN{\mathbb{N}}",
            r"\renewcommand{\vec}{\mathbf}",
            r"\def\ours{our method}",
            r"\def \team {the {authors}}",
            r"\newcommand{\zero}[0]{nothing}",
        ]
    )
    body = r"\section{A} Let $x \in \R$, $\eps > 0$, $n\in\NN$, $\vec{v}$; \ours\ by \team, \zero."
    cleaned = _latex.clean_document(doc(body, preamble))
    assert cleaned == (
        r"\section{A} Let $x \in \mathbb{R}$, $\varepsilon > 0$, $n\in\mathbb{N}$, $\mathbf{v}$; "
        r"our method\ by the {authors}, nothing."
    )


def test_macros_with_arguments_are_left_alone() -> None:
    preamble = r"\newcommand{\norm}[1]{\lVert #1 \rVert}" + "\n" + r"\def\pair#1#2{(#1,#2)}"
    cleaned = _latex.clean_document(doc(r"\section{A} $\norm{x}$ and $\pair{a}{b}$", preamble))
    assert cleaned == r"\section{A} $\norm{x}$ and $\pair{a}{b}$"


def test_nested_macros_expand_and_prefixes_do_not_match() -> None:
    preamble = r"\newcommand{\a}{\b\b}" + "\n" + r"\newcommand{\b}{B}" + "\n" + r"\newcommand{\ab}{AB}"
    cleaned = _latex.clean_document(doc(r"\section{S} \a, \ab, \abc, \b1", preamble))
    assert cleaned == r"\section{S} BB, AB, \abc, B1"


def test_later_definition_wins_and_recursive_definition_terminates() -> None:
    preamble = r"\newcommand{\x}{first}" + "\n" + r"\renewcommand{\x}{second}" + "\n" + r"\def\loop{\loop!}"
    cleaned = _latex.clean_document(doc(r"\section{S} \x \loop", preamble))
    assert cleaned is not None and cleaned.startswith(r"\section{S} second \loop!!")
    assert len(cleaned) < 200


def test_commented_out_definition_is_not_used() -> None:
    preamble = "% \\newcommand{\\R}{WRONG}\n\\newcommand{\\R}{right} % \\def\\R{WRONG}"
    assert _latex.clean_document(doc(r"\section{S} \R", preamble)) == r"\section{S} right"


def test_definitions_in_the_body_are_removed() -> None:
    cleaned = _latex.clean_document(doc("\\section{S}\n\\newcommand{\\k}{kept}\nthe \\k word"))
    assert cleaned == "\\section{S}\n\nthe kept word"


# ----------------------------------------------------------------------------------------- comments


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("% whole line\nnext", "next"),
        ("   % indented whole line\nnext", "next"),
        ("text % inline", "text "),
        ("text% inline", "text"),
        (r"50\% of it", r"50\% of it"),
        (r"line break\\% comment", r"line break\\"),
        (r"three \\\% percent", r"three \\\% percent"),
        ("a\n%\nb", "a\nb"),
    ],
)
def test_comments(line: str, expected: str) -> None:
    assert _latex.strip_comments(line) == expected


def test_comment_environment_is_removed() -> None:
    text = "keep\n\\begin{comment}\n\\section{Hidden}\n\\end{comment}\nkeep too"
    assert _latex.strip_comments(text) == "keep\n\nkeep too"


def test_commented_heading_is_not_the_first_heading() -> None:
    cleaned = _latex.clean_document(doc("%\\section{Old}\nabstract words\n\\section{New} body"))
    assert cleaned == "\\section{New} body"


# ------------------------------------------------------------------------------------------- tails


@pytest.mark.parametrize(
    "tail",
    [
        "\\appendix\n\\section{Proofs} P",
        "\\begin{thebibliography}{9}\\bibitem{a} A\\end{thebibliography}",
        "\\bibliographystyle{plain}\n\\bibliography{refs}",
        "\\bibliography{refs}",
        "\\printbibliography",
        "\\begin{references}\nR\n\\end{references}",
        "\\begin{appendices}\\section{X}\\end{appendices}",
    ],
)
def test_text_ends_at_bibliography_or_appendix(tail: str) -> None:
    assert _latex.clean_document(doc(f"\\section{{S}} body\n{tail}\nafter")) == "\\section{S} body"


def test_text_ends_at_end_document() -> None:
    text = doc("\\section{S} body") + "trailing notes after the document\n"
    assert _latex.clean_document(text) == "\\section{S} body"


def test_math_stays_latex() -> None:
    body = "\\section{M}\n\\begin{equation}\n  E = mc^2 \\label{eq}\n\\end{equation}\nand $\\alpha_i$."
    assert _latex.clean_document(doc(body)) == body


# ---------------------------------------------------------------------------------- main + includes


def test_roots_have_documentclass_and_begin_document_and_are_not_included() -> None:
    files = {
        "a.tex": "\\section{Part}",
        "sub.tex": "\\documentclass[main.tex]{subfiles}\n\\begin{document}x\\end{document}",
        "main.tex": "\\documentclass{article}\n\\begin{document}\\subfile{sub}\\end{document}",
        "old.tex": "\\documentstyle{article}",
        "reply.tex": "\\documentclass{letter}\n\\begin{document}Dear editor\\end{document}",
    }
    assert _latex.find_roots(files) == ["main.tex", "reply.tex"]
    assert _latex.find_roots({"x.tex": "\\begin{document} hi \\end{document}", "y.tex": "no"}) == ["x.tex"]
    assert _latex.find_roots({"x.tex": "\\documentclass{article}", "y.tex": "no"}) == ["x.tex"]
    assert _latex.find_roots({"x.tex": "\\section{no main}"}) == []


def test_includes_are_inlined_once_and_safely() -> None:
    files = {
        "paper/main.tex": "\\documentclass{article}\\begin{document}\n"
        "\\input{sec/intro}\n\\include{sec/loop}\n\\input sec/bare.tex\n\\subfile{sub}\n\\input{missing}\n"
        "\\end{document}",
        "paper/sec/intro.tex": "INTRO \\input{sec/deeper}",
        "paper/sec/deeper.tex": "DEEPER",
        "paper/sec/loop.tex": "LOOP \\input{sec/loop}",
        "paper/sec/bare.tex": "BARE",
        "paper/sub.tex": "\\documentclass[main]{subfiles}\\begin{document}SUBBODY\\end{document}",
    }
    resolved = _latex.resolve_includes("paper/main.tex", files)
    assert [w for w in ("INTRO", "DEEPER", "LOOP", "BARE", "SUBBODY") if w in resolved] == [
        "INTRO", "DEEPER", "LOOP", "BARE", "SUBBODY"
    ]  # fmt: skip
    assert resolved.count("LOOP") == 1 and "missing" not in resolved
    assert resolved.count("\\documentclass") == 1  # the subfile's preamble is not inlined


def test_include_bomb_is_bounded() -> None:
    files = {f"f{i}.tex": f"\\input{{f{i + 1}}}" * 10 for i in range(10)}
    files["f10.tex"] = "x" * 1000
    resolved = _latex.resolve_includes("f0.tex", files, max_chars=100_000)
    assert len(resolved) < 200_000
