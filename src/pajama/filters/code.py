"""RedPajama v1 rules for source code files, and the `redpajama_github` preset.

Together Computer 2023, RedPajama-Data-1T, rp_v1 branch: `data_prep/github/github_clean_dedup_local.py`
first removes header comments (`clean_copyright_comments`) and computes each file's line statistics on
what is left; `github_run_filter.py` then drops a file when it is empty, its name does not end with one
of the allowed extensions (case-sensitive `str.endswith`, as there), its longest line exceeds 1000
characters, its mean line length exceeds 100, fewer than 25% of its characters are alphanumeric, or it
has fewer than 1.5 alphabetic characters per token. The kept text is the cleaned text.

Header comments, as RedPajama-v1 removes them (`header_comments: redpajama`, the default): if the file
holds a C-style `/* ... */` comment anywhere, the first one is cut when it contains "copyright" (any
case) and nothing else is removed; otherwise every leading line that is empty or starts with `//`, `#`
or `--` is removed, whatever it says (shebang lines and plain comments included). `notice` is pajama's
narrower rule, off in the preset: only the first comment block after a shebang/encoding line, and only
when it mentions a copyright or license; `keep` removes nothing. A removal is a recorded text edit.

Statistics, as RedPajama-v1 computes them on the cleaned text: lines are `str.splitlines()`; mean line
length is characters (newlines included) / lines; the alphanumeric fraction is over all characters.
One departure: RedPajama counts tokens of the Pythia (GPT-NeoX) tokenizer; here, until a configured
tokenizer is wired in, tokens are whitespace-separated words. A word is usually longer than a BPE
token, so alphabetic characters per word are higher than per token and this approximation drops fewer
files than the original (it still catches base64 blobs and digit tables). The extension rule reads
meta.path (the GitHub reader's); a record without a path passes it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pajama.filter import Edit, TextTransform, Verdict
from pajama.options import describe
from pajama.record import Record
from pajama.registry import Preset, register_filter, register_preset

#: RedPajama-Data rp_v1 data_prep/github/github_run_filter.py, the allowed file name endings
REDPAJAMA_EXTENSIONS: tuple[str, ...] = (
    *(".asm", ".bat", ".cmd", ".c", ".h", ".cs", ".cpp", ".hpp", ".c++", ".h++", ".cc", ".hh", ".C", ".H"),
    *(".cmake", ".css", ".dockerfile", ".f90", ".f", ".f03", ".f08", ".f77", ".f95", ".for", ".fpp", ".go"),
    *(".hs", ".html", ".java", ".js", ".jl", ".lua", ".md", ".markdown", ".php", ".php3", ".php4", ".php5"),
    *(".phps", ".phpt", ".pl", ".pm", ".pod", ".perl", ".ps1", ".psd1", ".psm1", ".py", ".rb", ".rs", ".sql"),
    *(".scala", ".sh", ".bash", ".command", ".zsh", ".ts", ".tsx", ".tex", ".vb", "Dockerfile", "Makefile"),
    *(".xml", ".rst", ".m", ".smali"),
)

_ASCII_NOT_ALNUM = bytes(b for b in range(128) if not chr(b).isalnum())
_ASCII_NOT_ALPHA = bytes(b for b in range(128) if not chr(b).isalpha())
_COMMENT_LINE = re.compile(r"^\s*(?:#(?!!)|//|--|;|%|\*|/\*|\*/|'|rem\b)", re.I)
_BLOCK_START = re.compile(r"^\s*/\*")
_NOTICE = re.compile(r"copyright|licen[cs]e|\(c\)|©|spdx-license-identifier", re.I)
# RedPajama-v1's header rule: a complete C-style block comment, "copyright" in it, and leading line comments
_C_BLOCK_COMMENT = re.compile(r"/\*[^*]*\*+(?:[^/*][^*]*\*+)*/")
_COPYRIGHT = re.compile("copyright", re.I)
_RP_COMMENT_STARTS = ("//", "#", "--")

HeaderRule = Literal["redpajama", "notice", "keep"]


def code_signals(text: str) -> dict[str, Any]:
    """RedPajama-v1's file statistics (mean line length = characters / lines, newlines included)."""
    lengths = list(map(len, text.splitlines()))
    n = len(text)
    alnum, alpha = _alnum_alpha(text)
    tokens = len(text.split())
    out: dict[str, Any] = {
        "max_line_length": max(lengths, default=0),
        "avg_line_length": n / len(lengths) if lengths else 0.0,
        "alphanum_fraction": alnum / n if n else 0.0,
        "alpha_per_token": alpha / tokens if tokens else 0.0,
    }
    if not text.strip():
        out["empty"] = True  # only when true, so the signals of real code are unchanged
    return out


def _alnum_alpha(text: str) -> tuple[int, int]:
    """Counts of str.isalnum() and str.isalpha() characters (bytes.translate for ASCII text: C speed)."""
    if text.isascii():
        data = text.encode("ascii")
        return len(data.translate(None, _ASCII_NOT_ALNUM)), len(data.translate(None, _ASCII_NOT_ALPHA))
    return sum(map(str.isalnum, text)), sum(map(str.isalpha, text))


@register_filter("code_quality")
@dataclass(frozen=True, kw_only=True)
class CodeQuality(TextTransform):
    """RedPajama v1 GitHub file rules (see module docstring for the definitions and the citation)."""

    max_line_length: int = 1000
    max_avg_line_length: float = 100.0
    min_alphanum_fraction: float = 0.25
    min_alpha_per_token: float = 1.5
    #: allowed file name endings; empty: every extension passes
    extensions: tuple[str, ...] = REDPAJAMA_EXTENSIONS
    #: header comments removed before the statistics: RedPajama-v1's rule, pajama's `notice` rule, or none
    header_comments: HeaderRule = "redpajama"

    def transform(self, record: Record) -> Edit:
        """Header comments removed (the rule in `header_comments`), then the statistics of what is left."""
        path = record.meta.get("path")
        text = strip_header_comments(record.text, self.header_comments)
        s = code_signals(text)
        if isinstance(path, str):
            s["path"] = path  # so that `decide` (and refilter) applies the extension rule from the signals
        if text == record.text:
            return Edit(record.text, s)
        edit = {"removed": f"header_comments.{self.header_comments}", "chars": len(record.text) - len(text)}
        return Edit(text, s, edit)

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        """The rules applied to the statistics (and `path`); an empty file fails `empty`."""
        path = s.get("path")
        if self.extensions and isinstance(path, str) and not path.endswith(self.extensions):
            return Verdict.drop("code_quality.extension", s)
        checks = (
            (s.get("empty", False), "empty"),
            (s["max_line_length"] > self.max_line_length, "max_line_length"),
            (s["avg_line_length"] > self.max_avg_line_length, "avg_line_length"),
            (s["alphanum_fraction"] < self.min_alphanum_fraction, "alphanum_fraction"),
            (s["alpha_per_token"] < self.min_alpha_per_token, "alpha_per_token"),
        )
        for failed, reason in checks:
            if failed:
                return Verdict.drop(f"code_quality.{reason}", s)
        return Verdict.keep(s)


def strip_header_comments(text: str, rule: HeaderRule) -> str:
    """`text` without its header comments under `rule` (see the module docstring)."""
    if rule == "redpajama":
        return strip_redpajama_header(text)
    if rule == "notice":
        return strip_leading_notice(text)[0]
    return text


def strip_redpajama_header(text: str) -> str:
    """RedPajama-v1's `clean_copyright_comments`: the first C-style block comment goes if it says
    "copyright"; a file without one loses every leading empty or `//`, `#`, `--` line."""
    block = _C_BLOCK_COMMENT.search(text)
    if block is not None:
        if _COPYRIGHT.search(block.group()):
            return text[: block.start()] + text[block.end() :]
        return text
    lines = text.split("\n")
    skip = 0
    while skip < len(lines) and (not lines[skip] or lines[skip].startswith(_RP_COMMENT_STARTS)):
        skip += 1
    return "\n".join(lines[skip:]) if skip else text


def strip_leading_notice(text: str) -> tuple[str, int]:
    """Remove the first comment block (after a shebang / encoding line) when it is a copyright or license
    notice. Returns (text, number of characters removed)."""
    lines = text.splitlines(keepends=True)
    start = 0
    while start < len(lines) and (lines[start].startswith("#!") or "coding" in lines[start][:40]):
        start += 1
    end = _comment_block_end(lines, start)
    block = "".join(lines[start:end])
    if end == start or not _NOTICE.search(block):
        return text, 0
    while end < len(lines) and not lines[end].strip():
        end += 1  # the blank lines after the notice go with it
    kept = "".join(lines[:start] + lines[end:])
    return kept, len(text) - len(kept)


def _comment_block_end(lines: list[str], start: int) -> int:
    if start < len(lines) and _BLOCK_START.match(lines[start]):
        for i in range(start, len(lines)):
            if "*/" in lines[i]:
                return i + 1
        return start
    end = start
    while end < len(lines) and _COMMENT_LINE.match(lines[end]):
        end += 1
    return end


REDPAJAMA_GITHUB = register_preset(
    Preset(
        name="redpajama_github",
        filters=[{"code_quality": describe(CodeQuality())}],
        description="RedPajama v1 GitHub file rules (header comments removed first); pair with the source "
        "option `license: {policy: redpajama}`",
        citation="Together Computer 2023, RedPajama-Data-1T, data_prep/github/github_clean_dedup_local.py and "
        "github_run_filter.py (rp_v1)",
    )
)
