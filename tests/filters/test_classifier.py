"""`pajama classifier train` end to end (real fastText) and the quality_classifier filter."""

from __future__ import annotations

import io
import json
import random
import re
from contextlib import redirect_stdout
from pathlib import Path
from pydoc_data.topics import topics

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import zstandard

from pajama import options
from pajama.cli import main
from pajama.errors import ConfigError
from pajama.filters.classifier import QualityClassifier, sample, split
from pajama.record import Record

JUNK_WORDS = [
    "home",
    "login",
    "cart",
    "$9.99",
    "BUY",
    "NOW",
    "click",
    "here",
    "free",
    "shipping",
    "best",
    "price",
    "deals",
    "sale",
    "50%",
    "off",
]


def reference_docs() -> list[str]:
    """Python's own documentation topics, cut into ~1,500-character documents at paragraph breaks."""
    docs = []
    for text in topics.values():
        buf = ""
        for para in re.split(r"\n\s*\n", text):
            buf += para + "\n\n"
            if len(buf) >= 1500:
                docs.append(buf)
                buf = ""
    return docs


def junk_docs(n: int) -> list[str]:
    rnd = random.Random(7)
    return [
        "\n".join(" | ".join(rnd.choice(JUNK_WORDS) for _ in range(rnd.randint(3, 8))) for _ in range(40))
        + f"\nitem{i}"
        for i in range(n)
    ]


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    tmp = tmp_path_factory.mktemp("clf")
    release = tmp / "wiki-release" / "1.0.0"
    (release / "data" / "docs").mkdir(parents=True)
    table = pa.table({"id": [f"d/{i}" for i in range(len(reference_docs()))], "text": reference_docs()})
    pq.write_table(table, release / "data" / "docs" / "part-00000.parquet")
    negatives = tmp / "web.jsonl.zst"
    lines = b"".join(orjson.dumps({"text": t}) + b"\n" for t in junk_docs(400))
    negatives.write_bytes(zstandard.ZstdCompressor().compress(lines))
    model = tmp / "quality.bin"
    out = io.StringIO()
    argv = ["classifier", "train", "--positive", str(release), "--negative", str(negatives)]
    with redirect_stdout(out):
        code = main([*argv, "--output", str(model), "--holdout", "0.2", "--epoch", "10"])
    assert code == 0
    return model, json.loads(out.getvalue())


def test_training_report(trained: tuple[Path, dict[str, object]]) -> None:
    model, report = trained
    assert model.is_file() and model.stat().st_size > 0
    n_pos = len({one for d in reference_docs() if len(one := " ".join(d.split())) >= 1000})  # distinct texts
    train, test = report["train"], report["test"]
    assert isinstance(train, dict) and isinstance(test, dict)
    assert train["wiki"] + test["wiki"] == n_pos  # balanced: as many negatives as positives
    assert train["cc"] + test["cc"] == n_pos
    assert 0 < test["wiki"] < train["wiki"]
    assert isinstance(report["held_out_accuracy"], float) and report["held_out_accuracy"] >= 0.9


def test_filter_scores_and_drops(trained: tuple[Path, dict[str, object]]) -> None:
    model, _ = trained
    f = options.build(QualityClassifier, {"model": str(model)}, "filters.quality_classifier")
    prose = "The for statement is used to iterate over the elements of a sequence, such as a string or a list. " * 8
    good = f(Record(id="x/1", text=prose, source="t", meta={}, origin={}))
    bad = f(Record(id="x/2", text=junk_docs(1)[0], source="t", meta={}, origin={}))
    assert good.kept and good.signals["score"] > 0.5
    assert not bad.kept and bad.reason == "quality_classifier.low_score" and bad.signals["score"] < 0.25
    assert f.decide(json.loads(json.dumps(dict(bad.signals)))).reason == bad.reason


def test_reader_inputs(tmp_path: Path) -> None:
    pos, neg = tmp_path / "pos.jsonl", tmp_path / "neg.jsonl"
    pos.write_text("".join(json.dumps({"text": t}) + "\n" for t in reference_docs()[:60]), encoding="utf-8")
    neg.write_text("".join(json.dumps({"text": t}) + "\n" for t in junk_docs(60)), encoding="utf-8")
    out = io.StringIO()
    argv = ["classifier", "train", "--positive", str(pos), "--negative", str(neg), "--positive-reader", "jsonl"]
    with redirect_stdout(out):
        assert main([*argv, "--negative-reader", "jsonl", "--output", str(tmp_path / "m.bin")]) == 0
    report = json.loads(out.getvalue())
    assert report["train"]["wiki"] == report["train"]["cc"] > 0 or report["test"]["wiki"] > 0


def test_sampling_is_deterministic_and_order_free() -> None:
    texts = [f"document number {i} " * 5 for i in range(50)]
    a = sample(texts, 10, seed=1)
    b = sample(list(reversed(texts)), 10, seed=1)
    assert a == b and len(a) == 10
    assert sample(texts, 10, seed=2) != a
    train, test = split({"x": sample(texts, 50, seed=1)}, 0.3)
    assert len(train) + len(test) == 50 and 5 <= len(test) <= 25


def test_config_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        options.build(QualityClassifier, {"model": str(tmp_path / "none.bin")}, "filters.quality_classifier")
    assert main(["classifier", "train", "--positive", str(tmp_path / "nope"), "--negative", "x", "--output", "m"]) == 2
