"""Local (1 and 2 workers), Beam DirectRunner and Spark local[2] make the same release, byte for byte."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from tests.spine.helpers import REPO, pajama

pytestmark = pytest.mark.slow
ENGINES = [
    ("local", ["--workers", "1"]),
    ("local", ["--workers", "2"]),
    ("beam", ["--workers", "2"]),
    ("spark", ["--engine-opt", "master=local[2]"]),
]


def _runs(workdir: Path, config: Path) -> dict[str, dict]:
    manifests = {}
    for engine, extra in ENGINES:
        label = f"{engine}{''.join(extra)}".replace("--engine-opt", "--")
        label = "".join(c for c in label if c not in "[]=")
        out = workdir / f"out-{label}"
        proc = pajama("run", str(config), "--engine", engine, *extra, "--output", str(out), cwd=workdir)
        assert proc.returncode == 0, f"{label}: {proc.stderr[-3000:]}"
        release = next(out.glob("*/*/manifest.json")).parent
        assert pajama("manifest", "verify", str(release)).returncode == 0
        manifests[label] = json.loads((release / "manifest.json").read_text())
    return manifests


def _counts(m: dict) -> dict:
    return {k: m[k] for k in ("inputs", "sources", "stages", "licenses", "dedup", "tokens")}


def _assert_same(manifests: dict[str, dict]) -> None:
    (first, ref), *rest = manifests.items()
    for label, m in rest:
        assert m["release_digest"] == ref["release_digest"], f"{label} differs from {first}"
        assert _counts(m) == _counts(ref), f"{label} counts differ from {first}"
        assert [s["sha256"] for s in m["shards"]] == [s["sha256"] for s in ref["shards"]]
    assert {m["engine"]["name"] for m in manifests.values()} == {"local", "beam", "spark"}


def test_quickstart_on_every_engine(tmp_path: Path) -> None:
    pajama("samples", "samples", cwd=tmp_path, check=True)
    config = yaml.safe_load((REPO / "configs/quickstart.yaml").read_text())
    config["dedup"] = {"exact": {}, "minhash": {"threshold": 0.7}}
    path = tmp_path / "quickstart.yaml"
    path.write_text(yaml.safe_dump(config))
    manifests = _runs(tmp_path, path)
    _assert_same(manifests)
    assert manifests["local--workers1"]["engine"]["workers"] == 1
    assert manifests["spark--masterlocal2"]["engine"]["counters"]["documents"] == sum(
        s["documents"] for s in manifests["spark--masterlocal2"]["sources"].values()
    )


def test_multi_source_corpus_on_every_engine(tmp_path: Path, corpus: Path) -> None:
    data = tmp_path / "corpus"
    for sub in ("warc", "wiki", "books", "stackexchange", "arxiv/src"):
        shutil.copytree(corpus / sub, data / sub)
    config = {
        "dataset": "multi",
        "version": "1.0.0",
        "output": "out",
        "shards": 3,
        "rejected": True,
        "tokenizer": "gpt2",
        "sources": {
            "web": {"reader": "warc", "inputs": ["corpus/warc/*.warc.gz"], "options": {"extractor": "resiliparse"}},
            "wiki": {"reader": "wikipedia", "inputs": ["corpus/wiki/*"]},
            "books": {"reader": "books", "inputs": ["corpus/books/*.txt.gz"]},
            "se": {"reader": "stackexchange", "inputs": ["corpus/stackexchange/*"]},
            "arxiv": {"reader": "arxiv", "inputs": ["corpus/arxiv/src/*"]},
        },
        "dedup": {"exact": {}, "minhash": {"threshold": 0.8}, "scope": "global"},
    }
    path = tmp_path / "multi.yaml"
    path.write_text(yaml.safe_dump(config))
    _assert_same(_runs(tmp_path, path))
