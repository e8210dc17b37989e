"""`pajama run` end to end: determinism across workers, formats, accounting with bad input."""

from __future__ import annotations

import gzip
from pathlib import Path

import orjson
import pytest
import zstandard

from examples.samples.docs import topic_texts
from pajama.build import config as config_mod
from pajama.build import plan as plan_mod
from pajama.build.driver import run
from pajama.jobs.local import LocalExecutor
from pajama.manifests.verify import verify
from pajama.shardio import read_shard

from .helpers import data_bytes, manifest, write_config, write_corpus


def build(cfg_path: Path, workers: int, **overrides: str) -> dict:
    config = config_mod.load(cfg_path, [f"{k}={v}" for k, v in overrides.items()])
    plan = plan_mod.build(config)
    return run(plan, LocalExecutor(workers=workers))


def test_one_and_two_workers_give_identical_bytes(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in")
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*.jsonl*")], tmp_path / "out1")
    m1 = build(cfg, 1)
    m2 = build(cfg, 2, output=str(tmp_path / "out2"))
    assert m1["release_digest"] == m2["release_digest"]
    r1, r2 = tmp_path / "out1/t/1.0.0", tmp_path / "out2/t/1.0.0"
    assert data_bytes(r1) == data_bytes(r2)
    assert len(data_bytes(r1)) == 3
    assert (r1 / "rejected/docs").exists() == (r2 / "rejected/docs").exists()


def test_records_sorted_by_id_and_sharded_by_hash(tmp_path: Path) -> None:
    from pajama.sharding import shard_of

    rows = write_corpus(tmp_path / "in", files=2)
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out")
    m = build(cfg, 1)
    release = tmp_path / "out/t/1.0.0"
    seen = 0
    for k in range(3):
        records = list(read_shard(str(release / f"data/docs/part-{k:05d}.jsonl.zst")))
        ids = [r["id"] for r in records]
        assert ids == sorted(ids)
        assert all(shard_of(i, 3) == k for i in ids)
        for r in records:
            assert r["origin"]["sha256"] and len(r["origin"]["sha256"]) == 64
        seen += len(records)
    assert seen == m["sources"]["docs"]["kept"]
    assert m["sources"]["docs"]["documents"] == len(rows)


def test_parquet_format_round_trips(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", files=2, per_file=10)
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out", format="parquet")
    m = build(cfg, 1)
    release = tmp_path / "out/t/1.0.0"
    shards = sorted((release / "data/docs").glob("*.parquet"))
    assert len(shards) == 3
    texts = [r["text"] for s in shards for r in read_shard(str(s))]
    assert len(texts) == m["sources"]["docs"]["kept"]
    assert all("(copy" in t for t in texts)
    assert verify(str(release)) == []


def test_accounting_law_with_bad_input_mixed_in(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    write_corpus(folder, files=2, per_file=10)
    good = orjson.dumps({"text": "word " * 50}).decode()
    (folder / "bad.jsonl").write_bytes(
        b"\n".join(
            [
                good.encode(),
                b'{"text": "unterminated',
                b'{"no_text": 1}',
                b'{"text": "caf\xe9 au lait"}',
                b"[1, 2]",
                b'{"text": 42}',
                b'{"text": "   "}',
                good.encode(),
            ]
        )
        + b"\n"
    )
    prose = [orjson.dumps({"text": text}).decode() for _, text in topic_texts()[:30]]
    whole = gzip.compress(("\n".join(prose) + "\n").encode())
    (folder / "truncated.jsonl.gz").write_bytes(whole[: len(whole) // 2])
    cctx = zstandard.ZstdCompressor()
    zst = cctx.compress(("\n".join(prose) + "\n").encode())
    (folder / "truncated.jsonl.zst").write_bytes(zst[: len(zst) // 2])
    inputs = [str(folder / "*.jsonl*"), str(tmp_path / "missing.jsonl")]
    cfg = write_config(tmp_path / "c.yaml", inputs, tmp_path / "out")
    m = build(cfg, 2, **{"sources.docs.allow_missing": "true"})  # without it a missing input is exit 2
    assert m["accounting"]["balanced"], m["accounting"]
    by_name = {i["name"]: i for i in m["inputs"]}
    bad = by_name["bad.jsonl"]
    assert bad["errors"] == {
        "jsonl.invalid_utf8": 1,
        "jsonl.malformed_json": 1,
        "jsonl.not_an_object": 1,
        "jsonl.text_not_string": 1,
    }
    assert bad["skipped"] == {"jsonl.no_text": 1, "record.empty_text": 1}
    assert bad["documents"] == 2
    assert by_name["truncated.jsonl.gz"]["errors"] == {"input.truncated": 1}
    assert by_name["truncated.jsonl.gz"]["documents"] >= 1  # what was readable is kept
    assert by_name["truncated.jsonl.zst"]["errors"] == {"input.truncated": 1}
    assert by_name[str(tmp_path / "missing.jsonl")]["errors"] == {"input.missing": 1}
    assert verify(str(tmp_path / "out/t/1.0.0")) == []


def test_rejected_holds_every_dropped_record_with_reason(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", files=2, per_file=20)
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out")
    m = build(cfg, 1, **{"sources.docs.filters.0.min_length.min_words": "200"})
    release = tmp_path / "out/t/1.0.0"
    rejected = [r for p in sorted((release / "rejected/docs").glob("*.zst")) for r in read_shard(str(p))]
    dropped = m["sources"]["docs"]["dropped"]
    assert len(rejected) == sum(dropped.values()) > 0
    assert {r["rejected"]["reason"] for r in rejected} == set(dropped)
    assert all(len(r["text"].split()) < 200 for r in rejected)


def test_existing_release_is_not_overwritten(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", files=1, per_file=5)
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out")
    build(cfg, 1)
    with pytest.raises(Exception, match="already exists"):
        build(cfg, 1)
    release = tmp_path / "out/t/1.0.0"
    assert manifest(release)["version"] == "1.0.0"
