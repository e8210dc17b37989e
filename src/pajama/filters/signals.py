"""Text statistics shared by every quality filter, computed once per document and cached.

Gopher, C4, FineWeb and RedPajama-v2 all look at the same few things: the words of a document,
its lines, its paragraphs and its word n-grams. `TextStats` computes each of them lazily, at most
once, and `stats_for(record)` hands the same object to every filter that looks at the same text.

Definitions (the papers leave them open; every filter here uses these, and says so):

- line: a piece of the text between line breaks (`str.splitlines`), with surrounding whitespace
  stripped; lines that are empty after stripping are layout, not lines, and are not counted.
- paragraph: a run of lines separated from the next run by at least one blank line, stripped.
- word: what `pajama.text.words` finds for the text's language (the record's meta.language, or the
  language a filter is fixed to). For scripts with spaces: a whitespace-separated token with leading
  and trailing punctuation removed (the characters in `PUNCTUATION`: ASCII punctuation, typographic
  quotes, dashes, ellipsis, guillemets, inverted marks, CJK, fullwidth, Indic, Arabic, Armenian and
  Ethiopic punctuation); for Chinese, Japanese, Thai, Lao, Khmer and Burmese an ICU word-break segment;
  for Tibetan a syllable. A token made only of punctuation is not a word, so "—" or
  "..." never counts as a word that "has no letter" (datatrove's spaCy tokenization counts every
  punctuation mark as a word; see DESIGN.md, "Following the papers"). Inner punctuation stays:
  "don't" and "e-mail" are one word each.
- normalized word: a word, lowercased. N-grams, unique words, entropy and stop words use these.
- sentence: text up to ".", "!", "?" or "…" or one of the language's own sentence ends ("。", "।",
  "؟", "։" ..., see `pajama.text.languages`), optionally followed by closing quotes or brackets,
  that is followed by whitespace or the end of the text (marks of scripts without spaces, such as "。",
  end a sentence wherever they are), and contains a letter or digit. Abbreviations are not
  special-cased, so "Mr. Smith" counts two (punkt would count one).
- a line "ending with" ".", "!" or "?" also ends with the language's own marks for them
  (`lines_ending_with`), so FineWeb's and C4's end-of-line rules read "。" as a full stop.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import threading
from collections import Counter, OrderedDict
from collections.abc import Sequence
from functools import cached_property

import numpy as np

from pajama.record import Record
from pajama.text.languages import COMMON_SENTENCE_ENDS, UNSPACED_SENTENCE_ENDS, Profile, profile, record_language
from pajama.text.words import PUNCTUATION, Segmented, segment, segmenter_for

BULLETS = ("•", "‣", "◦", "▪", "▫", "■", "□", "▶", "◀", "–", "-", "*")
ELLIPSES = ("...", "…")
GOPHER_STOP_WORDS = frozenset({"the", "be", "to", "of", "and", "that", "have", "with"})

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?…])[\"'”’)\]»]*\s+")
_SENTENCE_OR_LINE_SPLIT = re.compile(r"(?<=[.!?…])[\"'”’)\]»]*\s+|\n")
_ALNUM = re.compile(r"[^\W_]")
_PARAGRAPH_BREAK = re.compile(r"\n[^\S\n]*(?:\n\s*)+")
_HAS_LETTER = re.compile(r"[^\W\d_]")


@functools.lru_cache(maxsize=256)
def _sentence_split(ends: tuple[str, ...], lines_end_sentences: bool) -> re.Pattern[str]:
    spaced = "".join(re.escape(m) for m in ends if m not in UNSPACED_SENTENCE_ENDS)
    unspaced = "".join(re.escape(m) for m in ends if m in UNSPACED_SENTENCE_ENDS)
    alternatives = [rf"(?<=[{spaced}])[\"'”’)\]»]*\s+"]
    if unspaced:
        alternatives.append(rf"(?<=[{unspaced}])[\"'”’)\]»」』）】]*\s*")
    if lines_end_sentences:
        alternatives.append(r"\n")
    return re.compile("|".join(alternatives))


def count_sentences(text: str, *, lines_end_sentences: bool = False, language: str | Profile | None = "en") -> int:
    """Sentences in `text` (see the module docstring for what a sentence is); with
    `lines_end_sentences`, a line break also ends a sentence (the sum of the lines' counts)."""
    ends = (language if isinstance(language, Profile) else profile(language)).sentence_ends
    if ends == COMMON_SENTENCE_ENDS:
        split = _SENTENCE_OR_LINE_SPLIT if lines_end_sentences else _SENTENCE_SPLIT
    else:
        split = _sentence_split(ends, lines_end_sentences)
    pieces = split.split(text)
    return len(pieces) - list(map(_ALNUM.search, pieces)).count(None)


def localized_marks(marks: tuple[str, ...], prof: Profile) -> tuple[str, ...]:
    """`marks` plus the language's own sentence ends when `marks` holds ".", "!" or "?" (a full stop in the
    language's script is a full stop for FineWeb's and C4's end-of-line rules)."""
    if not prof.script or not {".", "!", "?"} & set(marks):
        return marks
    extra = tuple(m for m in prof.sentence_ends if m not in marks and m != "…")
    return marks + extra if extra else marks


def ratio(part: float, whole: float) -> float:
    """part / whole, 0.0 for an empty whole (an empty document has no repeated lines, bullets ...)."""
    return part / whole if whole else 0.0


def duplicates(items: Sequence[str]) -> tuple[int, int]:
    """(number, total characters) of items that repeat an earlier item; first occurrences are not counted."""
    seen: set[str] = set()
    count = chars = 0
    for item in items:
        if item in seen:
            count += 1
            chars += len(item)
        else:
            seen.add(item)
    return count, chars


def _covered_chars(starts: np.ndarray, n: int, prefix: np.ndarray) -> int:
    """Characters of the words covered by n-grams starting at sorted, distinct `starts`, overlaps counted
    once: each n-gram adds its words from the end of the one before it (ends ascend with the starts)."""
    if not len(starts):
        return 0
    begin = starts.copy()
    begin[1:] = np.maximum(starts[1:], starts[:-1] + n)
    return int((prefix[starts + n] - prefix[begin]).sum())


class TextStats:
    """Lazily computed statistics of one text; each attribute is computed at most once."""

    def __init__(self, text: str, language: str | Profile | None = "en") -> None:
        self.text = text
        self.profile = language if isinstance(language, Profile) else profile(language)
        self.spaced = segmenter_for(text, self.profile) == "space"

    @cached_property
    def lines(self) -> list[str]:
        return [s for line in self.text.splitlines() if (s := line.strip())]

    @cached_property
    def paragraphs(self) -> list[str]:
        return [s for p in _PARAGRAPH_BREAK.split(self.text.strip()) if (s := p.strip())]

    @cached_property
    def words(self) -> list[str]:
        """Words in their original case (see the module docstring)."""
        if not self.spaced:
            return self._segmented.words
        return [w for t in self.text.split() if (w := t if t.isalnum() else t.strip(PUNCTUATION))]

    @cached_property
    def _segmented(self) -> Segmented:
        return segment(self.text, self.profile)

    @property
    def tokens(self) -> int:
        """For a script without spaces, the segmenter's tokens: the words and the punctuation marks, spaces
        left out (what datatrove's word tokenizers count there); for a script with spaces, the words."""
        return self._segmented.tokens if not self.spaced else self.word_count

    @cached_property
    def norm_words(self) -> list[str]:
        """Lowercased words. Lowercasing adds no whitespace and no punctuation, so splitting the lowercased
        text gives the same words; only "İ" lowercases to two characters, and then words are lowercased
        one by one so that lengths stay those of the original words."""
        if not self.spaced and "\x00" not in self.text:  # one lower() over all words, NUL-separated
            return "\x00".join(self.words).lower().split("\x00") if self.words else []
        if "\u0130" in self.text:
            return [w.lower() for w in self.words]
        # most tokens are letters and digits only: skip the strip for them
        return [w for t in self.text.lower().split() if (w := t if t.isalnum() else t.strip(PUNCTUATION))]

    @cached_property
    def word_counts(self) -> Counter[str]:
        return Counter(self.norm_words)

    @cached_property
    def word_count(self) -> int:
        """len(words), without building the list when no other signal needs it."""
        if not self.spaced or "norm_words" in self.__dict__ or "words" in self.__dict__:
            return len(self.norm_words)
        tokens = self.text.split()
        mixed = itertools.filterfalse(str.isalnum, tokens)  # tokens of letters and digits are words
        return len(tokens) - sum(1 for t in mixed if not t.strip(PUNCTUATION))

    @cached_property
    def word_chars(self) -> int:
        """Characters in all words (lowercasing keeps lengths, see norm_words)."""
        return sum(map(len, self.norm_words))

    # ---- word-level -------------------------------------------------------------------------------

    @cached_property
    def alpha_words(self) -> int:
        """Words with at least one letter (Unicode letters, not digits or underscore)."""
        mixed = list(itertools.filterfalse(str.isalpha, self.norm_words))
        return len(self.norm_words) - len(mixed) + sum(1 for w in mixed if _HAS_LETTER.search(w))

    @cached_property
    def all_caps_words(self) -> int:
        return sum(map(str.isupper, self.words))

    def stop_words(self, stop: frozenset[str]) -> int:
        return sum(map(stop.__contains__, self.norm_words))

    @cached_property
    def unigram_entropy(self) -> float:
        total = len(self.norm_words)
        return -sum(c / total * math.log(c / total) for c in self.word_counts.values()) if total else 0.0

    # ---- line-level -------------------------------------------------------------------------------

    @cached_property
    def bullet_lines(self) -> int:
        return sum(1 for line in self.lines if line.startswith(BULLETS))

    @cached_property
    def ellipsis_lines(self) -> int:
        return sum(1 for line in self.lines if line.endswith(ELLIPSES))

    @cached_property
    def duplicate_lines(self) -> tuple[int, int]:
        return duplicates(self.lines)

    @cached_property
    def duplicate_paragraphs(self) -> tuple[int, int]:
        return duplicates(self.paragraphs)

    def lines_ending_with(self, marks: tuple[str, ...]) -> int:
        """Lines ending with one of `marks`, read in the text's language (see `localized_marks`)."""
        marks = localized_marks(marks, self.profile)
        return sum(1 for line in self.lines if line.endswith(marks))

    @cached_property
    def sentences(self) -> int:
        return count_sentences(self.text, language=self.profile)

    # ---- n-grams ----------------------------------------------------------------------------------

    def top_ngram_frac(self, n: int) -> float:
        """Characters in the most frequent word n-gram (times its count) / characters of all words.

        Over normalized words; 0.0 when no n-gram occurs twice. Ties go to the longest n-gram.
        """
        level = self._level(n)
        if not len(level.starts):
            return 0.0
        best = int(level.counts.max())
        if best < 2:
            return 0.0
        top = level.starts[level.counts[level.gram] == best]
        chars = int((self._prefix[top + n] - self._prefix[top]).max())
        return ratio(chars * best, self.word_chars)

    def dup_ngram_frac(self, n: int, *, first_occurrence: bool = False) -> float:
        """Characters of words inside repeated word n-grams / characters of all words (normalized words).

        A word inside several repeated n-grams counts once. With `first_occurrence=False` (Gopher,
        as datatrove counts it) only the second and later occurrences of an n-gram count; with True
        (RedPajama-v2's definition) every occurrence of an n-gram that occurs more than once counts.
        """
        level = self._level(n)
        starts, gram = level.repeated()
        if not len(starts):
            return 0.0
        if not first_occurrence:
            order = gram.argsort(kind="stable")  # each n-gram's occurrences, in text order
            later = np.ones(len(order), dtype=bool)
            later[order[_firsts(gram[order])]] = False
            starts = starts[later]
        return ratio(_covered_chars(starts, n, self._prefix), self.word_chars)

    def _level(self, n: int) -> _NGramLevel:
        """The word n-grams of size n that can occur more than once (see _NGramLevel)."""
        levels = self._levels
        if n < 2:
            raise ValueError(f"n-grams need n >= 2, got {n}")
        if n not in levels:
            levels[n] = _NGramLevel.bigrams(self._word_ids) if n == 2 else self._level(n - 1).next_level(self._word_ids)
        return levels[n]

    @cached_property
    def _levels(self) -> dict[int, _NGramLevel]:
        return {}

    @cached_property
    def _word_ids(self) -> np.ndarray:
        """Each normalized word as the position of its first occurrence: equal words, equal ids."""
        w = self.norm_words
        first: dict[str, int] = {}
        return np.fromiter(map(first.setdefault, w, range(len(w))), dtype=np.int64, count=len(w))

    @cached_property
    def _prefix(self) -> np.ndarray:
        """Characters of the normalized words before each word position (and the total at the end)."""
        w = self.norm_words
        prefix = np.zeros(len(w) + 1, dtype=np.int64)
        np.cumsum(np.fromiter(map(len, w), dtype=np.int64, count=len(w)), out=prefix[1:])
        return prefix


_SMALL_LEVEL = 64


def _firsts(ordered: np.ndarray) -> np.ndarray:
    """Where each run of equal values starts in a sorted array (a mask)."""
    first = np.ones(len(ordered), dtype=bool)
    first[1:] = ordered[1:] != ordered[:-1]
    return first


def _dense_ids(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(id of each key, 0 .. distinct keys - 1; how many times each id occurs): np.unique's inverse and
    counts, without its fixed cost (most n-gram levels hold a few dozen keys, counted in a dict)."""
    if len(keys) <= _SMALL_LEVEL:
        seen: dict[int, int] = {}
        ids = np.array([seen.setdefault(k, len(seen)) for k in keys.tolist()], dtype=np.int64)
        return ids, np.bincount(ids)
    order = keys.argsort(kind="stable")
    first = _firsts(keys[order])
    ids = np.empty(len(keys), dtype=np.int64)
    ids[order] = np.cumsum(first) - 1
    return ids, np.diff(np.append(np.flatnonzero(first), len(keys)))


class _NGramLevel:
    """The word n-grams of one size, counted exactly, in numpy over word ids.

    Bigrams are counted at every position. An n-gram at position i can only repeat if the (n-1)-grams
    at i and i+1 both repeat, so each next size looks only at those positions: the work shrinks fast on
    ordinary text. An n-gram is the id of its (n-1)-gram prefix (dense, below the number of words) times
    the number of words plus the id of its last word, so equal n-grams get equal keys and unequal ones
    different keys, at every size. `starts` are the positions looked at, `gram` the dense id of the
    n-gram at each, `counts` the occurrences of each id; every n-gram occurring twice or more is counted.
    """

    __slots__ = ("counts", "gram", "n", "starts")

    def __init__(self, n: int, starts: np.ndarray, keys: np.ndarray) -> None:
        self.n = n
        self.starts = starts
        self.gram, self.counts = _dense_ids(keys)

    @classmethod
    def bigrams(cls, ids: np.ndarray) -> _NGramLevel:
        size = len(ids)
        if size < 2:
            return cls(2, np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        return cls(2, np.arange(size - 1), ids[:-1] * size + ids[1:])

    def repeated(self) -> tuple[np.ndarray, np.ndarray]:
        """The starts of the n-grams that occur more than once, and their ids (ascending starts)."""
        more = self.counts[self.gram] > 1
        return self.starts[more], self.gram[more]

    def next_level(self, ids: np.ndarray) -> _NGramLevel:
        rep, gram = self.repeated()
        if not len(rep):
            return _NGramLevel(self.n + 1, rep, rep)
        at = np.searchsorted(rep, rep + 1)  # the (n-1)-gram at i + 1 repeats too
        follows = rep[np.minimum(at, len(rep) - 1)] == rep + 1
        starts = rep[follows]
        return _NGramLevel(self.n + 1, starts, gram[follows] * len(ids) + ids[starts + self.n])


_CACHE_SIZE = 8
_cache: OrderedDict[tuple[str, str | None], TextStats] = OrderedDict()
_lock = threading.Lock()


def stats_for(record: Record | str, language: str = "auto") -> TextStats:
    """The shared TextStats of a record's current text in its language (memoized per record id, text and
    language): `language` "auto" reads meta.language, a code fixes it. A bare string is read as English."""
    if isinstance(record, str):
        return TextStats(record, "en" if language == "auto" else language)
    lang = record_language(record.meta, language)
    key, text = (record.id, lang), record.text
    stats = _cache.get(key)
    if stats is not None and (stats.text is text or stats.text == text):
        return stats
    stats = TextStats(text, lang)
    with _lock:
        _cache[key] = stats
        if len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return stats
