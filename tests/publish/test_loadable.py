"""The release folder itself loads with `datasets.load_dataset(release_dir)`, pyarrow and DuckDB (issue 23,
item 4), offline, in both shard formats, with every record that pajama's own reader finds."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.json as pajson
import pyarrow.parquet as pq
import pytest

from .test_load import essentials, read_independently

datasets = pytest.importorskip("datasets")
duckdb = pytest.importorskip("duckdb")


@pytest.fixture(autouse=True)
def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")


def _sources(release: Path) -> list[str]:
    return list(json.loads((release / "manifest.json").read_text())["sources"])


def _rows(ds: object) -> list[dict]:
    rows = [dict(r) for r in ds]  # type: ignore[attr-defined]
    for r in rows:
        if isinstance(r["meta"], str):  # Parquet shards keep meta as a JSON string
            r["meta"] = json.loads(r["meta"])
        r["meta"] = {k: v for k, v in r["meta"].items() if v is not None}  # Arrow fills absent struct fields
    return rows


def test_jsonl_release_loads_with_datasets_one_config_per_source(release: Path, tmp_path: Path) -> None:
    cache = str(tmp_path / "cache")
    default = datasets.load_dataset(str(release), cache_dir=cache)
    first = _sources(release)[0]
    assert list(default) == ["train"] and len(default["train"]) == len(read_independently(release, first))
    for source in _sources(release):
        ds = datasets.load_dataset(str(release), source, split="train", cache_dir=cache)
        want = read_independently(release, source)
        got = _rows(ds)
        for w in want:
            w["meta"] = {k: v for k, v in w["meta"].items() if v is not None}
        assert essentials(got) == essentials(want)


def test_parquet_release_loads_with_datasets_one_split_per_source(parquet_release: Path, tmp_path: Path) -> None:
    ds = datasets.load_dataset(str(parquet_release), cache_dir=str(tmp_path / "cache"))
    assert sorted(ds) == sorted(_sources(parquet_release))
    for source in _sources(parquet_release):
        assert essentials(_rows(ds[source])) == essentials(read_independently(parquet_release, source))


def test_pyarrow_and_duckdb_read_both_formats(release: Path, parquet_release: Path) -> None:
    total = len(read_independently(release))
    table = pq.read_table(parquet_release / "data")  # one schema across sources: a single table
    assert table.num_rows == total
    for source in _sources(release):
        n = 0
        for path in sorted((release / "data" / source).glob("*.jsonl.zst")):
            with pa.input_stream(str(path), compression="zstd") as stream:
                n += pajson.read_json(stream).num_rows
        assert n == len(read_independently(release, source))
    got = duckdb.sql(f"SELECT count(*) FROM read_json('{release}/data/*/*.jsonl.zst', union_by_name=true)")
    assert got.fetchall()[0][0] == total
    got = duckdb.sql(f"SELECT count(*) FROM read_parquet('{parquet_release}/data/*/*.parquet')")
    assert got.fetchall()[0][0] == total
