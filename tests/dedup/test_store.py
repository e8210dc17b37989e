"""Stored signatures: layout, cross-release dedup, and `pajama dedup RELEASE --threshold T`."""

from __future__ import annotations

import json

import pyarrow.parquet as pq
import pytest

from pajama.cli import main as cli
from pajama.dedup.config import DedupConfig, ExactConfig, MinhashConfig
from pajama.dedup.stage import DedupResult, resolve, write_signatures
from pajama.sharding import shard_of

CFG = DedupConfig(exact=ExactConfig(), minhash=MinhashConfig(threshold=0.8), scope="global")


def doc(sentences, k, drop=()):
    chosen = sentences[k * 30 : (k + 1) * 30]
    return " ".join(s for i, s in enumerate(chosen) if i not in drop)


@pytest.fixture
def release(sentences, rec, features, tmp_path):
    """A release with stored signatures: 12 originals, 4 near-duplicates at J > 0.9, 2 at J ~ 0.7."""
    records = [rec("web", f"o{k}", doc(sentences, k)) for k in range(12)]
    records += [rec("web", f"v{k}", doc(sentences, k, drop=(7,))) for k in range(4)]
    records += [rec("wiki", f"w{k}", doc(sentences, k + 4, drop=tuple(range(0, 30, 4)))) for k in range(2)]
    (tmp_path / "f").mkdir()
    paths = features(records, CFG, tmp_path / "f", inputs=2)
    result = resolve(paths, CFG, work_dir=str(tmp_path / "w"))
    folder = tmp_path / "rel-1"
    written = write_signatures(paths, str(folder), shards=3, result=result)
    return folder, records, result, written


def test_signature_files_are_sharded_like_data_and_sorted(release):
    _folder, records, result, written = release
    assert len(result.removed) == 4  # the J ~ 0.7 wiki documents stay at 0.8
    rows = []
    for path in written:
        table = pq.read_table(path)
        source, name = path.split("/")[-2:]
        ids = table.column("id").to_pylist()
        assert ids == sorted(ids)
        assert {shard_of(i, 3) for i in ids} == {int(name[5:10])}
        assert set(table.column("source").to_pylist()) == {source}
        assert table.schema.field("signature").type.list_size == 128
        rows += list(zip(ids, table.column("duplicate_of").to_pylist(), strict=True))
    assert sorted(i for i, _ in rows) == sorted(r.id for r in records)
    assert {i: d for i, d in rows if d} == {k: v.duplicate_of for k, v in result.removed.items()}


def test_new_release_drops_documents_of_the_previous_one(release, sentences, rec, features, tmp_path):
    folder, records, result, _ = release
    removed_before = next(iter(result.removed))
    kept_before = next(r for r in records if r.id not in result.removed)
    carried = rec("web", "again", kept_before.text + " ")  # exact copy of a published document
    near = rec("web", "near", doc(sentences, 11, drop=(4,)))  # near copy of a published document
    fresh = rec("web", "fresh", doc(sentences, 20))
    echo = rec("web", "echo", next(r.text for r in records if r.id == removed_before) + "!")
    (tmp_path / "g").mkdir()
    paths = features([carried, near, fresh, echo], CFG, tmp_path / "g", inputs=1)
    new = resolve(paths, CFG, work_dir=str(tmp_path / "w2"), previous=[str(folder)])
    assert new.removed[carried.id].duplicate_of == kept_before.id
    assert new.removed[carried.id].reason == "dedup.exact"
    assert new.removed[near.id].duplicate_of == rec("web", "o11", "").id
    assert fresh.id not in new.removed
    # echo's twin was removed from the old release, but its original (still published) is near it
    assert new.removed[echo.id].duplicate_of == result.removed[removed_before].duplicate_of
    assert new.stats["previous_documents"] == len(records) - len(result.removed)


def test_recluster_cli_at_other_thresholds(release, tmp_path, capsys):
    folder, _records, result, _ = release
    counts = {}
    for threshold in (0.5, 0.8, 0.99):
        out = tmp_path / f"t{threshold}"
        args = ["dedup", str(folder), "--threshold", str(threshold), "--output", str(out), "--scope", "global"]
        assert cli(args) == 0
        again = DedupResult.load(str(out / "removed.parquet"))
        stats = json.loads((out / "stats.json").read_text())
        assert stats["minhash"]["params"]["threshold"] == threshold
        counts[threshold] = len(again.removed)
        if threshold == 0.8:
            assert again.removed == result.removed
    assert counts[0.5] == 6 and counts[0.99] == 0
    assert "removed" in capsys.readouterr().out


def test_recluster_cli_rejects_a_folder_without_signatures(tmp_path, capsys):
    assert cli(["dedup", str(tmp_path), "--threshold", "0.8"]) == 2
    assert "minhash" in capsys.readouterr().err
