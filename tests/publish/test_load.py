"""pajama.load reads a release (both shard formats, local or remote), and the documented one-liners work."""

from __future__ import annotations

import io
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import zstandard

import pajama
from pajama.errors import CheckFailed, ConfigError
from pajama.publish import publish

from .fileserver import FileServer

DOCS = Path(__file__).resolve().parents[2] / "docs" / "publishing.md"


def read_independently(release: Path, source: str | None = None) -> list[dict[str, Any]]:
    """Every data record, read with zstandard/json or pyarrow directly (not through pajama)."""
    rows: list[dict[str, Any]] = []
    for path in sorted((release / "data").rglob("*")):
        if not path.is_file() or (source and path.parent.name != source):
            continue
        if path.suffix == ".parquet":
            for row in pq.read_table(path).to_pylist():
                rows.append(
                    {"id": row["id"], "text": row["text"], "source": row["source"], "meta": json.loads(row["meta"])}
                )
        else:
            raw = (
                zstandard.ZstdDecompressor()
                .stream_reader(io.BytesIO(path.read_bytes()), read_across_frames=True)
                .read()
            )
            rows += [json.loads(line) for line in raw.splitlines() if line.strip()]
    return rows


def essentials(rows: Any) -> list[tuple[str, str, str, str]]:
    return sorted((r["id"], r["text"], r["source"], json.dumps(r["meta"], sort_keys=True)) for r in rows)


@pytest.mark.parametrize("fixture", ["release", "parquet_release"])
def test_load_reads_every_record(fixture: str, request: pytest.FixtureRequest) -> None:
    folder: Path = request.getfixturevalue(fixture)
    loaded = pajama.load(folder)
    records = list(loaded)
    assert essentials(records) == essentials(read_independently(folder))
    assert len(loaded) == len(records)
    docs = list(pajama.load(str(folder), source="docs"))
    assert docs and {r["source"] for r in docs} == {"docs"}
    assert essentials(docs) == essentials(read_independently(folder, "docs"))


def test_both_formats_hold_the_same_records(release: Path, parquet_release: Path) -> None:
    assert essentials(pajama.load(release)) == essentials(pajama.load(parquet_release))


def test_load_refuses_bad_choices_and_corrupted_shards(release: Path, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nope"):
        pajama.load(release, source="nope")
    with pytest.raises(ConfigError, match="version"):
        pajama.load(release, version="9.9.9")
    copy = tmp_path / "copy"
    shutil.copytree(release, copy)
    shard = copy / "data" / "snapshot" / "part-00001.jsonl.zst"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0xFF
    shard.write_bytes(bytes(data))
    with pytest.raises(CheckFailed, match="part-00001"):
        list(pajama.load(copy, source="snapshot"))


def test_load_a_published_home_and_a_remote_uri(release: Path, file_server: FileServer, tmp_path: Path) -> None:
    publish(str(release), str(file_server.root / "tiny"))
    assert essentials(pajama.load(file_server.root / "tiny")) == essentials(read_independently(release))
    remote = pajama.load(file_server.url("tiny/"), source="snapshot", cache_dir=tmp_path / "cache")
    assert essentials(remote) == essentials(read_independently(release, "snapshot"))
    assert str(remote.root).startswith(str(tmp_path / "cache"))
    assert not any("/data/docs/" in p for p in file_server.requested())


def _snippets() -> list[str]:
    return re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.S)


def _rows(scope: dict[str, Any]) -> int:
    if "table" in scope:
        return int(scope["table"].num_rows)
    if "rows" in scope:
        return sum(count for _source, count in scope["rows"])
    return len(scope["ds"])


@pytest.mark.parametrize("library", ["pyarrow", "datasets", "duckdb"])
def test_documented_one_liners(library: str, release: Path, parquet_release: Path) -> None:
    """The snippets of docs/publishing.md, run as written against a release of the right format."""
    pytest.importorskip(library)
    snippets = [s for s in _snippets() if f"import {library}" in s or f"from {library}" in s]
    assert snippets
    for snippet in snippets:
        folder = parquet_release if ".parquet" in snippet or '"parquet"' in snippet else release
        one_source = re.search(r"DIR/data/([^/*]+)/", snippet)  # data/<source>/... or every source
        expected = len(read_independently(folder, one_source.group(1) if one_source else None))
        scope: dict[str, Any] = {}
        exec(snippet.replace("DIR", str(folder)), scope)
        assert _rows(scope) == expected, snippet
