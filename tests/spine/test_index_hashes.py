"""The release index takes the text hashes of documents that reached dedup from the run's feature files
instead of normalizing and hashing their text again: the index it writes must be the one it would write
from the shards alone."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pajama.build.release_index import known_text_hashes, text_key, write_index

from .helpers import pajama, write_config, write_corpus


def _run(tmp_path: Path, normalize: list[str]) -> Path:
    write_corpus(tmp_path / "in", files=2, per_file=30)
    filters = [{"min_length": {"min_words": 200}}]  # some documents are dropped before dedup
    dedup = {"exact": {"normalize": normalize}, "minhash": {"threshold": 0.8}}
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out", filters, dedup=dedup)
    pajama("run", str(cfg), "--workers", "1", check=True)
    return tmp_path / "out/t/1.0.0"


@pytest.mark.parametrize("normalize", [["whitespace", "case"], ["punctuation"]])
def test_the_index_from_feature_files_equals_the_index_from_shards(tmp_path: Path, normalize: list[str]) -> None:
    release = _run(tmp_path, normalize)
    manifest = json.loads((release / "manifest.json").read_text())
    features = [str(p) for p in (tmp_path / "out").rglob("features.parquet")]
    assert len(known_text_hashes(features, sorted(normalize))) > 0  # what the run's index took from them
    shards_only = tmp_path / "again"
    shutil.copytree(release, shards_only)
    shutil.rmtree(shards_only / "index")
    write_index(str(shards_only), manifest)
    for path in sorted((release / "index").iterdir()):
        assert path.read_bytes() == (shards_only / "index" / path.name).read_bytes(), path.name


def test_feature_hashes_are_used_only_for_the_same_normalization(tmp_path: Path) -> None:
    from pajama.dedup.features import DedupConfig, Featurizer
    from pajama.record import Record

    cfg = DedupConfig.model_validate({"exact": {"normalize": ["case", "whitespace"]}})
    features = Featurizer(cfg, source="web", source_rank=0)
    features.add(Record(id="web/a", text="Some  Text", source="web", meta={}, origin={}))
    path = str(tmp_path / "f.parquet")
    features.write(path)
    known = known_text_hashes([path], ["case", "whitespace"])
    assert list(known) == ["web/a"]
    assert text_key("Some  Text", ["case", "whitespace"]) == text_key("some text", ["case", "whitespace"])
    assert known_text_hashes([path], ["whitespace"]) == {}
