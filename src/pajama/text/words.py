"""Text -> words, for a language: the one place every heuristic and MinHash shingling get words from.

Four segmenters, chosen by the script of the language's Profile (`pajama.text.languages`):

- space: whitespace-separated tokens with leading and trailing punctuation removed (`PUNCTUATION`); a token
  made only of punctuation is not a word; inner punctuation stays ("don't", "e-mail"). Every script that
  puts spaces between words (Latin, Cyrillic, Greek, Armenian, Arabic, Indic, Hangul ...).
- icu: ICU's word break iterator for the language's locale (PyICU, from the `pyicu-wheels` wheel, which
  bundles ICU and its dictionaries: nothing is downloaded at run time). ICU segments Chinese and Japanese
  with its CJ dictionary and Thai, Lao, Khmer and Burmese with theirs, and applies the Unicode word
  rules (UAX #29) to everything else in the text, so Latin words inside a Japanese page stay whole.
  Segments made only of spaces or punctuation are not words.
- jieba: Chinese (Han script: zh, cmn, yue, wuu ...) with jieba's dictionary and HMM, as datatrove's
  FineWeb-2 Chinese tokenizer (spaCy with the jieba segmenter) does, through rjieba (jieba-rs, Rust, the
  dictionary inside the wheel), with Python jieba's split of unknown ASCII runs ("2020-04-09"): about
  1.5x faster than ICU on Chinese, and the same words datatrove sees (tests/text/test_words_datatrove.py
  compares them on every Chinese page of ../shared/corpus; 118,330 words of web pages and a novel agreed).
- tsheg: Tibetan and Dzongkha separate syllables with the tsheg (U+0F0B) and no spaces; a word here is a
  syllable (ICU has no Tibetan dictionary, and botok, the Tibetan segmenter, loads a dictionary it
  downloads).

Why ICU: one wheel (~10 MB, no compiler, no apt package) covers the dictionary-segmented scripts that
datatrove's FineWeb-2 tokenizers cover with four libraries (spaCy+SudachiPy for Japanese, pythainlp,
khmer-nltk, laonlp; SudachiPy and fugashi each need a separate dictionary package), and segments
several million characters per second per core (benchmarks/bench_multilingual.py).

The default profile (language unknown or without configuration) uses `icu` when at least a third of
the first 1,000 letters are in a script without spaces, else `space`.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from pajama.text.languages import Profile, profile

PUNCTUATION = (
    "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
    "«»‹›“”„‟‘’‚‛…–—―‐‑‒•·¡¿§¶†‡′″‴"
    "、。，．：；！？（）［］｛｝【】《》〈〉「」『』〔〕・～"
    "।॥؟،؛۔։՝՜՞።፣፤፧။၊។៕។༎།་"
)
# Thai, Lao, Myanmar, Khmer, kana, CJK ideographs (with extension A and compatibility ideographs)
_UNSPACED_LETTER = re.compile(
    r"[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]"
)
_LETTER = re.compile(r"[^\W\d_]")
_ALNUM = re.compile(r"[^\W_]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_TSHEG_SPLIT = re.compile(r"[\s\u0f0b-\u0f14]+")
# jieba's non-Chinese block characters (jieba/__init__.py re_han_default without the Han range) and the
# letter-and-digit runs its HMM segmenter keeps whole (jieba/finalseg re_skip)
_JIEBA_RUN = re.compile(r"[a-zA-Z0-9+#&._%\-]+")
_JIEBA_ALNUM = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_local = threading.local()


def _break_iterator(locale: str) -> Any:
    """One ICU word BreakIterator per thread and locale (they are stateful and not thread-safe)."""
    cache = getattr(_local, "iterators", None)
    if cache is None:
        cache = _local.iterators = {}
    it = cache.get(locale)
    if it is None:
        import icu

        it = cache[locale] = icu.BreakIterator.createWordInstance(icu.Locale(locale))
    return it


def space_words(text: str) -> list[str]:
    """Whitespace tokens without surrounding punctuation; punctuation-only tokens dropped."""
    return [w for t in text.split() if (w := t if t.isalnum() else t.strip(PUNCTUATION))]


@functools.cache
def _bmp_table(test: Callable[[str], bool]) -> np.ndarray:
    """`test` (str.isalnum, str.isspace) of every BMP code point, as a lookup table."""
    return np.array([test(chr(c)) for c in range(0x10000)], dtype=bool)


def icu_segment(text: str, locale: str) -> Segmented:
    """ICU word-break segments: the words (those that contain a letter or digit, surrounding punctuation
    stripped) and the count of segments that are not spaces.

    The segment tests run in numpy over the code points: at ~1,000 segments per 3,000-character page,
    per-segment Python work would cost as much as ICU's segmentation itself.
    """
    if not text:
        return Segmented([], 0)
    it = _break_iterator(locale)
    it.setText(text)
    ends = np.array(list(it), dtype=np.int64)  # UTF-16 offsets: str indices unless there are astral characters
    points = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if _ASTRAL.search(text):  # astral letters (CJK extension B ...) are two UTF-16 units: judge by character
        chars = [c.isalnum() for c in text]
        alnum = np.repeat(np.array(chars, dtype=bool), [2 if ord(c) > 0xFFFF else 1 for c in text])
    else:
        alnum = _bmp_table(str.isalnum)[points]
    starts = np.concatenate([[0], ends[:-1]])
    has = np.logical_or.reduceat(alnum, starts) if len(starts) else np.zeros(0, dtype=bool)
    clean = alnum[starts] & alnum[ends - 1]
    space = _bmp_table(str.isspace)[points]  # UTF-16 units; a surrogate is no space
    spaces = int(np.logical_and.reduceat(space, starts).sum()) if len(starts) else 0
    if _ASTRAL.search(text):
        starts, ends = _utf16_to_str(text, starts), _utf16_to_str(text, ends)
    keep = np.flatnonzero(has)
    out = list(map(text.__getitem__, map(slice, starts[keep].tolist(), ends[keep].tolist())))
    for i in np.flatnonzero(~clean[keep]).tolist():
        out[i] = out[i].strip(PUNCTUATION) or out[i]
    return Segmented(out, len(starts) - spaces)


def _utf16_to_str(text: str, offsets: np.ndarray) -> np.ndarray:
    """UTF-16 offsets as str indices (astral characters are two UTF-16 units, one str character)."""
    wide = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32) > 0xFFFF
    units = np.cumsum(np.where(wide, 2, 1))  # UTF-16 end of each character
    return np.searchsorted(units, offsets, side="right")


def jieba_segment(text: str) -> Segmented:
    """jieba's tokens of `text` (rjieba): the words (those with a letter or digit, surrounding punctuation
    stripped) and the count of all tokens but spaces, punctuation marks included, as datatrove's Chinese
    word tokenizer (spaCy with jieba) gives them.

    A run of ASCII letters, digits and `+#&._%-` that is not in the dictionary ("2020-04-09",
    "www.example.com") is one token in rjieba; Python jieba, which datatrove's tokenizer runs, splits it
    at its letter-and-digit runs (its HMM segmenter's pattern, `_JIEBA_ALNUM`): so here too.
    """
    import rjieba

    out = []
    tokens = 0
    for tok in rjieba.cut(text):
        if tok.isalnum():
            out.append(tok)
            tokens += 1
        elif len(tok) == 1:  # one character that is not a letter or digit: punctuation, or a space
            tokens += not tok.isspace()
        elif tok.isspace():
            continue
        else:
            pieces = [p for p in _JIEBA_ALNUM.split(tok) if p] if _JIEBA_RUN.fullmatch(tok) else [tok]
            tokens += len(pieces)
            for piece in pieces:
                if piece.isalnum():
                    out.append(piece)
                elif len(piece) > 1 and _ALNUM.search(piece):
                    out.append(piece.strip(PUNCTUATION + " \t\n\r\u3000") or piece)
    return Segmented(out, tokens)


def tsheg_words(text: str) -> list[str]:
    return [w for t in _TSHEG_SPLIT.split(text) if (w := t.strip(PUNCTUATION))]


def unspaced(text: str) -> bool:
    """Whether at least a third of the first 1,000 letters are in a script written without spaces."""
    sample = text[:1000]
    if not _UNSPACED_LETTER.search(sample):  # the common case, one scan without allocations
        return False
    letters = len(_LETTER.findall(sample)) or 1
    return len(_UNSPACED_LETTER.findall(sample)) * 3 >= letters


def segmenter_for(text: str, prof: Profile) -> str:
    seg = prof.segmenter
    if seg == "auto":
        return "icu" if unspaced(text) else "space"
    return seg


class Segmented(NamedTuple):
    """A text's words, and how many tokens its segmenter found: the words plus the punctuation marks,
    spaces left out, as datatrove's word tokenizers count them for scripts without spaces."""

    words: list[str]
    tokens: int


def segment(text: str, language: str | Profile | None) -> Segmented:
    """The words of `text` (original case) for a language code or Profile, and its token count."""
    prof = language if isinstance(language, Profile) else profile(language)
    seg = segmenter_for(text, prof)
    if seg == "icu":
        return icu_segment(text, _icu_locale(prof))
    if seg == "jieba":
        return jieba_segment(text)
    found = tsheg_words(text) if seg == "tsheg" else space_words(text)
    return Segmented(found, len(found))


def words(text: str, language: str | Profile | None) -> list[str]:
    """The words of `text` (original case) for a language code or Profile (see the module docstring)."""
    return segment(text, language).words


def _icu_locale(prof: Profile) -> str:
    code = prof.code.replace("_", "-").split("-")[0].lower() if prof.configured else "root"
    return code if len(code) in (2, 3) else "root"
