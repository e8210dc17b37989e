"""`pajama manifest diff`: a changed threshold is named with its filter and counts; ids added/removed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pajama.manifests.diff import diff_releases, flatten
from pajama.shardio import read_shard


def kept_ids(release: Path) -> set[str]:
    manifest = json.loads((release / "manifest.json").read_text())
    return {r["id"] for f in manifest["shards"] if f["kind"] == "data" for r in read_shard(str(release / f["path"]))}


def test_flatten_names_list_items_by_position() -> None:
    tree = {"sources": {"web": {"filters": [{"min_length": {"min_words": 5}}, "c4"], "inputs": ["a", "b"]}}}
    assert flatten(tree) == {
        "sources.web.filters.0.min_length.min_words": 5,
        "sources.web.filters.1": "c4",
        "sources.web.inputs": ["a", "b"],
    }


def test_diff_of_a_changed_threshold(docs_v1: Path, docs_v2: Path) -> None:
    old = json.loads((docs_v1 / "manifest.json").read_text())
    new = json.loads((docs_v2 / "manifest.json").read_text())
    d = diff_releases(str(docs_v1), str(docs_v2), sample=5)

    assert d["config"]["sources.docs.filters.0.min_length.min_words"] == [20, 100]
    assert d["config"]["format"] == ["jsonl.zst", "parquet"] and d["config"]["shards"] == [2, 3]
    stage = next(s for s in d["stages"] if (s["source"], s["stage"]) == ("docs", "min_length"))
    assert stage["filter"] == "min_length"
    assert stage["changes"]["params.min_words"] == [20, 100]
    reason = "min_length.too_few_words"
    counts = [m["stages"][0]["dropped"].get(reason, 0) for m in (old, new)]
    assert counts[0] < counts[1]
    assert stage["changes"][f"dropped.{reason}"] == counts
    assert d["sources"]["docs"]["kept"] == [old["sources"]["docs"]["kept"], new["sources"]["docs"]["kept"]]

    a, b = kept_ids(docs_v1), kept_ids(docs_v2)
    docs = d["documents"]["docs"]
    assert (docs["added"], docs["removed"]) == (len(b - a), len(a - b))
    assert [x["id"] for x in docs["removed_sample"]] == sorted(a - b)[:5]
    assert {x["new"] for x in docs["removed_sample"]} == {f"dropped: {reason}"}
    assert d["shards"]["added"] and d["shards"]["removed"]  # jsonl.zst parts replaced by parquet parts
    assert not d["same_data"]


def test_diff_of_a_release_with_itself_is_empty(docs_v1: Path) -> None:
    d = diff_releases(str(docs_v1), str(docs_v1))
    assert d["same_data"] and not d["config"] and not d["stages"] and not d["sources"]
    assert d["shards"]["changed"] == [] and d["documents"]["docs"]["added"] == d["documents"]["docs"]["removed"] == 0


def test_cli_diff(docs_v1: Path, docs_v2: Path) -> None:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [sys.executable, "-m", "pajama", "manifest", "diff", str(docs_v1), str(docs_v2), "--sample", "2"],
        capture_output=True, text=True, env=env,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    removed = len(kept_ids(docs_v1) - kept_ids(docs_v2))
    assert "sources.docs.filters.0.min_length.min_words: 20 -> 100 (+80)" in proc.stdout
    assert "docs/min_length (min_length)" in proc.stdout
    assert f"documents docs: +0 added, -{removed:,} removed" in proc.stdout


def test_pyarrow_never_holds_a_python_file(docs_v1: Path, docs_v2: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # pyarrow's I/O threads may release a wrapped Python file during interpreter shutdown and abort the
    # process after its work (apache/arrow#34314): `manifest diff` aborted in about half its runs that way
    import pyarrow as pa
    import pyarrow.parquet as pq

    given: list[type] = []
    init, read_table = pq.ParquetFile.__init__, pq.read_table

    def watched_init(self: pq.ParquetFile, source: object, *args: object, **kwargs: object) -> None:
        given.append(type(source))
        init(self, source, *args, **kwargs)

    def watched_read_table(source: object, *args: object, **kwargs: object) -> pa.Table:
        given.append(type(source))
        return read_table(source, *args, **kwargs)

    monkeypatch.setattr(pq.ParquetFile, "__init__", watched_init)
    monkeypatch.setattr(pq, "read_table", watched_read_table)
    report = diff_releases(str(docs_v1), str(docs_v2), sample=2)
    assert report and given, "the Parquet release was not read"
    assert set(given) <= {str, pa.BufferReader}, given
