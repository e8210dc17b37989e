"""LaTeX cleaning as RedPajama v1 did it (data_prep/arxiv/arxiv_cleaner.py), with its known bugs fixed.

RedPajama v1 kept, per submission: everything from the first section-level heading on, without
comments, cut at the bibliography or appendix, with argument-free macros inline-expanded; math stays
LaTeX. Where this module differs, on purpose:

- the section-heading regex separates the `\\paragraph` and `\\subparagraph` alternatives (v1 joined
  them without `|`, so a `\\paragraph{...}` heading only matched when `\\subparagraph` followed it);
- comments are removed before anything else, so a commented-out `\\section`, `\\input` or
  `\\newcommand` has no effect (v1 read macros and found the first heading before removing comments);
- an inline comment keeps the character before `%` and respects `\\%` and `\\\\%` (v1's `[^\\\\]%.+$`
  ate the preceding character);
- `\\renewcommand`, `\\providecommand`, `\\def`/`\\gdef` and `\\newcommand\\name` without braces are
  read too, bodies may span lines and nest braces (v1 matched one-line `\\newcommand{..}{..}$` only),
  `[0]` counts as argument-free, and macros defined in terms of other macros expand in a few passes;
- the text also ends at `\\end{document}`, `\\bibliographystyle`, `\\printbibliography` and
  `\\begin{appendices}`;
- `comment` environments are removed with the `%` comments.
- the document starts with one root file (`find_roots`; the reader picks the root with the most cleaned text)
  with its `\\input`, `\\include` and `\\subfile` files inlined, then every other .tex file cleaned on its own
  (the reader's `unused_files: append`, as v1 concatenated every .tex member; `skip` leaves them out,
  since stale copies, unused drafts and rebuttal letters in a tarball are not the paper).
Verbatim text is not treated specially: a `%` inside `\\verb` or `verbatim` is read as a comment.
"""

from __future__ import annotations

import posixpath
import re

# ----------------------------------------------------------------------------------------- comments

_WHOLE_LINE_COMMENT = re.compile(r"^[ \t]*%.*(?:\n|\Z)", re.MULTILINE)
# a % preceded by an even number of backslashes (zero included) starts a comment
_INLINE_COMMENT = re.compile(r"(?<!\\)((?:\\\\)*)%.*$", re.MULTILINE)
_COMMENT_ENV = re.compile(r"\\begin\{comment\}.*?\\end\{comment\}", re.DOTALL)


def strip_comments(text: str) -> str:
    """Remove whole-line comments (with their newline), inline comments and `comment` environments."""
    text = _WHOLE_LINE_COMMENT.sub("", text)
    text = _INLINE_COMMENT.sub(r"\1", text)
    return _COMMENT_ENV.sub("", text)


# ------------------------------------------------------------------------------- headings and tails

#: v1's pattern, with `|` between the paragraph and subparagraph alternatives (the bug fix).
HEADING = re.compile(
    r"\\\b(?:chapter|part|section|subsection|subsubsection|paragraph|subparagraph)\b\*?\s*"
    r"(?:\[(?:.*?)\])?\s*\{(?:.*?)\}",
    re.DOTALL,
)
_TAIL = re.compile(
    r"\\appendix\b|\\begin\{(?:references|REFERENCES|thebibliography|appendices)\}"
    r"|\\bibliography\{|\\bibliographystyle\b|\\printbibliography\b|\\end\{document\}"
)


def from_first_heading(text: str) -> str | None:
    """The text from the first section-level heading on, or None when there is no heading."""
    m = HEADING.search(text)
    return text[m.start() :] if m else None


def cut_tail(text: str) -> str:
    """The text before the bibliography, the appendix or the end of the document."""
    m = _TAIL.search(text)
    return text[: m.start()] if m else text


# ------------------------------------------------------------------------------------------- macros

_DEFINITION = re.compile(
    r"\\(?:(?:renew|provide|new)command\*?\s*(?:\{\s*\\(?P<n1>[A-Za-z]+)\s*\}|\\(?P<n2>[A-Za-z]+))"
    r"|(?:g|e|x)?def\s*\\(?P<n3>[A-Za-z]+))\s*"
)
_ARGS = re.compile(r"\[\s*(\d+)\s*\](?:\s*\[[^\]]*\])?\s*")
_MAX_PASSES = 6


def _braced(text: str, start: int) -> int | None:
    """Index just past the brace group opening at `start`, or None when it does not close."""
    if start >= len(text) or text[start] != "{":
        return None
    depth = 0
    i = start
    while i < len(text):
        c = text[i]
        if c == "\\":
            i += 2
            continue
        if c == "{":
            depth += 1
        elif c == "}":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return None


def extract_macros(text: str) -> tuple[dict[str, str], str]:
    """Argument-free macro definitions {name: body} and the text with those definitions removed.

    Definitions with arguments (`[n]` with n > 0, or `\\def\\x#1`) are left in the text untouched.
    A later definition of the same name wins, as in TeX.
    """
    macros: dict[str, str] = {}
    kept: list[str] = []
    pos = 0
    for m in _DEFINITION.finditer(text):
        if m.start() < pos:
            continue
        name = m.group("n1") or m.group("n2") or m.group("n3")
        body_at = m.end()
        args = _ARGS.match(text, body_at) if m.group("n3") is None else None
        if args is not None:
            if int(args.group(1)) > 0:
                continue
            body_at = args.end()
        end = _braced(text, body_at)
        if end is None:
            continue
        macros[name] = text[body_at + 1 : end - 1]
        kept.append(text[pos : m.start()])
        pos = end
    kept.append(text[pos:])
    return macros, "".join(kept)


def expand_macros(text: str, macros: dict[str, str]) -> str:
    """Replace each `\\name` (a whole control word) by its body, a few passes deep for nested macros."""
    if not macros:
        return text
    names = sorted(macros, key=len, reverse=True)
    pattern = re.compile(r"\\(" + "|".join(map(re.escape, names)) + r")(?![A-Za-z])")
    limit = 4 * len(text) + (1 << 20)  # a self-referencing \def must not grow the text without end
    for _ in range(_MAX_PASSES):
        expanded = pattern.sub(lambda m: macros[m.group(1)], text)
        if expanded == text or len(expanded) > limit:
            break
        text = expanded
    return text


# -------------------------------------------------------------------------------------------- clean

_BLANK_RUNS = re.compile(r"\n[ \t]*(?:\n[ \t]*){2,}")
_TRAILING_SPACE = re.compile(r"[ \t]+$", re.MULTILINE)


def clean_document(text: str) -> str | None:
    """Clean one resolved LaTeX document (includes already inlined). None when it has no heading.

    Order: comments out, macros read from the whole document (preamble included) and their
    definitions removed, keep from the first heading, cut at the bibliography/appendix, expand macros.
    """
    text = strip_comments(text)
    macros, text = extract_macros(text)
    body = from_first_heading(text)
    if body is None:
        return None
    body = expand_macros(cut_tail(body), macros)
    body = _TRAILING_SPACE.sub("", body)
    return _BLANK_RUNS.sub("\n\n", body).strip()


# --------------------------------------------------------------------------- main file and includes

_DOCUMENTCLASS = re.compile(r"\\document(?:class|style)\b")
_BEGIN_DOCUMENT = re.compile(r"\\begin\s*\{document\}")
_END_DOCUMENT = re.compile(r"\\end\s*\{document\}")
_INCLUDE = re.compile(
    r"\\(?P<cmd>input|include|subfile)\s*\{\s*(?P<braced>[^{}]+?)\s*\}|\\input\s+(?P<bare>[^\s{}\\%]+)"
)
_MAX_INCLUDE_DEPTH = 12
#: a file \input many times by files that are \input many times must not blow up the text
MAX_RESOLVED_CHARS = 32 << 20


def find_roots(files: dict[str, str]) -> list[str]:
    """The root files of a submission, sorted by path: those with `\\documentclass` (or LaTeX 2.09
    `\\documentstyle`) and `\\begin{document}` that no other root includes (a subfile has both).

    `files` maps paths to comment-free text. Without such a file, the `\\documentclass` files; without
    those, the files with `\\begin{document}`. A submission may have several roots (the paper and a
    rebuttal letter, a supplement, exercise sheets): the reader chooses among them by their content.
    """
    candidates = [p for p, t in files.items() if _DOCUMENTCLASS.search(t)]
    with_body = [p for p in candidates if _BEGIN_DOCUMENT.search(files[p])]
    candidates = with_body or candidates or [p for p, t in files.items() if _BEGIN_DOCUMENT.search(t)]
    included = {_target(m) for p in candidates for m in _INCLUDE.finditer(files[p])}

    def is_included(path: str) -> bool:
        return bool({path, path.rsplit(".", 1)[0], path.rsplit("/", 1)[-1]} & included)

    return sorted([p for p in candidates if not is_included(p)] or candidates)


def _target(m: re.Match[str]) -> str:
    return (m.group("braced") or m.group("bare") or "").strip()


def _lookup(name: str, including: str, main_dir: str, files: dict[str, str]) -> str | None:
    for base in (main_dir, posixpath.dirname(including), ""):
        path = posixpath.normpath(posixpath.join(base, name)) if name else ""
        for candidate in (path, f"{path}.tex"):
            if candidate in files:
                return candidate
    return None


def resolve_includes(
    main: str, files: dict[str, str], max_chars: int = MAX_RESOLVED_CHARS, used: set[str] | None = None
) -> str:
    """The main file with `\\input`, `\\include` and `\\subfile` replaced by the files they name.

    Paths resolve against the main file's folder (as LaTeX does), then the including file's, then
    the submission root. A missing file, a cycle or excessive depth leaves the command out.
    Subfiles contribute only their document body. Inlining stops once `max_chars` were inlined.
    `used`, when given, receives the path of every file inlined.
    """
    main_dir = posixpath.dirname(main)
    budget = [max_chars - len(files[main])]

    def inline(path: str, stack: tuple[str, ...]) -> str:
        def replace(m: re.Match[str]) -> str:
            target = _lookup(_target(m), path, main_dir, files)
            if target is None or target in stack or len(stack) >= _MAX_INCLUDE_DEPTH:
                return ""
            budget[0] -= len(files[target])
            if budget[0] < 0:
                return ""
            if used is not None:
                used.add(target)
            body = inline(target, (*stack, target))
            if m.group("cmd") == "subfile":
                body = document_body(body)
            return f"\n{body}\n"

        return _INCLUDE.sub(replace, files[path])

    return inline(main, (main,))


def document_body(text: str) -> str:
    """The text between `\\begin{document}` and `\\end{document}` (the whole text when absent)."""
    begin = _BEGIN_DOCUMENT.search(text)
    if begin is None:
        return text
    end = _END_DOCUMENT.search(text, begin.end())
    return text[begin.end() : end.start() if end else len(text)]
