"""Planted near-duplicates in real text: precision and recall against exact-Jaccard truth.

Base documents are windows of 25 real sentences. Variants of some bases delete sentences, insert
foreign sentences, or swap a boilerplate header/footer, at several strengths, so their true Jaccard
to the base spreads on both sides of the threshold. Hard negatives share only boilerplate. Truth is
the exact Jaccard of the shingle sets, at the threshold, closed transitively (what a perfect
verifier would cluster); predictions are resolve()'s clusters. Both are compared pair by pair.
Measured (threshold 0.8, 128 permutations, derived 14 bands x 9 rows), precision / recall:
books text, verify estimate 0.926 / 0.949, verify exact 1.000 / 0.975; pydoc text, estimate
0.875 / 0.875, exact 1.000 / 1.000. Estimated verification lets pairs just under the threshold in (and
transitive closure spreads them); exact verification admits none, so its precision is 1.
"""

from __future__ import annotations

import itertools
import random

import pytest

from pajama.dedup.config import DedupConfig, MinhashConfig
from pajama.dedup.shingle import shingles

# (text source, verify) -> (precision, recall) floors: the values measured, minus a 0.03 margin
FLOORS = {
    ("books", "estimate"): (0.926 - 0.03, 0.949 - 0.03),
    ("books", "exact"): (1.0, 0.975 - 0.03),
    ("pydoc", "estimate"): (0.875 - 0.03, 0.875 - 0.03),
    ("pydoc", "exact"): (1.0, 1.0 - 0.03),
}
LEVELS = (0.02, 0.05, 0.1, 0.15, 0.2, 0.3)
SIZE = 25


def _corpus(sentences: list[str]) -> list[tuple[str, str]]:
    rng = random.Random(8)
    pool = sentences[len(sentences) // 10 :]  # skip front matter
    bases = [pool[k * SIZE : (k + 1) * SIZE] for k in range(60)]
    foreign = pool[60 * SIZE : 70 * SIZE]
    boiler = [pool[70 * SIZE + 4 * k : 70 * SIZE + 4 * k + 4] for k in range(6)]
    docs = [(f"base{k}", " ".join(b)) for k, b in enumerate(bases)]
    for k, base in enumerate(bases[:30]):
        for level in LEVELS[k % 2 :: 2]:
            count = max(1, round(level * SIZE))
            kind = ("delete", "insert", "swap")[k % 3]
            if kind == "delete":
                gone = set(rng.sample(range(SIZE), count))
                text = [s for i, s in enumerate(base) if i not in gone]
            elif kind == "insert":
                text = list(base)
                for s in rng.sample(foreign, count):
                    text.insert(rng.randrange(len(text) + 1), s)
            else:
                text = boiler[k % 6][:2] + base[count : -count or None] + boiler[k % 6][2:]
            docs.append((f"{kind}{k}-{level}", " ".join(text)))
    for k in range(12):  # hard negatives: the same boilerplate around different bodies
        body = pool[80 * SIZE + 10 * k : 80 * SIZE + 10 * k + 10]
        docs.append((f"boiler{k}", " ".join(boiler[0][:2] + body + boiler[0][2:])))
    return docs


def _pairs_of(groups: dict[str, str]) -> set[tuple[str, str]]:
    members: dict[str, list[str]] = {}
    for doc, root in groups.items():
        members.setdefault(root, []).append(doc)
    return {tuple(sorted(p)) for m in members.values() for p in itertools.combinations(m, 2)}


def _truth(docs: list[tuple[str, str]], threshold: float) -> set[tuple[str, str]]:
    sets = {key: set(shingles(text)) for key, text in docs}
    root = {key: key for key in sets}

    def find(x: str) -> str:
        while root[x] != x:
            x = root[x]
        return x

    for (a, sa), (b, sb) in itertools.combinations(sets.items(), 2):
        if len(sa & sb) >= threshold * len(sa | sb):
            root[find(a)] = find(b)
    return _pairs_of({k: find(k) for k in sets})


@pytest.mark.parametrize("verify", ["estimate", "exact"])
def test_precision_and_recall_against_exact_jaccard(sentences, text_source, rec, run, verify):
    threshold = 0.8
    docs = _corpus(sentences)
    records = [rec("web", key, text) for key, text in docs]
    key_of = {r.id: key for r, (key, _) in zip(records, docs, strict=True)}
    result = run(records, DedupConfig(minhash=MinhashConfig(threshold=threshold, verify=verify)))
    groups = {key: key for key, _ in docs}
    for removed, info in result.removed.items():
        groups[key_of[removed]] = key_of[info.duplicate_of]
    predicted, truth = _pairs_of(groups), _truth(docs, threshold)
    assert len(truth) >= 20  # the corpus does plant duplicates on both sides of the threshold
    hit = len(predicted & truth)
    precision = hit / len(predicted) if predicted else 1.0
    recall = hit / len(truth)
    print(
        f"planted ({text_source}, verify {verify}): {len(docs)} docs, {len(truth)} true pairs, "
        f"precision {precision:.3f}, recall {recall:.3f}"
    )
    min_precision, min_recall = FLOORS[text_source, verify]
    assert precision >= min_precision
    assert recall >= min_recall
