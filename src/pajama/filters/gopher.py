"""Gopher quality and repetition rules: Rae et al. 2021, "Scaling Language Models: Methods, Analysis &
Insights from Training Gopher" (arXiv:2112.11446), appendix A (MassiveWeb filters, table A1).

Thresholds are the paper's, as datatrove and DCLM use them. Words, lines, paragraphs and n-grams are
the shared definitions of `pajama.filters.signals` (words of the record's language, `pajama.text.words`;
non-blank stripped lines), not spaCy tokens: see each class for how that differs from datatrove.

Languages. The paper's rules are for English. With `language: auto` (default) the record's
meta.language chooses the words, the stop words and, with `per_language` (default on), the thresholds
FineWeb-2 published for that language (Penedo et al. 2025, arXiv:2506.20920, `configs/{lang}.yml`: mean
word length bounds, the alpha-word fraction, stop words, duplicate-line fraction and n-gram fractions),
which is how FineWeb-2 ran these filters in 1,000+ languages. English keeps the paper's values and
stop words. A language with neither FineWeb-2 values nor a stopwords-iso list (or a record without a
language) keeps the paper's thresholds and skips the stop-word rule; its signals then carry
`language: "<code>:default"`, and the manifest counts it (`stages[].languages`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pajama.filter import SignalFilter, Verdict
from pajama.filters.per_language import fineweb2_values, language_signal, rules_profile
from pajama.filters.signals import GOPHER_STOP_WORDS, ratio, stats_for
from pajama.record import Record
from pajama.registry import register_filter
from pajama.text.languages import Profile, check_language


@register_filter("gopher_quality")
@dataclass(frozen=True, kw_only=True)
class GopherQuality(SignalFilter):
    """Drop documents that do not look like prose (Rae et al. 2021, appendix A).

    Rules, in the order they are checked (the first failing rule names the drop):
    word count outside [min_words, max_words]; mean word length outside [min_mean_word_length,
    max_mean_word_length]; "#" per word or ellipses ("..." or "…") per word above
    max_symbol_word_ratio; more than max_bullet_lines_frac of lines starting with a bullet (•, ‣, ◦,
    ▪, ▫, ■, □, ▶, ◀, –, -, *); more than max_ellipsis_lines_frac of lines ending with an ellipsis;
    fewer than min_alpha_words_frac of words containing a letter; fewer than min_stop_words of
    "the, be, to, of, and, that, have, with" (in other languages: FineWeb-2's stop words for the
    language, else the stopwords-iso list; see the module docstring).

    Departures from datatrove's GopherQualityFilter, on purpose: words are whitespace tokens with
    surrounding punctuation stripped, so punctuation marks are not words and cannot fail the
    "80% of words contain a letter" rule (datatrove's spaCy tokens make punctuation-dense prose
    fail it); stop words are counted case-insensitively (datatrove compares tokens as written, so
    "The" does not count there); line ratios are over non-blank lines (datatrove counts blank lines in
    the denominator) and bullets include "-" and "*" besides "•".
    """

    min_words: int = 50
    max_words: int = 100_000
    min_mean_word_length: float = 3.0
    max_mean_word_length: float = 10.0
    max_symbol_word_ratio: float = 0.1
    max_bullet_lines_frac: float = 0.9
    max_ellipsis_lines_frac: float = 0.3
    min_alpha_words_frac: float = 0.8
    min_stop_words: int = 2
    language: str = "auto"
    per_language: bool = True

    def __post_init__(self) -> None:
        check_language("gopher_quality", self.language)

    def signals(self, record: Record) -> Mapping[str, Any]:
        prof = rules_profile(record, self.language)
        return gopher_quality_signals(record, prof) | language_signal(prof, self.per_language)

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        name = "gopher_quality"
        label = s.get("language")
        fw2 = fineweb2_values(label, self.per_language)
        min_len = fw2.get("min_avg_word_length", self.min_mean_word_length)
        max_len = fw2.get("max_avg_word_length", self.max_mean_word_length)
        min_alpha = fw2.get("max_non_alpha_words_ratio", self.min_alpha_words_frac)
        min_stop = 0 if label and label.endswith(":default") else self.min_stop_words
        checks = (
            (s["word_count"] < self.min_words, "too_few_words"),
            (s["word_count"] > self.max_words, "too_many_words"),
            (s["mean_word_length"] < min_len, "short_words"),
            (s["mean_word_length"] > max_len, "long_words"),
            (s["hash_word_ratio"] > self.max_symbol_word_ratio, "too_many_hashes"),
            (s["ellipsis_word_ratio"] > self.max_symbol_word_ratio, "too_many_ellipses"),
            (s["bullet_lines_frac"] > self.max_bullet_lines_frac, "bullet_lines"),
            (s["ellipsis_lines_frac"] > self.max_ellipsis_lines_frac, "ellipsis_lines"),
            (s["alpha_words_frac"] < min_alpha, "few_alpha_words"),
            (s["stop_words"] < min_stop, "few_stop_words"),
        )
        for failed, reason in checks:
            if failed:
                return Verdict.drop(f"{name}.{reason}", s)
        return Verdict.keep(s)


def gopher_quality_signals(record: Record | str, prof: Profile | None = None) -> dict[str, Any]:
    """Gopher quality signals; stop words are the paper's for English, else the language's (`prof`)."""
    st = stats_for(record, prof.code if prof is not None else "auto")
    stop = GOPHER_STOP_WORDS if prof is None or prof.english else prof.stop_words
    n_words = st.word_count
    n_lines = len(st.lines)
    text = st.text
    return {
        "word_count": n_words,
        "mean_word_length": ratio(st.word_chars, n_words),
        "hash_word_ratio": ratio(text.count("#"), n_words),
        "ellipsis_word_ratio": ratio(text.count("...") + text.count("…"), n_words),
        "bullet_lines_frac": ratio(st.bullet_lines, n_lines),
        "ellipsis_lines_frac": ratio(st.ellipsis_lines, n_lines),
        "alpha_words_frac": ratio(st.alpha_words, n_words),
        "stop_words": st.stop_words(stop),
    }


TOP_NGRAMS = {2: 0.20, 3: 0.18, 4: 0.16}
DUP_NGRAMS = {5: 0.15, 6: 0.14, 7: 0.13, 8: 0.12, 9: 0.11, 10: 0.10}


@register_filter("gopher_repetition")
@dataclass(frozen=True, kw_only=True)
class GopherRepetition(SignalFilter):
    """Drop repetitive documents (Rae et al. 2021, appendix A, table A1).

    Duplicate lines / paragraphs: the fraction of lines (paragraphs) that repeat an earlier one,
    and the characters in those repeats as a fraction of the document's characters. Top n-gram
    (n = 2, 3, 4): characters of the most frequent word n-gram times its count, over the characters
    of all words; 0 when no n-gram repeats. Duplicate n-grams (n = 5..10): characters of words
    inside second and later occurrences of any repeated n-gram (each word once), over the characters
    of all words. N-grams are over lowercased words.

    Departure from datatrove: datatrove divides n-gram characters by len(text), which includes
    whitespace and punctuation, and joins spaCy tokens; here both sides count word characters only,
    so the same page gives somewhat higher fractions (a slightly stricter filter).
    A threshold set to None turns its rule off. With per_language, FineWeb-2's values for the record's
    language replace max_dup_line_frac and the n-gram thresholds (rules that are off stay off).
    """

    max_dup_line_frac: float | None = 0.30
    max_dup_para_frac: float | None = 0.30
    max_dup_line_char_frac: float | None = 0.20
    max_dup_para_char_frac: float | None = 0.20
    max_top_2gram_frac: float | None = TOP_NGRAMS[2]
    max_top_3gram_frac: float | None = TOP_NGRAMS[3]
    max_top_4gram_frac: float | None = TOP_NGRAMS[4]
    max_dup_5gram_frac: float | None = DUP_NGRAMS[5]
    max_dup_6gram_frac: float | None = DUP_NGRAMS[6]
    max_dup_7gram_frac: float | None = DUP_NGRAMS[7]
    max_dup_8gram_frac: float | None = DUP_NGRAMS[8]
    max_dup_9gram_frac: float | None = DUP_NGRAMS[9]
    max_dup_10gram_frac: float | None = DUP_NGRAMS[10]
    language: str = "auto"
    per_language: bool = True

    def __post_init__(self) -> None:
        check_language("gopher_repetition", self.language)

    def signals(self, record: Record) -> Mapping[str, Any]:
        prof = rules_profile(record, self.language)
        return gopher_repetition_signals(record, prof) | language_signal(prof, self.per_language)

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        fw2 = fineweb2_values(s.get("language"), self.per_language)
        top = {f"top_{n}gram_frac": v for n, v in fw2.get("top_n_grams", ())}
        dup = {f"dup_{n}gram_frac": v for n, v in fw2.get("dup_n_grams", ())}
        rules = [
            ("dup_para_frac", self.max_dup_para_frac),
            ("dup_para_char_frac", self.max_dup_para_char_frac),
            ("dup_line_frac", self.max_dup_line_frac),
            ("dup_line_char_frac", self.max_dup_line_char_frac),
        ]
        rules += [(f"top_{n}gram_frac", getattr(self, f"max_top_{n}gram_frac")) for n in TOP_NGRAMS]
        rules += [(f"dup_{n}gram_frac", getattr(self, f"max_dup_{n}gram_frac")) for n in DUP_NGRAMS]
        published = {"dup_line_frac": fw2.get("dup_line_frac"), **top, **dup}
        rules = [(k, published.get(k) or v if v is not None else None) for k, v in rules]
        for key, limit in rules:
            if limit is not None and s[key] > limit:
                return Verdict.drop(f"gopher_repetition.{key}", s)
        return Verdict.keep(s)


def gopher_repetition_signals(record: Record | str, prof: Profile | None = None) -> dict[str, Any]:
    st = stats_for(record, prof.code if prof is not None else "auto")
    n_chars = len(st.text)
    dup_lines, dup_line_chars = st.duplicate_lines
    dup_paras, dup_para_chars = st.duplicate_paragraphs
    s: dict[str, Any] = {
        "dup_line_frac": ratio(dup_lines, len(st.lines)),
        "dup_para_frac": ratio(dup_paras, len(st.paragraphs)),
        "dup_line_char_frac": ratio(dup_line_chars, n_chars),
        "dup_para_char_frac": ratio(dup_para_chars, n_chars),
    }
    for n in TOP_NGRAMS:
        s[f"top_{n}gram_frac"] = st.top_ngram_frac(n)
    for n in DUP_NGRAMS:
        s[f"dup_{n}gram_frac"] = st.dup_ngram_frac(n)
    return s
