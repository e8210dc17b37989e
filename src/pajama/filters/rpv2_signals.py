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

from pajama.filters import rpv2_lists
from pajama.filters.rpv2_lines import PRECISION, ellipsis_lines, line_signals

PUNCTUATION_BYTES = string.punctuation.encode()
WORD_PUNCT = re.compile(r"\w+|[^\w\s]+")  # nltk.tokenize.WordPunctTokenizer's pattern
ASCII_LETTER = re.compile(r"[a-zA-Z]")
# One match of RP-v2's `\b[^.!?]+[.!?]*` per run of non-[.!?] characters that holds a word character:
# the same count, without the word-boundary test at every position.
SENTENCE = re.compile(r"\w[^.!?]*")
LOREM = re.compile(r"lorem ipsum", re.IGNORECASE)
SYMBOLS = ("#", "...", "…")


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


def _delete_punctuation(text: str) -> str:
    """str.translate deleting `string.punctuation`, on UTF-8 bytes: an ASCII byte is never part of another
    character's encoding there, and bytes.translate is far faster than a str translation table."""
    raw = text.encode("utf-8", "surrogatepass")
    return raw.translate(None, PUNCTUATION_BYTES).decode("utf-8", "surrogatepass")


def rpv2_signals(
    text: str, lists: WordLists | None = None, domain: str | None = None, *, language: str | None = None
) -> dict[str, Any]:
    """Every model-free RP-v2 signal of `text`: document signals as values, line signals as span lists.

    `lists` are the word lists to use; without them, `language` picks RP-v2's shipped stop words and LDNOOBW
    list (none for other languages: those two signals are then null). `domain` is the URL's host as CCNet
    records it (`urlparse(url).netloc`), looked up in `lists.ut1` for `rps_doc_ut1_blacklist`.
    `ccnet_nlines` (CCNet's line count, the denominator of the dataset card's bullet rule) is included.
    """
    pieces = text.split("\n")
    lowered = _delete_punctuation(text).lower()
    normalized_pieces = lowered.split("\n")  # neither deletion nor lowercasing touches a newline
    if pieces[-1] == "":
        pieces.pop()
        normalized_pieces.pop()
    content = _nfd(" ".join(lowered.split()))
    words = content.split()
    tokens = WORD_PUNCT.findall(text)
    out: dict[str, Any] = {"ccnet_nlines": text.count("\n") + 1 if text else 0}
    if lists is None:
        lang = rpv2_lists.base_language(language)
        lists = WordLists(stop_words=rpv2_lists.stop_words(lang), bad_words=rpv2_lists.bad_words(None, lang))
    out.update(_content_signals(text, content, words, tokens, lists, domain))
    out.update(_ngram_signals(words))
    out.update(_natural_language_signals(text, pieces, words, tokens))
    out.update(line_signals(text, lowered, pieces, normalized_pieces))
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
        out["rps_doc_frac_lines_end_with_ellipsis"] = _round(float(ellipsis_lines(text)) / n_lines)
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


def _ngram_signals(words: list[str]) -> dict[str, float]:
    """Top 2/3/4-gram and duplicate 5..10-gram character fractions over the normalized words.

    An n-gram's id is the position where it first occurs, found from its (n-1)-gram's id and its last word's
    id, so no tuple of words is ever built. Only an n-gram whose two (n-1)-grams both repeat can repeat, so
    each n sorts just those candidates, and stops once nothing repeats.
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
    gram, repeated = ids, np.bincount(ids, minlength=n_words)[ids] > 1
    for n in range(2, min(n_words, 10) + 1):
        gram, repeated, first, counts = _next_grams(gram, repeated, ids[n - 1 :], n_words)
        if not repeated.any():
            break
        if n <= 4:
            top = int(counts.max())
            at = int(first[counts == top].min())
            out[f"rps_doc_frac_chars_top_{n}gram"] = _round(int(cum[at + n] - cum[at]) * top / total)
        else:
            out[f"rps_doc_frac_chars_dupe_{n}grams"] = _dupe_fraction(repeated, lengths, n, total)
    return out


def _next_grams(
    gram: np.ndarray, repeated: np.ndarray, last: np.ndarray, base: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """From the (n-1)-gram ids and repeat flags: the n-gram ids and repeat flags, and for the candidate
    n-grams their first positions and occurrence counts."""
    size = len(last)
    cand = np.flatnonzero(repeated[:-1] & repeated[1:])
    ids = np.arange(size, dtype=np.int64)  # a unique n-gram is first seen where it is
    flags = np.zeros(size, dtype=bool)
    if len(cand) == 0:
        return ids, flags, cand, cand
    keys = gram[cand] * base + last[cand]
    order = np.argsort(keys, kind="stable")
    ordered = keys[order]
    new = np.concatenate(([True], ordered[1:] != ordered[:-1]))
    starts = np.flatnonzero(new)
    group = np.cumsum(new) - 1
    sizes = np.diff(np.append(starts, len(order)))
    first = np.empty(len(cand), dtype=np.int64)
    first[order] = cand[order[starts]][group]
    counts = np.empty(len(cand), dtype=np.int64)
    counts[order] = sizes[group]
    ids[cand] = first
    flags[cand] = counts > 1
    return ids, flags, first, counts


def _dupe_fraction(repeated: np.ndarray, lengths: np.ndarray, n: int, total: int) -> float:
    """Characters of the words covered by any occurrence of an n-gram that occurs more than once."""
    starts = np.concatenate(([0], np.cumsum(repeated)))
    last = len(repeated) - 1
    j = np.arange(len(lengths))
    covered = starts[np.minimum(j, last) + 1] - starts[np.maximum(j - n + 1, 0)] > 0
    return _round(int(lengths[covered].sum()) / total)
