"""`pajama list filters --language CODE`: what the language-aware filters use for one language."""

from __future__ import annotations

from typing import Any

from pajama.filters.gopher import DUP_NGRAMS, TOP_NGRAMS, GopherQuality, GopherRepetition
from pajama.filters.per_language import fineweb2_values
from pajama.filters.signals import GOPHER_STOP_WORDS
from pajama.text.languages import Profile, profile


def _rules(prof: Profile) -> list[tuple[str, Any, str]]:
    """(rule, value, where it comes from) for the gopher and fineweb filters in this language."""
    fw2 = fineweb2_values(prof.label, per_language=True) if not prof.english else {}
    q, r = GopherQuality(), GopherRepetition()
    src = f"FineWeb-2 {prof.fineweb2_key}" if fw2 else "Gopher paper"
    out: list[tuple[str, Any, str]] = [
        ("gopher_quality.min_mean_word_length", fw2.get("min_avg_word_length", q.min_mean_word_length), src),
        ("gopher_quality.max_mean_word_length", fw2.get("max_avg_word_length", q.max_mean_word_length), src),
        ("gopher_quality.min_alpha_words_frac", fw2.get("max_non_alpha_words_ratio", q.min_alpha_words_frac), src),
        ("gopher_quality.min_stop_words", q.min_stop_words if prof.configured else "off (no stop words)", "paper"),
        ("gopher_repetition.max_dup_line_frac", fw2.get("dup_line_frac", r.max_dup_line_frac), src),
    ]
    top, dup = dict(fw2.get("top_n_grams", ())), dict(fw2.get("dup_n_grams", ()))
    out += [(f"gopher_repetition.max_top_{n}gram_frac", top.get(n, v), src) for n, v in TOP_NGRAMS.items()]
    out += [(f"gopher_repetition.max_dup_{n}gram_frac", dup.get(n, v), src) for n, v in DUP_NGRAMS.items()]
    if fw2:
        out += [
            ("fineweb.min_end_punct_lines_frac", fw2.get("line_punct_thr"), src),
            ("fineweb.max_newlines_per_word", fw2.get("new_line_ratio"), src),
        ]
    return out


def print_language(code: str) -> None:
    prof = profile(code)
    state = "configured" if prof.configured else "no configuration: the documented default applies"
    print(f"language {code}: {state}; manifest label {prof.label!r}")
    print(f"  script:          {prof.script or 'from the text (ICU if mostly unspaced, else whitespace)'}")
    print(f"  words:           {prof.segmenter} (pajama.text.words)")
    print(f"  sentence ends:   {' '.join(prof.sentence_ends)}")
    if prof.english:
        stop, source = sorted(GOPHER_STOP_WORDS), "Gopher paper (gopher_quality)"
    else:
        stop, source = sorted(prof.stop_words), prof.stop_words_source or "none"
    shown = " ".join(stop[:30]) + (" ..." if len(stop) > 30 else "")
    print(f"  stop words:      {len(stop)} from {source}: {shown}")
    print("  thresholds (language: auto, per_language: true):")
    for rule, value, origin in _rules(prof):
        print(f"    {rule:<52} {value!s:<22} {origin}")
