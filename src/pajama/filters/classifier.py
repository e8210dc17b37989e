"""A fastText quality classifier, and the RedPajama-v1 recipe that trains one.

RedPajama-v1 (Together 2023, following LLaMA, Touvron et al. 2023, arXiv:2302.13971, section 2) trained a
linear fastText model to tell pages used as Wikipedia references ("__label__wiki") from random Common
Crawl pages ("__label__cc"), and kept Common Crawl pages whose "wiki" probability was at least 0.25.
`train_classifier` builds such a model from any positive (reference) and negative (raw web) texts;
`quality_classifier` loads one by path and scores documents.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import importlib.util
import logging
import multiprocessing
import os
import random
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pajama.errors import ConfigError
from pajama.filter import SignalFilter, Verdict
from pajama.record import Record
from pajama.registry import register_filter

log = logging.getLogger(__name__)


def one_line(text: str) -> str:
    """The text as fastText reads it: one line, whitespace collapsed (RedPajama-v1 joined lines with spaces)."""
    return " ".join(text.split())


@functools.lru_cache(maxsize=4)
def load_model(path: str) -> Any:
    """The fastText model at `path`, loaded once per worker process."""
    import fasttext

    return fasttext.load_model(path)


def label_probability(model: Any, text: str, label: str) -> float:
    """fastText's probability of `label` (without the __label__ prefix) for `text`."""
    labels, probs = model.predict(one_line(text), k=-1)
    wanted = f"__label__{label}"
    for name, p in zip(labels, probs, strict=True):
        if name == wanted:
            return float(p)
    return 0.0


@register_filter("quality_classifier")
@dataclass(frozen=True, kw_only=True)
class QualityClassifier(SignalFilter):
    """Keep documents whose fastText probability of positive_label is at least min_score.

    The default threshold 0.25 and labels (wiki vs cc) are RedPajama-v1's Common Crawl classifier's.
    The model is loaded lazily, once per worker; the signal is `score`.
    """

    model: str
    positive_label: str = "wiki"
    min_score: float = 0.25

    def __post_init__(self) -> None:
        if importlib.util.find_spec("fasttext") is None:
            raise ConfigError(
                "quality_classifier.model", "needs the fasttext module: pip install fasttext-numpy2-wheel"
            )
        if not os.path.isfile(self.model.removeprefix("file://")):
            raise ConfigError(
                "quality_classifier.model", f"no such file: {self.model} (train one: pajama classifier train)"
            )

    def signals(self, record: Record) -> Mapping[str, Any]:
        model = load_model(self.model.removeprefix("file://"))
        return {"score": round(label_probability(model, record.text, self.positive_label), 6)}

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        if s["score"] < self.min_score:
            return Verdict.drop("quality_classifier.low_score", s)
        return Verdict.keep(s)


# ---------------------------------------------------------------------------------------------- training


def _rank(text: str, seed: int) -> int:
    """A deterministic pseudo-random rank of a text: sampling and the held-out split depend only on content."""
    digest = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8, key=str(seed).encode()).digest()
    return int.from_bytes(digest, "big")


def sample(texts: Iterable[str], limit: int, *, seed: int, min_chars: int = 0) -> list[tuple[int, str]]:
    """The `limit` distinct texts (at least min_chars long) with the smallest ranks, as (rank, text), sorted."""
    heap: list[tuple[int, str]] = []
    seen: set[int] = set()
    for text in texts:
        text = one_line(text)
        if len(text) < max(min_chars, 1):
            continue
        rank = _rank(text, seed)
        if rank in seen:
            continue
        if len(heap) < limit:
            heapq.heappush(heap, (-rank, text))
            seen.add(rank)
        elif rank < -heap[0][0]:
            seen.discard(-heapq.heappushpop(heap, (-rank, text))[0])
            seen.add(rank)
    return sorted((-r, t) for r, t in heap)


@dataclass(frozen=True, kw_only=True)
class TrainSettings:
    """How `pajama classifier train` builds and trains a model (fastText's own defaults otherwise)."""

    positive_label: str = "wiki"
    negative_label: str = "cc"
    max_docs: int = 100_000
    positive_min_chars: int = 1000
    holdout: float = 0.1
    seed: int = 0
    epoch: int = 5
    lr: float = 0.1
    word_ngrams: int = 1
    dim: int = 100
    threads: int = 1
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class TrainReport:
    train: dict[str, int]
    test: dict[str, int]
    accuracy: float | None
    model: str

    def to_dict(self) -> dict[str, Any]:
        return {"train": self.train, "test": self.test, "held_out_accuracy": self.accuracy, "model": self.model}


Labeled = list[tuple[str, str]]


def split(docs: dict[str, list[tuple[int, str]]], holdout: float) -> tuple[Labeled, Labeled]:
    """(train, test) lists of (label, text); a text is held out when its rank falls in the holdout fraction."""
    cut = int(holdout * 2**64)
    train: Labeled = []
    test: Labeled = []
    for label, items in docs.items():
        for rank, text in items:
            # the rank's low bits are independent of the high bits that chose the sample
            (test if (rank * 0x9E3779B97F4A7C15) % 2**64 < cut else train).append((label, text))
    return train, test


def train_classifier(positives: Iterable[str], negatives: Iterable[str], output: str, s: TrainSettings) -> TrainReport:
    """Sample both classes to the same size, hold some out, train fastText, measure, save to `output`."""
    import fasttext

    pos = sample(positives, s.max_docs, seed=s.seed, min_chars=s.positive_min_chars)
    neg = sample(negatives, s.max_docs, seed=s.seed)
    n = min(len(pos), len(neg))
    if n < 2:
        raise ConfigError("classifier", f"need at least 2 documents of each class, got {len(pos)} and {len(neg)}")
    train, test = split({s.positive_label: pos[:n], s.negative_label: neg[:n]}, s.holdout)
    random.Random(s.seed).shuffle(train)
    params = {"epoch": s.epoch, "lr": s.lr, "wordNgrams": s.word_ngrams, "dim": s.dim, "thread": s.threads}
    with tempfile.TemporaryDirectory(prefix="pajama-classifier-") as tmp:
        data, staged = os.path.join(tmp, "train.txt"), os.path.join(tmp, "model.bin")
        with open(data, "w", encoding="utf-8") as f:
            f.writelines(f"__label__{label} {text}\n" for label, text in train)
        # A fresh process per training: retraining inside one process was seen to give different models
        # for the same seed, and "Encountered NaN" errors, with this fastText build.
        with multiprocessing.get_context("spawn").Pool(1) as pool:
            pool.apply(_train_and_save, (data, staged, {**params, "seed": s.seed, **s.extra}))
        model = fasttext.load_model(staged)
        _publish(staged, output)
    correct = sum(1 for label, text in test if model.predict(text)[0][0] == f"__label__{label}")
    count = {s.positive_label: 0, s.negative_label: 0}
    test_count = dict(count)
    for label, _ in train:
        count[label] += 1
    for label, _ in test:
        test_count[label] += 1
    accuracy = round(correct / len(test), 4) if test else None
    return TrainReport(train=count, test=test_count, accuracy=accuracy, model=output)


def _train_and_save(data: str, out: str, params: dict[str, Any]) -> None:
    import fasttext

    fasttext.train_supervised(input=data, verbose=0, **params).save_model(out)


def _publish(staged: str, output: str) -> None:
    """Copy the model to `output` atomically: a reader never sees half a model under the final name."""
    from pajama.storage import atomic_write

    with open(staged, "rb") as src, atomic_write(output) as dst:
        shutil.copyfileobj(src, dst)
