"""FineWeb's own heuristic filters: Penedo et al. 2024, "The FineWeb Datasets: Decanting the Web for the
Finest Text Data at Scale" (arXiv:2406.17557), section 3.5. The reference is the authors' code,
datatrove's `FineWebQualityFilter` (pipeline/filters/fineweb_quality_filter.py): release 0.2.0 (April
2024) is what made FineWeb; 0.10.1 is the current release, changed for FineWeb-2 (blank lines, stop
characters, language-specific word tokenizers, strict comparisons). `FineWeb` below makes 0.10.1's
keep/drop decision on 100% of 772 real extracted pages (benchmarks/compare_web.py, Chinese pages given to
datatrove as "cmn", the code its jieba tokenizer is filed under). Where the two releases differ it says
which one it follows and why.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pajama.filter import SignalFilter, Verdict
from pajama.filters.per_language import fineweb2_values, rules_profile
from pajama.filters.signals import duplicates, ratio, stats_for
from pajama.record import Record
from pajama.registry import register_filter
from pajama.text.languages import check_language

#: the stop characters of the FineWeb release (datatrove 0.2.0): a line ending in one of them is punctuated
RELEASE_END_MARKS = (".", "'", '"', "!", "?")
#: datatrove 0.10.1's TERMINAL_PUNCTUATION (utils/text.py), the sentence-final marks of every script
TERMINAL_PUNCTUATION = tuple(
    "!.?\u0589\u061d\u061e\u061f\u06d4\u0700\u0701\u0702\u07f9\u0837\u0839\u083d\u083e\u0964\u0965"
    "\u104a\u104b\u1362\u1367\u1368\u166e\u1735\u1736\u17d4\u17d5\u17d6\u17d9\u17da\u1803\u1809\u1944"
    "\u1945\u1aa8\u1aa9\u1aaa\u1aab\u1b5a\u1b5b\u1b5e\u1b5f\u1b7d\u1b7e\u1c3b\u1c3c\u1c7e\u1c7f\u203c"
    "\u203d\u2047\u2048\u2049\u2e2e\u2e3c\u2e53\u2e54\u3002\ua4ff\ua60e\ua60f\ua6f3\ua6f7\ua876\ua877"
    "\ua8ce\ua8cf\ua92f\ua9c8\ua9c9\uaa5d\uaa5e\uaa5f\uaaf0\uaaf1\uabeb\ufe52\ufe56\ufe57\uff01\uff0e"
    "\uff1f\uff61\U00010a56\U00010a57\U00010f55\U00010f56\U00010f57\U00010f58\U00010f59\U00010f86"
    "\U00010f87\U00010f88\U00010f89\U00011047\U00011048\U000110be\U000110bf\U000110c0\U000110c1"
    "\U00011141\U00011142\U00011143\U000111c5\U000111c6\U000111cd\U000111de\U000111df\U00011238"
    "\U00011239\U0001123b\U0001123c\U000112a9\U0001144b\U0001144c\U000115c2\U000115c3\U000115c9"
    "\U000115ca\U000115cb\U000115cc\U000115cd\U000115ce\U000115cf\U000115d0\U000115d1\U000115d2"
    "\U000115d3\U000115d4\U000115d5\U000115d6\U000115d7\U00011641\U00011642\U0001173c\U0001173d"
    "\U0001173e\U00011944\U00011946\U00011a42\U00011a43\U00011a9b\U00011a9c\U00011c41\U00011c42"
    "\U00011ef7\U00011ef8\U00011f43\U00011f44\U00016a6e\U00016a6f\U00016af5\U00016b37\U00016b38"
    "\U00016b44\U00016e98\U0001bc9f\U0001da88"
)
# datatrove's English tokens (spaCy): words (inner hyphens, apostrophes, dots kept) and each punctuation mark
_TOKEN = re.compile(r"\w+(?:[-'’.]\w+)*|[^\w\s]")
#: characters (newlines aside) per word of English Wikipedia articles of >= 1,000 characters, pajama's
#: words (6.33 on 100 articles of ../shared/corpus/wiki; benchmarks/bench_multilingual.py)
ENGLISH_CHARS_PER_WORD = 6.33


@register_filter("fineweb")
@dataclass(frozen=True, kw_only=True)
class FineWeb(SignalFilter):
    """Drop list-like and boilerplate-heavy pages (Penedo et al. 2024), as datatrove decides them.

    Lines are the pieces of `text.split("\\n")` that are not blank, unstripped (a line ending in ". "
    does not end with "."); blank lines are not lines (datatrove 0.10.1; the release counted them as
    short unpunctuated lines, which disagrees with 0.10.1 on 90% of paragraph-separated pages, and on
    trafilatura's output, what FineWeb was built from, the two agree). Rules, in order: a page without
    lines is "empty"; the fraction of lines ending with one of end_marks is at most
    min_end_punct_lines_frac ("line_punct_ratio"; with allow_no_end_punct a page with no such line at
    all passes); the fraction of lines of at most short_line_chars characters is at least
    max_short_lines_frac ("short_line_ratio"); the characters of lines that repeat an earlier line, over
    all characters except newlines, are at least max_dup_line_chars_frac ("char_dup_ratio"); newlines
    per token above max_newlines_per_word ("list_ratio"). "At most" and "at least" are the release's
    comparisons (0.10.1 uses strict ones; they differ only on exact ties).

    end_marks: the release's five marks plus 0.10.1's TERMINAL_PUNCTUATION, so that lines of other
    scripts (。 । ؟ ...) count as punctuated, as in 0.10.1, and lines ending in a quote still do, as in
    the release. Tokens (`tokens: datatrove`): datatrove 0.10.1 counts its word tokenizer's tokens for
    the page's language (spaCy's, punctuation marks included); here words and single punctuation marks
    for space-separated scripts, and for scripts written without spaces the segmenter's tokens, words and
    punctuation marks (`stats_for(record).tokens`: jieba's are datatrove's own; ICU's stand in for
    Sudachi's in Japanese), whichever form the code takes (ja, ja-JP, jpn, zh-Hant, yue, th ...) and, for a
    page without a language, when the text is mostly in such a script. `tokens: words` uses pajama's
    words everywhere. The page's language is meta.language (`language: auto`) or a fixed code.

    short_lines_unspaced: a page of a script written without spaces (pajama's words of its language
    are segmented, `stats_for(record).spaced` false) says in 30 characters what English says in 80 or
    more: "scaled" (default) measures its short lines in English characters, short_line_chars times the
    page's characters per word over English's ENGLISH_CHARS_PER_WORD (30 becomes about 10 for Japanese
    Wikipedia, 2.2 characters per word), so a one-clause Japanese sentence is not a short line. "chars"
    counts raw characters in every script, as datatrove 0.10.1 does; the `fineweb` and `fineweb_full`
    presets pin "chars" (FineWeb is English, where the two are the same; FineWeb-2 turns the rule off
    in every language). Measured on Japanese Wikipedia (bench_multilingual.py): "chars" keeps 65% of
    articles, "scaled" 88%, English 97%; junk made from the same articles is dropped either way.

    per_language (off; on in the `fineweb2` preset): a record in a language FineWeb-2 configured is judged
    with that language's published line_punct_thr (replacing min_end_punct_lines_frac) and new_line_ratio
    (replacing max_newlines_per_word), as fineweb-2-pipeline.py passes them from `configs/{lang}.yml`, and
    its signals carry `language` (only then: with it off, signals are what they were). English, which
    FineWeb-2 has no configuration for, keeps FineWeb's values, and so do languages without one. Off by
    default, unlike the gopher filters' per_language: FineWeb-2 fitted these two to its own web
    extractions, and on Wikipedia articles (benchmarks/bench_multilingual.py) they drop what FineWeb's
    values keep: Greek keeps 44% of articles instead of 90% (new_line_ratio 0.116 against 0.3), Ukrainian
    67% instead of 95%.

    strip_lines (off, as in datatrove) strips each line before the end-mark and length tests.
    """

    min_end_punct_lines_frac: float = 0.12
    allow_no_end_punct: bool = False
    end_marks: tuple[str, ...] = RELEASE_END_MARKS + TERMINAL_PUNCTUATION
    max_short_lines_frac: float = 0.67
    short_line_chars: int = 30
    max_dup_line_chars_frac: float = 0.01
    max_newlines_per_word: float = 0.3
    language: str = "auto"
    tokens: Literal["datatrove", "words"] = "datatrove"
    short_lines_unspaced: Literal["scaled", "chars"] = "scaled"
    strip_lines: bool = False
    per_language: bool = False

    def __post_init__(self) -> None:
        check_language("fineweb", self.language)

    def signals(self, record: Record) -> dict[str, Any]:
        text = record.text
        lines = [line for line in text.split("\n") if line.strip()]
        if self.strip_lines:
            lines = [line.strip() for line in lines]
        n_lines = len(lines)
        newlines = text.count("\n")
        chars = len(text) - newlines
        short = self._short_line_chars(record, chars)
        s = {
            "lines": n_lines,
            "end_punct_lines_frac": ratio(sum(1 for line in lines if line.endswith(self.end_marks)), n_lines),
            "short_lines_frac": ratio(sum(1 for line in lines if len(line) <= short), n_lines),
            "dup_line_chars_frac": ratio(duplicates(lines)[1], chars),
            "newlines_per_word": ratio(newlines, self._token_count(record)) if n_lines else 0.0,
        }
        if not self.per_language:
            return s
        prof = rules_profile(record, self.language)
        return s | ({"language": prof.label} if prof.fineweb2 else {})  # decide() finds FineWeb-2's values by it

    def _short_line_chars(self, record: Record, chars: int) -> float:
        """The longest short line, in characters of the page's script (see short_lines_unspaced)."""
        if self.short_lines_unspaced == "chars":
            return self.short_line_chars
        stats = stats_for(record, self.language)
        if stats.spaced or not stats.words:
            return self.short_line_chars
        return self.short_line_chars * chars / len(stats.words) / ENGLISH_CHARS_PER_WORD

    def _token_count(self, record: Record) -> int:
        stats = stats_for(record, self.language)
        if self.tokens == "words":
            return len(stats.words)
        if not stats.spaced:  # a segmented script, whatever the code's form: its words and punctuation marks
            return stats.tokens
        return len(_TOKEN.findall(record.text))

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        if s["lines"] == 0:
            return Verdict.drop("fineweb.empty", s)
        fw2 = fineweb2_values(s.get("language"), self.per_language)
        punct = s["end_punct_lines_frac"]
        min_punct = fw2.get("line_punct_thr", self.min_end_punct_lines_frac)
        if punct <= min_punct and not (punct == 0 and self.allow_no_end_punct):
            return Verdict.drop("fineweb.line_punct_ratio", s)
        if s["short_lines_frac"] >= self.max_short_lines_frac:
            return Verdict.drop("fineweb.short_line_ratio", s)
        if s["dup_line_chars_frac"] >= self.max_dup_line_chars_frac:
            return Verdict.drop("fineweb.char_dup_ratio", s)
        if s["newlines_per_word"] > fw2.get("new_line_ratio", self.max_newlines_per_word):
            return Verdict.drop("fineweb.list_ratio", s)
        return Verdict.keep(s)
