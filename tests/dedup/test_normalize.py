"""Exact-dedup normalization options and URL normalization."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama.dedup.normalize import ORDER, exact_hash, normalize, normalize_url


@pytest.mark.parametrize(
    ("options", "a", "b"),
    [
        (["whitespace"], "a  b\n\tc ", "a b c"),
        (["case"], "Straße ABC", "STRASSE abc"),
        (["punctuation"], "Hello, world! (really) 1+1", "Hello world really 11"),
        (["digits"], "page 12 of 345", "page 99 of 000"),
        (["unicode"], "ﬁne ＡＢＣ", "fine ABC"),
    ],
)
def test_each_option_makes_its_variants_equal(options, a, b):
    assert exact_hash(a, options) == exact_hash(b, options)
    others = [o for o in ORDER if o not in options]
    if others != list(ORDER):
        assert normalize(a, []) != normalize(b, [])


def test_without_options_text_is_compared_as_is():
    assert exact_hash("a b", []) != exact_hash("a  b", [])
    assert len(exact_hash("", [])) == 16


def test_options_are_applied_in_the_documented_order_whatever_the_list_order():
    text = "Hello,   World 42!"
    assert normalize(text, ["whitespace", "punctuation", "case"]) == normalize(
        text, ["case", "punctuation", "whitespace"]
    )
    assert normalize(text, ORDER) == "hello world 00"


def test_unknown_option_is_refused():
    with pytest.raises(ValueError, match="unknown normalization"):
        normalize("x", ["emoji"])


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=60), options=st.sets(st.sampled_from(ORDER)))
def test_normalization_is_idempotent(text, options):
    once = normalize(text, options)
    assert normalize(once, options) == once


def test_url_normalization():
    assert normalize_url("HTTPS://Example.COM:443/a?b=1#top") == "https://example.com/a?b=1"
    assert normalize_url("http://example.com") == "http://example.com/"
    assert normalize_url("http://example.com:8080/x") == "http://example.com:8080/x"
    assert normalize_url("http://example.com/x?b=1") != normalize_url("http://example.com/x?b=2")
