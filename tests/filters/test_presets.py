"""Presets carry the papers' settings, every option spelled out, and build into working filters."""

from __future__ import annotations

import dataclasses
import io
import json
from contextlib import redirect_stdout
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama import options, registry
from pajama.cli import main
from pajama.errors import ConfigError
from pajama.filters.c4 import C4Paragraph
from pajama.filters.pii import PII
from pajama.record import Record

MINE = {"gopher", "c4", "fineweb", "fineweb_full", "redpajama_v1_cc", "redpajama_v2_example"}
OTHERS = {"language"}  # filters of other modules that a preset may name (their own options)


def specs(name: str) -> list[tuple[str, dict[str, Any]]]:
    out = []
    for entry in registry.get_preset(name).filters:
        ((filter_name, opts),) = entry.items()
        out.append((filter_name, opts))
    return out


def test_presets_are_registered() -> None:
    assert set(registry.presets()) >= MINE


@pytest.mark.parametrize("name", sorted(MINE))
def test_every_option_is_listed_and_builds(name: str) -> None:
    for filter_name, opts in specs(name):
        cls = registry.get_filter(filter_name)
        if filter_name in OTHERS:
            continue
        required = {
            f.name
            for f in dataclasses.fields(cls)
            if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
        }
        assert set(opts) == {f.name for f in dataclasses.fields(cls)} - required, filter_name
        if required:
            with pytest.raises(ConfigError, match="model"):
                options.build(cls, opts, f"filters.{filter_name}")
        else:
            built = options.build(cls, opts, f"filters.{filter_name}")
            assert options.describe(built) == opts


def test_published_values() -> None:
    gopher = dict(specs("gopher"))
    q, r = gopher["gopher_quality"], gopher["gopher_repetition"]
    assert (q["min_words"], q["max_words"], q["min_mean_word_length"], q["max_mean_word_length"]) == (
        50,
        100_000,
        3,
        10,
    )
    assert (q["max_symbol_word_ratio"], q["max_bullet_lines_frac"], q["max_ellipsis_lines_frac"]) == (0.1, 0.9, 0.3)
    assert (q["min_alpha_words_frac"], q["min_stop_words"]) == (0.8, 2)
    assert [r[f"max_top_{n}gram_frac"] for n in (2, 3, 4)] == [0.2, 0.18, 0.16]
    assert [r[f"max_dup_{n}gram_frac"] for n in range(5, 11)] == [0.15, 0.14, 0.13, 0.12, 0.11, 0.10]
    assert (r["max_dup_line_frac"], r["max_dup_para_frac"]) == (0.3, 0.3)
    assert (r["max_dup_line_char_frac"], r["max_dup_para_char_frac"]) == (0.2, 0.2)
    c4 = dict(specs("c4"))["c4"]
    assert (c4["min_words_per_line"], c4["min_sentences"], c4["max_word_length"]) == (5, 3, 1000)
    fw = dict(specs("fineweb"))["fineweb"]
    assert (fw["min_end_punct_lines_frac"], fw["max_short_lines_frac"], fw["short_line_chars"]) == (0.12, 0.67, 30)
    assert (fw["max_dup_line_chars_frac"], fw["max_newlines_per_word"]) == (0.01, 0.3)
    full = specs("fineweb_full")
    assert [n for n, _ in full] == ["language", "gopher_repetition", "gopher_quality", "c4", "fineweb"]
    assert full[0][1] == {"keep": ["en"], "min_score": 0.65}
    assert (full[3][1]["filter_no_end_mark"], full[3][1]["min_words_per_line"], full[3][1]["min_sentences"]) == (
        False,
        3,
        5,
    )
    rp1 = dict(specs("redpajama_v1_cc"))
    assert rp1["perplexity"]["keep_buckets"] == ["head", "middle"]
    assert rp1["quality_classifier"]["min_score"] == 0.25
    rp2 = dict(specs("redpajama_v2_example"))["rpv2"]
    assert {k: tuple(v) for k, v in rp2["bounds"].items()} == {
        "rps_doc_word_count": (50, 100_000),
        "rps_doc_mean_word_length": (3, 10),
        "rps_doc_symbol_to_word_ratio": (None, 0.1),
        "rps_lines_start_with_bulletpoint": (None, 0.9),
        "rps_doc_frac_chars_top_2gram": (None, 0.2),
    }


def test_list_presets_shows_every_threshold() -> None:
    out = io.StringIO()
    with redirect_stdout(out):
        assert main(["list", "presets"]) == 0
    text = out.getvalue()
    for name in MINE:
        assert f"{name}@1" in text
    assert "'max_dup_10gram_frac': 0.1" in text and "'min_sentences': 3" in text


PIECES = ["The ", "cat ", "sat. ", "\n", "\n\n", "• ", "#", "...", "{", "lorem ipsum ", "a@b.io ", "10.0.0.1 ", "—"]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=80).map("".join))
def test_preset_filters_change_text_only_with_an_edit(text: str) -> None:
    stages = [f for name in ("gopher", "c4", "fineweb", "redpajama_v2_example") for f in built(name)]
    stages += [PII(), C4Paragraph()]
    for f in stages:
        record = Record(id="prop/1", text=text, source="t", meta={}, origin={})
        v = f(record)
        assert record.text == text
        assert v.text is None or (v.kept and v.edit)
        again = f.decide(json.loads(json.dumps(dict(v.signals))))
        assert (again.kept, again.reason) == (v.kept, v.reason)
        # scalars; RedPajama-v2 also has nulls and per-line [start, end, value] spans, as RP-v2 stores them
        rp = f.name == "rpv2"
        assert all(
            type(x) in (int, float, bool, str) or (rp and x is None) or (rp and isinstance(x, list))
            for x in v.signals.values()
        )


def built(name: str) -> list[Any]:
    return [options.build(registry.get_filter(n), o, f"filters.{n}") for n, o in specs(name)]
