"""Signatures: datasketch compatibility, the estimator's error bound, LSH parameters, shingling."""

from __future__ import annotations

import numpy as np
import pytest
from datasketch import MinHash
from datasketch.lsh import _optimal_param
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama.dedup import minhash, shingle


def _signature(
    texts: list[str], hash_name: str, num_perm: int = 128, seed: int = 1, unit: str = "words", n: int = 5
) -> np.ndarray:
    docs = [shingle.spans(t, unit, n) for t in texts]
    hashes, counts = shingle.hash_batch(docs, hash_name)
    return minhash.signatures(hashes, counts, num_perm, seed)


@pytest.mark.parametrize("hash_name", ["sha1", "poly64"])
@pytest.mark.parametrize(("unit", "n", "seed", "num_perm"), [("words", 5, 1, 128), ("chars", 7, 42, 64)])
def test_signatures_equal_datasketch(sentences, hash_name, unit, n, seed, num_perm):
    texts = [" ".join(sentences[i : i + 8]) for i in range(0, 240, 8)] + ["Short text.", ""]
    ours = _signature(texts, hash_name, num_perm, seed, unit, n)
    for text, row in zip(texts, ours, strict=True):
        kwargs = {"hashfunc": shingle.poly64_hash32} if hash_name == "poly64" else {}
        theirs = MinHash(num_perm=num_perm, seed=seed, **kwargs)
        theirs.update_batch(shingle.shingles(text, unit, n))
        assert theirs.hashvalues.dtype == np.uint32
        assert np.array_equal(theirs.hashvalues, row)


def test_batched_poly64_equals_the_scalar_function(sentences):
    text = " ".join(sentences[:40])
    s = shingle.spans(text, "words", 5)
    hashes, counts = shingle.hash_batch([shingle.spans("x y", "words", 5), s], "poly64")
    assert counts.tolist() == [1, len(s.starts)]
    assert hashes[1:].tolist() == [shingle.poly64_hash32(b) for b in shingle.shingles(text)]


def test_shingles_follow_the_documented_tokenization():
    text = "Hello,  World! “Curly” — dash… «x» naïve_case 3.5"
    assert shingle.shingles(text, "words", 2) == [
        b"hello world",
        b"world curly",
        b"curly dash",
        b"dash x",
        b"x na\xc3\xafve_case",
        b"na\xc3\xafve_case 3",
        b"3 5",
    ]
    assert shingle.shingles("ab cd", "chars", 3) == [b"ab ", b"b c", b" cd"]
    assert shingle.shingles("two words", "words", 5) == [b"two words"]
    assert shingle.shingles(" ... !!! ", "words", 5) == []


@pytest.mark.parametrize("threshold", [0.5, 0.7, 0.8, 0.9, 0.95])
def test_bands_rows_match_datasketch_optimal_param(threshold):
    assert minhash.optimal_bands(threshold, 128) == _optimal_param(threshold, 128, 0.5, 0.5)


def test_empty_document_has_datasketch_empty_signature():
    sig = _signature(["", "-- --"], "poly64")
    assert (sig == MinHash(num_perm=128).hashvalues).all()


VOCAB = [f"w{i}" for i in range(400)]


@settings(max_examples=60, deadline=None)
@given(
    common=st.sets(st.sampled_from(VOCAB), min_size=1, max_size=150),
    only_a=st.sets(st.sampled_from(VOCAB), max_size=80),
    only_b=st.sets(st.sampled_from(VOCAB), max_size=80),
    seed=st.integers(0, 2**16),
)
def test_estimate_within_binomial_bound_of_true_jaccard(common, only_a, only_b, seed):
    """matches ~ Binomial(num_perm, J): |estimate - J| <= 4.5 sigma (+1/num_perm for discreteness)."""
    a, b = common | only_a, common | (only_b - only_a)
    num_perm = 256
    sig = _signature([" ".join(sorted(a)), " ".join(sorted(b))], "poly64", num_perm, seed, "words", 1)
    true = len(a & b) / len(a | b)
    estimate = minhash.matches(sig[0], sig[1]) / num_perm
    bound = 4.5 * np.sqrt(true * (1 - true) / num_perm) + 1 / num_perm
    assert abs(estimate - true) <= bound


def test_min_matches_is_the_integer_form_of_the_threshold():
    assert minhash.min_matches(0.8, 128) == 103  # 102/128 = 0.797 < 0.8 <= 103/128
    assert minhash.min_matches(0.5, 128) == 64
