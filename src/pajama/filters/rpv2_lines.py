"""RedPajama-v2's per-line signals (its `lines.py`), computed for all lines at once rather than line by line.

A raw line is RP-v2's: the text up to and including a "\\n", blank lines included (see rpv2_signals.py).
Character classes (uppercase, whitespace, numeric) come from one table per distinct character of the text,
and per-line sums from `np.add.reduceat` over the line starts; end and start marks from one multiline regex.
A normalized line is the line with `string.punctuation` deleted, lowercased, whitespace collapsed and NFD
applied; its length and numeric characters are sums over its characters' NFD expansions (NFD only decomposes
and reorders, so both add up per character) plus one space between words.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable
from typing import Any

import numpy as np

PRECISION = 8
TERMINAL_END = re.compile(r"[.!?”][^\S\n]*$", re.MULTILINE)  # str.rstrip().endswith((".", "!", "?", "”"))
ELLIPSIS_END = re.compile(r"(?:\.\.\.|…)[^\S\n]*$", re.MULTILINE)
# RP-v2's ten bullet code points, after leading whitespace: •, ‣, ▶, ◀, ◦, ■, □, ▪, ▫, en dash
BULLET_START = re.compile("^[^\\S\\n]*[\u2022\u2023\u25b6\u25c0\u25e6\u25a0\u25a1\u25aa\u25ab\u2013]", re.MULTILINE)


def _nfd_numeric(c: str) -> int:
    return sum(map(str.isnumeric, unicodedata.normalize("NFD", c)))


def _nfd_length(c: str) -> int:
    return len(unicodedata.normalize("NFD", c))


def _classes(text: str, *tests: Callable[[str], int]) -> list[np.ndarray]:
    """For each test, its value on every character of `text` (int64 arrays), from a table per test."""
    if text.isascii():
        codes = np.frombuffer(text.encode("ascii"), dtype=np.uint8)
        return [_table(t, 128)[codes] for t in tests]
    codes32 = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    if int(codes32.max()) < 0x10000:
        return [_table(t, 0x10000)[codes32] for t in tests]
    distinct, where = np.unique(codes32, return_inverse=True)  # beyond the BMP: only the characters present
    chars = [chr(c) for c in distinct.tolist()]
    return [np.fromiter(map(t, chars), dtype=np.int64, count=len(chars))[where] for t in tests]


@functools.lru_cache(maxsize=8)
def _table(test: Callable[[str], int], size: int) -> np.ndarray:
    """`test` on every code point below `size` (built once per process: ASCII, then the BMP on demand)."""
    return np.fromiter(map(test, map(chr, range(size))), dtype=np.int64, count=size)


def _per_line(values: np.ndarray, starts: np.ndarray) -> list[int]:
    """Sums of `values` over the lines beginning at `starts` (strictly increasing, each line non-empty)."""
    return np.add.reduceat(np.concatenate((values, [0])), starts).tolist()


def _marked_lines(pattern: re.Pattern[str], text: str, ends: np.ndarray, n_lines: int) -> list[float]:
    """1.0 for the lines holding a match of `pattern` (at most one per line), else 0.0."""
    marks = np.zeros(n_lines)
    hits = [m.start() for m in pattern.finditer(text)]
    if hits:
        marks[np.searchsorted(ends, hits, side="right")] = 1.0
    return marks.tolist()


def ellipsis_lines(text: str) -> int:
    """Raw lines whose right-stripped text ends with "..." or "…"."""
    return len(ELLIPSIS_END.findall(text))


def line_signals(text: str, lowered: str, pieces: list[str], normalized_pieces: list[str]) -> dict[str, list[Any]]:
    """RP-v2's six line signals as `[start, end, value]` spans, one per raw line."""
    n_lines = len(pieces)
    if n_lines == 0:
        names = ("ending_with_terminal_punctution_mark", "javascript_counts", "num_words")
        empty: dict[str, list[Any]] = {f"rps_lines_{name}": [] for name in names}
        empty.update({"rps_lines_numerical_chars_fraction": [], "rps_lines_start_with_bulletpoint": [[0, 0, None]]})
        return {**empty, "rps_lines_uppercase_letter_fraction": []}
    lengths = np.fromiter(map(len, pieces), dtype=np.int64, count=n_lines) + 1
    ends = np.cumsum(lengths)
    if not text.endswith("\n"):
        ends[-1] -= 1
        lengths[-1] -= 1
    starts = ends - lengths
    (upper,) = _classes(text, str.isupper)
    uppercase = [round(u / n, PRECISION) for u, n in zip(_per_line(upper, starts), lengths.tolist(), strict=True)]
    words, numeric = _normalized_lines(lowered, normalized_pieces)
    js = [0.0] * n_lines
    for i, low in enumerate(normalized_pieces):
        if "javascript" in low:
            js[i] = float(low.split().count("javascript"))
    s, e = starts.tolist(), ends.tolist()
    terminal = _marked_lines(TERMINAL_END, text, ends, n_lines)
    return {
        "rps_lines_ending_with_terminal_punctution_mark": _spans(s, e, terminal),
        "rps_lines_javascript_counts": _spans(s, e, js),
        "rps_lines_num_words": _spans(s, e, words),
        "rps_lines_numerical_chars_fraction": _spans(s, e, numeric),
        "rps_lines_start_with_bulletpoint": _spans(s, e, _marked_lines(BULLET_START, text, ends, n_lines)),
        "rps_lines_uppercase_letter_fraction": _spans(s, e, uppercase),
    }


def _normalized_lines(lowered: str, pieces: list[str]) -> tuple[list[int], list[float]]:
    """Words and numeric-character fraction of each normalized line (`lowered`: punctuation deleted, lowercased;
    `pieces`: its lines)."""
    space, numeric, nfd_length = _classes(lowered, str.isspace, _nfd_numeric, _nfd_length)
    starts = np.cumsum(np.fromiter(map(len, pieces), dtype=np.int64, count=len(pieces)) + 1) - 1
    starts = np.concatenate(([0], starts[:-1] + 1))
    word_start = (1 - space) * np.concatenate(([1], space[:-1]))
    words = _per_line(word_start, starts)
    chars = _per_line(nfd_length * (1 - space), starts)
    digits = _per_line(numeric * (1 - space), starts)
    fractions = []
    for w, c, d in zip(words, chars, digits, strict=True):
        length = c + w - 1 if w else 0
        fractions.append(round(d / length, PRECISION) if length else 0.0)
    return words, fractions


def _spans(starts: list[int], ends: list[int], values: list[Any]) -> list[list[Any]]:
    return list(map(list, zip(starts, ends, values, strict=True)))
