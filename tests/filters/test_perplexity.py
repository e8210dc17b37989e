"""Perplexity with a real KenLM model (a unigram ARPA file written here), CCNet buckets, drop reasons."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pajama import options
from pajama.errors import ConfigError
from pajama.filters.perplexity import Perplexity, normalize_for_lm
from pajama.record import Record

pytest.importorskip("kenlm")

UNIGRAMS = {"<unk>": -1.0, "</s>": -0.5, "hello": -0.3, "world": -0.6, "0000": -0.8}
BIGRAMS = {("hello", "world"): -0.1}  # KenLM needs at least a bigram model; every backoff is 0


@pytest.fixture
def arpa(tmp_path: Path) -> str:
    lines = ["\\data\\", f"ngram 1={len(UNIGRAMS) + 1}", f"ngram 2={len(BIGRAMS)}", "", "\\1-grams:"]
    lines += ["-99\t<s>\t0"] + [f"{p}\t{w}\t0" for w, p in UNIGRAMS.items()]
    lines += ["", "\\2-grams:"] + [f"{p}\t{a} {b}" for (a, b), p in BIGRAMS.items()]
    lines += ["", "\\end\\", ""]
    path = tmp_path / "uni.arpa"
    path.write_text("\n".join(lines), encoding="utf-8")
    return str(path)


def rec(text: str) -> Record:
    return Record(id="pp/x", text=text, source="t", meta={}, origin={})


def expected_perplexity(text: str) -> float:
    """CCNet's formula computed by hand from the unigram table: 10 ** (-sum log10 p / tokens incl. </s>)."""
    total, length = 0.0, 0
    for line in text.lower().splitlines():
        tokens = line.split()
        if not tokens:
            continue
        for prev, tok in zip(["<s>", *tokens], [*tokens, "</s>"], strict=True):
            total += BIGRAMS.get((prev, tok), UNIGRAMS.get(tok, UNIGRAMS["<unk>"]))
        length += len(tokens) + 1
    return 10 ** (-total / length)


def test_perplexity_matches_the_formula(arpa: str) -> None:
    text = "hello world\n\nHello there\nworld"
    v = Perplexity(model=arpa)(rec(text))
    assert v.kept
    assert v.signals["perplexity"] == pytest.approx(round(expected_perplexity(text), 1))
    assert v.signals["lm_tokens"] == 3 + 3 + 2
    assert v.meta == {"perplexity_bucket": "head"}


def test_normalization() -> None:
    assert normalize_for_lm("  Héllo   “WORLD” — 2024…") == 'hello "world" - 0000...'


@pytest.mark.parametrize(
    ("opts", "reason"),
    [
        ({"head_cutoff": 100.0, "tail_cutoff": 200.0, "keep_buckets": ["middle", "tail"]}, "perplexity.head"),
        ({"head_cutoff": 1.0, "tail_cutoff": 200.0, "keep_buckets": ["head", "tail"]}, "perplexity.middle"),
        ({"head_cutoff": 1.0, "tail_cutoff": 1.5, "keep_buckets": ["head", "middle"]}, "perplexity.tail"),
        ({"max_perplexity": 1.5}, "perplexity.too_high"),
    ],
)
def test_drop_reasons(arpa: str, opts: dict[str, object], reason: str) -> None:
    f = options.build(Perplexity, {"model": arpa, **opts}, "filters.perplexity")
    v = f(rec("hello world hello"))
    assert not v.kept and v.reason == reason
    again = f.decide(json.loads(json.dumps(dict(v.signals))))
    assert (again.kept, again.reason) == (False, reason)


def test_no_tokens(arpa: str) -> None:
    v = Perplexity(model=arpa)(rec(" \n \t "))
    assert not v.kept and v.reason == "perplexity.no_tokens"


def test_refilter_rebuckets_from_the_stored_perplexity(arpa: str) -> None:
    v = Perplexity(model=arpa)(rec("hello world"))
    stricter = Perplexity(model=arpa, head_cutoff=1.0, tail_cutoff=1.5, keep_buckets=("head", "middle"))
    again = stricter.decide(dict(v.signals))
    assert again.reason == "perplexity.tail" and again.signals["bucket"] == "tail"


def test_config_errors(tmp_path: Path, arpa: str) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        options.build(Perplexity, {"model": str(tmp_path / "none.arpa")}, "filters.perplexity")
    with pytest.raises(ConfigError, match="local files"):
        options.build(Perplexity, {"model": "s3://bucket/model.bin"}, "filters.perplexity")
    with pytest.raises(ConfigError):
        options.build(Perplexity, {}, "filters.perplexity")
    with pytest.raises(ConfigError, match="tail_cutoff"):
        options.build(Perplexity, {"model": arpa, "head_cutoff": 9.0, "tail_cutoff": 1.0}, "filters.perplexity")
