"""Dedup resolved in Spark's shuffle (local[2]) and with Beam transforms (DirectRunner) equals
dedup.stage.resolve(): the same removals (duplicate_of, cluster_id, reason) and the same stats, on planted
near-duplicates of real text, across releases, on a long chain that only transitivity connects, and on the
feature files of real runs (the quickstart, the shared corpus)."""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path

import pytest
import yaml

from pajama.dedup.config import DedupConfig, ExactConfig, MinhashConfig
from pajama.dedup.shingle import shingles
from pajama.dedup.stage import DedupResult, resolve, write_signatures
from pajama.jobs import beam_dedup
from pajama.jobs.beam import BeamExecutor
from pajama.jobs.spark import SparkExecutor
from tests.dedup.conftest import _sentences, featurize, record
from tests.spine.helpers import REPO, pajama

pytestmark = pytest.mark.slow

CONFIGS = {
    "exact-url-minhash": DedupConfig(exact=ExactConfig(url=True), minhash=MinhashConfig(threshold=0.8)),
    "global-exact-verify": DedupConfig(
        exact=ExactConfig(normalize=["whitespace", "case"]),
        minhash=MinhashConfig(threshold=0.7, verify="exact", max_cluster=2),
        scope="global",
    ),
    "loose-bands-no-verify": DedupConfig(minhash=MinhashConfig(threshold=0.8, bands=20, rows=3, verify="none")),
}


@pytest.fixture(scope="module")
def spark():
    executor = SparkExecutor(master="local[2]")
    yield executor
    executor.close()


@pytest.fixture(scope="module")
def beam() -> BeamExecutor:
    return BeamExecutor(workers=1)


def same_everywhere(files, cfg, work: Path, spark, beam, previous=()) -> DedupResult:
    """resolve() and both engines on the same files; the engines' results must equal resolve()'s."""
    local = resolve(files, cfg, work_dir=str(work / "local"), previous=list(previous))
    for engine in (spark, beam):
        got = engine.resolve_dedup(files, cfg, work_dir=str(work / engine.name), previous=list(previous))
        assert got.removed == local.removed, engine.name
        assert got.stats == local.stats, engine.name
    return local


def jaccard(a: str, b: str) -> float:
    x, y = set(shingles(a)), set(shingles(b))
    return len(x & y) / len(x | y)


def window(k: int, size: int = 30, drop: tuple[int, ...] = (), sep: str = " ") -> str:
    chosen = _sentences()[k * size : (k + 1) * size]
    return sep.join(s for i, s in enumerate(chosen) if i not in drop)


def planted(cfg: DedupConfig) -> tuple[list, dict[str, tuple[str, str]]]:
    """Originals in two sources (sentences joined by two spaces), their exact copies (one space: shorter),
    near copies (a sentence less) in the same source and, for books, in web; older captures of one url;
    documents without words. Returns the records and what the config must remove: {id: (kept, reason)}."""
    records, expected = [], {}
    exact_reason = "dedup.exact" if cfg.exact is not None else "dedup.minhash"
    for k in range(24):
        source = "books" if k % 4 == 0 else "web"
        original = record(source, f"o{k}", window(k, sep="  "), url=f"http://example.com/{k}", timestamp="2024-01-01")
        records.append(original)
        if k % 5 == 0:
            copy = record(source, f"exact{k}", window(k))
            records.append(copy)
            expected[copy.id] = (original.id, exact_reason)
        if k % 3 == 0:
            near = record(source, f"near{k}", window(k, drop=(k % 30,), sep="  "))
            records.append(near)
            expected[near.id] = (original.id, "dedup.minhash")
        if source == "books":
            other = record("web", f"web-copy{k}", window(k, drop=(29,), sep="  "))
            records.append(other)
            if cfg.scope == "global":
                expected[other.id] = (original.id, "dedup.minhash")
    for n, day in enumerate(("2023-05-01", "2022-01-01")):  # older captures of http://example.com/1
        capture = record("web", f"capture{n}", window(40 + n), url="http://example.com/1", timestamp=day)
        records.append(capture)
        if cfg.exact is not None and cfg.exact.url:
            expected[capture.id] = (record("web", "o1", "").id, "dedup.url")
    records += [record("web", "p", "... !!!"), record("books", "q", "--- ???")]
    texts = {r.id: r.text for r in records}
    for copy, (kept, reason) in expected.items():  # the planted near copies are near, by true Jaccard
        assert reason != "dedup.minhash" or jaccard(texts[copy], texts[kept]) > 0.85
    return records, expected


@pytest.mark.parametrize("name", sorted(CONFIGS))
def test_planted_duplicates_resolve_alike(name, tmp_path, spark, beam):
    cfg = CONFIGS[name]
    records, expected = planted(cfg)
    files = featurize(records, cfg, tmp_path, inputs=3, ranks={"books": 0, "web": 1})
    result = same_everywhere(files, cfg, tmp_path, spark, beam)
    assert {i: (d.duplicate_of, d.reason) for i, d in result.removed.items()} == expected


def test_previous_release_and_repeated_ids(tmp_path, spark, beam):
    cfg = CONFIGS["exact-url-minhash"].model_copy(update={"scope": "global"})
    first = [record("web", f"o{k}", window(k)) for k in range(12)]
    (tmp_path / "r1").mkdir()
    old_files = featurize(first, cfg, tmp_path / "r1", inputs=2)
    release = tmp_path / "release-1"
    write_signatures(old_files, str(release), shards=2, result=resolve(old_files, cfg, work_dir=str(tmp_path / "w")))
    again = [record("wiki", f"w{k}", window(k, drop=(3,))) for k in range(0, 12, 2)]  # near copies of release 1
    fresh = [record("wiki", f"n{k}", window(k)) for k in range(20, 26)]
    (tmp_path / "r2").mkdir()
    files = featurize(again + fresh, cfg, tmp_path / "r2", inputs=2)
    # the ids n20..n22 again with the texts of n21..n23, in a file read later: the first read counts,
    # so these are no exact copies
    repeated = [record("wiki", f"n{k}", window(k + 1)) for k in range(20, 23)]
    (tmp_path / "repeat").mkdir()
    files += featurize(repeated, cfg, tmp_path / "repeat", inputs=1)
    result = same_everywhere(files, cfg, tmp_path, spark, beam, previous=[str(release)])
    assert result.stats["previous_documents"] == len(first)
    assert result.stats["documents"] == len(again) + len(fresh)
    expected = {w.id: o.id for w, o in zip(again, first[0::2], strict=True)}
    assert {i: d.duplicate_of for i, d in result.removed.items()} == expected


def test_long_chain_settles_into_one_cluster(tmp_path, spark, beam, caplog, monkeypatch):
    """Sliding windows: neighbours are near-duplicates, the ends share nothing; ids put the chain in a
    random order, so large-star / small-star needs several rounds (Beam: several pipelines)."""
    sentences = _sentences()
    n, size = 240, 60
    texts = [" ".join(sentences[200 + k : 200 + k + size]) for k in range(n)]
    assert min(jaccard(texts[k], texts[k + 1]) for k in range(n - 1)) > 0.85  # threshold 0.8
    assert jaccard(texts[0], texts[-1]) < 0.01
    records = [record("web", f"chain{k}", t) for k, t in enumerate(texts)]
    random.Random(5).shuffle(records)
    cfg = DedupConfig(minhash=MinhashConfig(threshold=0.8))
    files = featurize(records, cfg, tmp_path, inputs=2)
    monkeypatch.setattr(beam_dedup, "ROUNDS", 2)
    with caplog.at_level(logging.INFO, logger="pajama.jobs"):
        result = same_everywhere(files, cfg, tmp_path, spark, beam)
    mh = result.stats["minhash"]
    assert mh["clusters"] == 1 and mh["largest_cluster"]["size"] == n and len(result.removed) == n - 1
    assert len({d.duplicate_of for d in result.removed.values()}) == 1
    spark_rounds = [r.args[0] for r in caplog.records if r.name == "pajama.jobs.spark_dedup"]
    beam_rounds = [r.args[0] for r in caplog.records if r.name == "pajama.jobs.beam_dedup"]
    assert spark_rounds and spark_rounds[0] >= 3
    assert beam_rounds and beam_rounds[0] > beam_dedup.ROUNDS  # more than one pipeline


def _features_of_run(workdir: Path, config: dict) -> tuple[list[str], dict]:
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(config))
    proc = pajama("run", str(path), "--workers", "2", "--output", str(workdir / "out"), cwd=workdir)
    assert proc.returncode == 0, proc.stderr[-3000:]
    manifest = json.loads(next((workdir / "out").glob("*/*/manifest.json")).read_text())
    files = sorted(str(p) for p in (workdir / "out").rglob("map/*/*/features.parquet"))
    assert files
    return files, manifest


def test_quickstart_features_resolve_alike(tmp_path, spark, beam):
    pajama("samples", "samples", cwd=tmp_path, check=True)
    config = yaml.safe_load((REPO / "configs/quickstart.yaml").read_text())
    config.pop("tokens", None)
    config.pop("tokenizer", None)
    config["dedup"] = {"exact": {}, "minhash": {"threshold": 0.7}}
    files, manifest = _features_of_run(tmp_path, config)
    cfg = DedupConfig.model_validate(config["dedup"])
    result = same_everywhere(files, cfg, tmp_path, spark, beam)
    assert result.stats == manifest["dedup"]  # these are all the run's feature files
    assert result.removed


def test_shared_corpus_features_resolve_alike(tmp_path, corpus, spark, beam):
    config = {
        "dataset": "multi", "version": "1.0.0", "output": "out", "shards": 2,
        "sources": {
            "web": {"reader": "warc", "inputs": [str(corpus / "warc/*.warc.gz")],
                    "options": {"extractor": "resiliparse"}},
            "wiki": {"reader": "wikipedia", "inputs": [str(corpus / "wiki/*")]},
            "books": {"reader": "books", "inputs": [str(corpus / "books/*.txt.gz")]},
            "se": {"reader": "stackexchange", "inputs": [str(corpus / "stackexchange/*")]},
        },
        "dedup": {"exact": {"url": True}, "minhash": {"threshold": 0.8}, "scope": "global"},
    }  # fmt: skip
    files, manifest = _features_of_run(tmp_path, config)
    result = same_everywhere(files, DedupConfig.model_validate(config["dedup"]), tmp_path, spark, beam)
    assert result.stats == manifest["dedup"]  # these are all the run's feature files
    assert result.removed
