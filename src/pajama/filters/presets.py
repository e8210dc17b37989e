"""Presets: the filter stacks of the papers, each filter spec carrying every threshold it uses.

A preset's specs are exactly what a config's `filters:` list holds ({name: {options}}), built from the
filters' own defaults so a preset never disagrees with the filter it names; `pajama list presets` and
the manifest show every value.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from pajama.filters.c4 import C4
from pajama.filters.classifier import QualityClassifier
from pajama.filters.fineweb import FineWeb
from pajama.filters.gopher import GopherQuality, GopherRepetition
from pajama.filters.perplexity import Perplexity
from pajama.filters.rpv2 import RedPajamaV2
from pajama.options import describe
from pajama.registry import Preset, register_preset


def spec(cls: type, **overrides: Any) -> dict[str, dict[str, Any]]:
    """{filter name: every option} for `cls` with its defaults, overridden where a paper differs."""
    return {cls.name: describe(cls(**overrides))}  # type: ignore[attr-defined]


def spec_without_required(cls: type, **overrides: Any) -> dict[str, dict[str, Any]]:
    """Like spec(), for filters with required options (model paths), which are left for the user to add."""
    options = {}
    for f in dataclasses.fields(cls):
        if f.default is not dataclasses.MISSING:
            value = overrides.get(f.name, f.default)
            options[f.name] = list(value) if isinstance(value, tuple) else value
    return {cls.name: options}  # type: ignore[attr-defined]


GOPHER = register_preset(
    Preset(
        name="gopher",
        filters=[spec(GopherRepetition), spec(GopherQuality)],
        description="MassiveWeb quality and repetition rules (Gopher), repetition first as datatrove runs them",
        citation="Rae et al. 2021, arXiv:2112.11446, appendix A",
    )
)

C4_PRESET = register_preset(
    Preset(
        name="c4",
        filters=[spec(C4)],
        description="C4 line removals and page rules; add {c4_badwords: {words: URI}} for the bad-words rule",
        citation="Raffel et al. 2020, arXiv:1910.10683, section 2.2",
    )
)

FINEWEB = register_preset(
    Preset(
        name="fineweb",
        filters=[spec(FineWeb, short_lines_unspaced="chars")],
        description=(
            "FineWeb's own filters (line punctuation, short lines, duplicated line chars, list ratio); in a config "
            "`fineweb` names the filter, so write {fineweb: {short_lines_unspaced: chars}} for these decisions"
        ),
        citation="Penedo et al. 2024, arXiv:2406.17557, section 3.5",
    )
)

FINEWEB_FULL = register_preset(
    Preset(
        name="fineweb_full",
        filters=[
            {"language": {"keep": ["en"], "min_score": 0.65}},
            spec(GopherRepetition),
            spec(GopherQuality),
            spec(C4, filter_no_end_mark=False, min_words_per_line=3, min_sentences=5),
            spec(FineWeb, short_lines_unspaced="chars"),
        ],
        description=(
            "FineWeb's whole heuristic stack: fastText language id (en >= 0.65), Gopher repetition and quality, "
            "C4 without the end-mark rule (3 words per line, 5 sentences, as datatrove runs it), FineWeb filters"
        ),
        citation="Penedo et al. 2024, arXiv:2406.17557, section 3",
    )
)

REDPAJAMA_V1_CC = register_preset(
    Preset(
        name="redpajama_v1_cc",
        filters=[
            {"language": {"keep": ["en"], "min_score": 0.5}},
            spec_without_required(Perplexity, keep_buckets=["head", "middle"]),
            spec_without_required(QualityClassifier),
        ],
        description=(
            "RedPajama-v1 Common Crawl: CCNet's language id (en >= 0.5) and perplexity buckets (head+middle kept), "
            "then a wiki-vs-cc fastText classifier with score >= 0.25. The two models are yours to name: list "
            "these filters with perplexity.model and quality_classifier.model (pajama classifier train)"
        ),
        citation="Together 2023, RedPajama-Data v1 (data_prep/cc); Wenzek et al. 2020, arXiv:1911.00359",
        extra={"required_options": {"perplexity": ["model"], "quality_classifier": ["model"]}},
    )
)

REDPAJAMA_V2_EXAMPLE = register_preset(
    Preset(
        name="redpajama_v2_example",
        filters=[
            spec(
                RedPajamaV2,
                bounds={  # the dataset card's gopher_rules_pass, rules 1-4, in its order
                    "rps_doc_word_count": (50, 100_000),
                    "rps_doc_mean_word_length": (3, 10),
                    "rps_doc_symbol_to_word_ratio": (None, 0.1),
                    "rps_lines_start_with_bulletpoint": (None, 0.9),
                    "rps_doc_frac_chars_top_2gram": (None, 0.2),
                },
            )
        ],
        description=(
            "RedPajama-v2 signals with the dataset card's example Gopher rules: 50 <= words <= 100,000, "
            "3 <= mean word length <= 10, symbol/word <= 0.1, bullet lines / lines <= 0.9, top 2-gram <= 0.2"
        ),
        citation=(
            "Weber et al. 2024, arXiv:2411.12372; dataset card (README.md) of togethercomputer/RedPajama-Data-V2 "
            "on huggingface.co, revision aa033f6 (main), 'Applying Filtering Rules' (100_000 since e04bdec)"
        ),
    )
)

FINEWEB2 = register_preset(
    Preset(
        name="fineweb2",
        filters=[
            spec(GopherRepetition, max_dup_para_frac=None, max_dup_line_char_frac=None, max_dup_para_char_frac=None),
            spec(FineWeb, max_short_lines_frac=999.0, max_dup_line_chars_frac=0.1, per_language=True),
            spec(GopherQuality),
        ],
        description=(
            "FineWeb-2's per-language heuristics: Gopher repetition (paragraph and line-character rules off), "
            "FineWeb (short-line rule off, duplicated line chars 0.1, per-language line thresholds), Gopher quality; "
            "with language: auto each "
            "record gets its language's words, stop words and FineWeb-2 thresholds (pajama list filters --language)"
        ),
        citation="Penedo et al. 2025, arXiv:2506.20920; huggingface/fineweb-2 fineweb-2-pipeline.py and configs/",
    )
)
