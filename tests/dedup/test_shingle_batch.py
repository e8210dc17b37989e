"""shingle.hash_texts shingles a whole batch at once: every document must get the hashes `spans` gives it
alone, whatever its neighbours (empty documents, fewer words than n, separators at the edges)."""

from __future__ import annotations

import random

import numpy as np
import pytest

from pajama.dedup import shingle

PIECES = [*"abc xyzÉé,.;\n\t«»—…　。日本語Σσ_-09", "\u00a0", "\ufeff", "\ud800", "\U00020000", "  ", "word", "ΟΔΟΣ"]


def _doc(rng: random.Random) -> str:
    return "".join(rng.choice(PIECES) for _ in range(rng.choice([0, 1, 2, 3, 5, 8, 40, 300])))


@pytest.mark.parametrize("hash_name", ["poly64", "sha1"])
@pytest.mark.parametrize("n", [1, 2, 5])
def test_a_batch_hashes_each_document_as_alone(hash_name: str, n: int) -> None:
    rng = random.Random(n)
    for _ in range(150):
        texts = [_doc(rng) for _ in range(rng.randint(1, 12))]
        alone = shingle.hash_batch([shingle.spans(t, "words", n) for t in texts], hash_name)
        batch = shingle.hash_texts(texts, "words", n, hash_name)
        assert np.array_equal(batch[1], alone[1]), texts
        assert np.array_equal(batch[0], alone[0]), texts


def test_a_batch_counts_shingles_per_document() -> None:
    hashes, counts = shingle.hash_texts(["", "one two", "a b c d e f g", ",;"], "words", 5, "poly64")
    assert counts.tolist() == [0, 1, 3, 0]
    assert len(hashes) == 4


def test_character_shingles_go_document_by_document() -> None:
    texts = ["日本語の文章", "", "ab"]
    alone = shingle.hash_batch([shingle.spans(t, "chars", 3) for t in texts], "poly64")
    batch = shingle.hash_texts(texts, "chars", 3, "poly64")
    assert np.array_equal(batch[0], alone[0]) and np.array_equal(batch[1], alone[1])
