"""RedPajama-v2's model-free quality signals, as RedPajama-Data v2's own code computes them.

Reference: togethercomputer/RedPajama-Data, branch main (commit 6d2cee9, app/src/core: document.py,
quality_signals/{content,natural_language,lines,repetitions}.py), run with nltk 3.8.1. The point of these
signals is that RedPajama-v2's published thresholds mean the same thing here, so RP-v2's definitions are
reproduced, oddities included, and computed in one pass over shared tokenizations (the reference tokenizes
and normalizes again for most signals). Names are RP-v2's field names, misspelling included
(`rps_lines_ending_with_terminal_punctution_mark`).

The three views of a document that every signal reads (RP-v2's `Document`):

- raw lines: the text cut after every "\\n" (RP-v2's `([^\\n]*\\n|[^\\n]+$)`), newline kept, blank lines
  INCLUDED; a text ending in "\\n" has no empty last line. Line signals are one `[start, end, value]` span
  per raw line, offsets in characters of the text.
- normalized words: the text with every `string.punctuation` character deleted (ASCII only: "l'été" becomes
  "lété", "e-mail" becomes "email", "3.14" becomes "314"), lowercased, whitespace collapsed, then NFD (so "é"
  is two characters, and word lengths count the combining accent), split on whitespace. Each raw line is
  normalized the same way for the per-line word, number and "javascript" signals.
- raw tokens: nltk's WordPunctTokenizer on the raw text (`\\w+|[^\\w\\s]+`: "don't" is "don", "'", "t"; "..."
  is one token). These are the denominator of the symbol, all-caps, no-letter and stop-word ratios.

Oddities kept on purpose: a word "has a letter" only if it has an ASCII letter `[a-zA-Z]` (so "été" and
"東京" are words with no letter); stop words are matched against the raw, case-kept tokens (so "The" is not
the stop word "the"); the LDNOOBW list is matched as written against normalized n-grams (so an NFC-accented
or punctuated entry never matches); the top n-gram on a tie is the first seen; "lorem ipsum" is counted in the
normalized text and divided by its length; sentences are the matches of `\\b[^.!?]+[.!?]*` (so "3.14" is two
sentences); the ten bullet code points are RP-v2's (•, ‣, ▶, ◀, ◦, ■, □, ▪, ▫ and the en dash, not "-" or
"*"); ratios are rounded to 8 decimals; a document without words gets null where RP-v2 gives null (mean word
length, entropy, ...) and 0.0 where RP-v2 gives 0.0 (stop-word fraction, n-gram fractions).
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import string
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

PRECISION = 8
PUNCTUATION_DELETE = str.maketrans("", "", string.punctuation)
WORD_PUNCT = re.compile(r"\w+|[^\w\s]+")  # nltk.tokenize.WordPunctTokenizer's pattern
ASCII_LETTER = re.compile(r"[a-zA-Z]")
# One match of RP-v2's `\b[^.!?]+[.!?]*` per run of non-[.!?] characters that holds a word character:
# the same count, without the word-boundary test at every position.
SENTENCE = re.compile(r"\w[^.!?]*")
LOREM = re.compile(r"lorem ipsum", re.IGNORECASE)
TERMINAL_MARKS = (".", "!", "?", "”")
ELLIPSES = ("...", "…")
SYMBOLS = ("#", "...", "…")
BULLETS = ("\u2022", "\u2023", "\u25b6", "\u25c0", "\u25e6", "\u25a0", "\u25a1", "\u25aa", "\u25ab", "\u2013")
UPPER_ASCII = string.ascii_uppercase.encode()
DIGITS_ASCII = string.digits.encode()

Span = list[Any]


@dataclass(frozen=True)
class WordLists:
    """The per-language lists of one document: None where pajama has no list (the signal is then null)."""

    stop_words: frozenset[str] | None = None
    bad_words: frozenset[str] | None = None
    ut1: Mapping[str, int] | None = None


def _round(x: float) -> float:
    return round(x, PRECISION)


def _nfd(s: str) -> str:
    return s if s.isascii() else unicodedata.normalize("NFD", s)


def _count_upper(s: str) -> int:
    if s.isascii():
        b = s.encode()
        return len(b) - len(b.translate(None, UPPER_ASCII))
    return sum(map(str.isupper, s))


def _count_numeric(s: str) -> int:
    if s.isascii():
        b = s.encode()
        return len(b) - len(b.translate(None, DIGITS_ASCII))
    return sum(map(str.isnumeric, s))


def rpv2_signals(text: str, lists: WordLists | None = None, domain: str | None = None) -> dict[str, Any]:
    """Every model-free RP-v2 signal of `text`: document signals as values, line signals as span lists.

    `domain` is the URL's host as CCNet records it (`urlparse(url).netloc`), for `rps_doc_ut1_blacklist`.
    `ccnet_nlines` (CCNet's line count, the denominator of the dataset card's bullet rule) is included.
    """
    pieces = text.split("\n")
    lowered = text.translate(PUNCTUATION_DELETE).lower()
    normalized_pieces = lowered.split("\n")  # neither deletion nor lowercasing touches a newline
    if pieces[-1] == "":
        pieces.pop()
        normalized_pieces.pop()
    content = _nfd(" ".join(lowered.split()))
    words = content.split()
    tokens = WORD_PUNCT.findall(text)
    out: dict[str, Any] = {"ccnet_nlines": text.count("\n") + 1 if text else 0}
    out.update(_content_signals(text, content, words, tokens, lists or WordLists(), domain))
    out.update(_ngram_signals(words))
    out.update(_natural_language_signals(text, pieces, words, tokens))
    out.update(_line_signals(text, pieces, normalized_pieces))
    return out


def _content_signals(
    text: str, content: str, words: list[str], tokens: list[str], lists: WordLists, domain: str | None
) -> dict[str, Any]:
    n_chars = len(content)
    lorem = 0.0
    if n_chars and "lorem ipsum" in content:
        lorem = _round(float(len(LOREM.findall(content))) / n_chars)
    curly = 0.0
    if text and ("{" in text or "}" in text):
        curly = _round(float(text.count("{") + text.count("}")) / len(text))
    stop: float | None = None
    if lists.stop_words is not None:
        stop = _round(float(sum(map(lists.stop_words.__contains__, tokens))) / len(tokens)) if words else 0.0
    bad: float | None = None
    if lists.bad_words is not None:
        bad = float(_bad_word_count(words, lists.bad_words)) if n_chars else 0.0
    return {
        "rps_doc_curly_bracket": curly,
        "rps_doc_ldnoobw_words": bad,
        "rps_doc_lorem_ipsum": lorem,
        "rps_doc_stop_word_fraction": stop,
        "rps_doc_ut1_blacklist": None if lists.ut1 is None else lists.ut1.get(domain),  # type: ignore[arg-type]
    }


def _bad_word_count(words: list[str], entries: frozenset[str]) -> int:
    """Word n-grams of the normalized text that equal a list entry, for every entry length (1 + its spaces)."""
    count = sum(map(entries.__contains__, words))
    for n, firsts in _multiword_firsts(entries).items():
        starts = itertools.compress(range(len(words) - n + 1), map(firsts.__contains__, words))
        count += sum(" ".join(words[i : i + n]) in entries for i in starts)
    return count


@functools.lru_cache(maxsize=16)
def _multiword_firsts(entries: frozenset[str]) -> dict[int, frozenset[str]]:
    """{n: first words of the n-word entries}: only n-grams starting with one of these can match."""
    by_n: dict[int, set[str]] = {}
    for e in entries:
        n = 1 + e.count(" ")
        if n > 1:
            by_n.setdefault(n, set()).add(e.split(" ")[0])
    return {n: frozenset(f) for n, f in sorted(by_n.items())}


def _natural_language_signals(text: str, pieces: list[str], words: list[str], tokens: list[str]) -> dict[str, Any]:
    n_words, n_tokens, n_lines = len(words), len(tokens), len(pieces)
    out: dict[str, Any] = {
        "rps_doc_frac_all_caps_words": None,
        "rps_doc_frac_lines_end_with_ellipsis": None,
        "rps_doc_frac_no_alph_words": None,
        "rps_doc_frac_unique_words": None,
        "rps_doc_mean_word_length": None,
        "rps_doc_num_sentences": float(len(SENTENCE.findall(text))),
        "rps_doc_symbol_to_word_ratio": None,
        "rps_doc_unigram_entropy": None,
        "rps_doc_word_count": n_words,
    }
    if n_lines:
        ellipsis_lines = float(sum(p.rstrip().endswith(ELLIPSES) for p in pieces))
        out["rps_doc_frac_lines_end_with_ellipsis"] = _round(ellipsis_lines / n_lines)
    if n_tokens:
        with_letter = float(sum(map(bool, map(ASCII_LETTER.search, tokens))))
        out["rps_doc_frac_no_alph_words"] = _round(1.0 - with_letter / n_tokens)
        out["rps_doc_frac_all_caps_words"] = _round(float(sum(map(str.isupper, tokens))) / n_tokens)
        out["rps_doc_symbol_to_word_ratio"] = _round(float(sum(text.count(x) for x in SYMBOLS)) / n_tokens)
    if n_words:
        counts = Counter(words)
        out["rps_doc_frac_unique_words"] = _round(float(len(counts)) / n_words)
        out["rps_doc_mean_word_length"] = _round(float(sum(map(len, words))) / n_words)
        out["rps_doc_unigram_entropy"] = _round(sum(-x / n_words * math.log(x / n_words) for x in counts.values()))
    return out


def _line_signals(text: str, pieces: list[str], normalized_pieces: list[str]) -> dict[str, list[Span]]:
    ends = list(itertools.accumulate(len(p) + 1 for p in pieces))
    if ends and not text.endswith("\n"):
        ends[-1] -= 1
    starts = [0, *ends[:-1]] if ends else []
    terminal, bullet, upper, js, n_words, numeric = [], [], [], [], [], []
    for s, e, raw, low in zip(starts, ends, pieces, normalized_pieces, strict=True):
        terminal.append([s, e, float(raw.rstrip().endswith(TERMINAL_MARKS))])
        bullet.append([s, e, float(raw.lstrip().startswith(BULLETS))])
        upper.append([s, e, _round(_count_upper(raw) / (e - s))])
        toks = low.split()
        line = _nfd(" ".join(toks))
        js.append([s, e, float(toks.count("javascript")) if "javascript" in low else 0.0])
        n_words.append([s, e, len(toks)])
        numeric.append([s, e, _round(_count_numeric(line) / len(line)) if line else 0.0])
    return {
        "rps_lines_ending_with_terminal_punctution_mark": terminal,
        "rps_lines_javascript_counts": js,
        "rps_lines_num_words": n_words,
        "rps_lines_numerical_chars_fraction": numeric,
        "rps_lines_start_with_bulletpoint": bullet or [[0, len(text), None]],
        "rps_lines_uppercase_letter_fraction": upper,
    }


def _ngram_signals(words: list[str]) -> dict[str, float]:
    """Top 2/3/4-gram and duplicate 5..10-gram character fractions over the normalized words.

    Each n-gram gets an integer id from its (n-1)-gram's id and its last word's id, so no tuple of words
    is ever built; occurrence counts and first positions come from one sort per n.
    """
    out = {f"rps_doc_frac_chars_top_{n}gram": 0.0 for n in (2, 3, 4)}
    out.update({f"rps_doc_frac_chars_dupe_{n}grams": 0.0 for n in range(5, 11)})
    n_words = len(words)
    if n_words < 2:
        return out
    first_seen: dict[str, int] = {}
    ids = np.fromiter(map(first_seen.setdefault, words, itertools.count()), dtype=np.int64, count=n_words)
    lengths = np.fromiter(map(len, words), dtype=np.int64, count=n_words)
    cum = np.concatenate(([0], np.cumsum(lengths)))
    total = int(cum[-1])
    gram = ids
    for n in range(2, min(n_words, 10) + 1):
        keys = gram[:-1] * n_words + ids[n - 1 :]
        _, first, gram, counts = np.unique(keys, return_index=True, return_inverse=True, return_counts=True)
        if n <= 4:
            out[f"rps_doc_frac_chars_top_{n}gram"] = _top_fraction(first, counts, cum, n, total)
        else:
            out[f"rps_doc_frac_chars_dupe_{n}grams"] = _dupe_fraction(counts[gram] > 1, lengths, n, total)
    return out


def _top_fraction(first: np.ndarray, counts: np.ndarray, cum: np.ndarray, n: int, total: int) -> float:
    """Characters of the most frequent n-gram times its count; on a tie, the n-gram seen first (Counter order)."""
    top = int(counts.max())
    if top <= 1:
        return 0.0
    at = int(first[counts == top].min())
    return _round(int(cum[at + n] - cum[at]) * top / total)


def _dupe_fraction(repeated: np.ndarray, lengths: np.ndarray, n: int, total: int) -> float:
    """Characters of the words covered by any occurrence of an n-gram that occurs more than once."""
    if not repeated.any():
        return 0.0
    starts = np.concatenate(([0], np.cumsum(repeated)))
    last = len(repeated) - 1
    j = np.arange(len(lengths))
    covered = starts[np.minimum(j, last) + 1] - starts[np.maximum(j - n + 1, 0)] > 0
    return _round(int(lengths[covered].sum()) / total)
