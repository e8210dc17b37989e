"""Round trip: token shards decode back to the release text, and counts equal the sum over shards."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from pajama.cli import main
from pajama.tokenization.config import TokensConfig
from pajama.tokenization.stage import ShardTokens, load_tokenizer

SHARDS = 3


def build_release(root: Path, texts: list[str], spec: str, cfg: TokensConfig, writer: Any) -> list[int]:
    """A release with data shards and token shards side by side; returns the per-document counts."""
    tok = load_tokenizer(spec)
    counts: list[int] = []
    for shard in range(SHARDS):
        part = texts[shard::SHARDS]
        name = f"part-{shard:05d}"
        writer(root / "data" / "web" / f"{name}.jsonl.zst", part)
        with ShardTokens(tok, cfg, str(root / "tokens" / tok.name / "web" / name)) as tokens:
            counts.extend(tokens.add(part))
    (root / "manifest.json").write_text(json.dumps({"config": {"tokenizer": spec}}))
    return counts


def decode_independently(tok: Any, docs: list[list[int]], cfg: TokensConfig) -> list[str]:
    out = []
    for ids in docs:
        assert ids[: int(cfg.bos)] == ([tok.bos_id] if cfg.bos else [])
        assert ids[len(ids) - int(cfg.eos) :] == ([tok.eos_id] if cfg.eos else [])
        out.append(tok.decode(ids[int(cfg.bos) : len(ids) - int(cfg.eos)]))
    return out


def check_release(root: Path, texts: list[str], spec: str, cfg: TokensConfig, counts: list[int], reader: Any) -> None:
    tok = load_tokenizer(spec)
    special = int(cfg.bos) + int(cfg.eos)
    in_shards = 0
    for shard in range(SHARDS):
        got = reader(root / "tokens" / tok.name / "web" / f"part-{shard:05d}")
        assert decode_independently(tok, got["docs"], cfg) == texts[shard::SHARDS]
        in_shards += sum(got["sizes"])
    # what the manifest records (the sum of add()'s counts) equals what the shards hold, less BOS/EOS
    assert sum(counts) == in_shards - special * len(texts)


@pytest.mark.parametrize(
    ("spec", "cfg"),
    [
        ("gpt2", TokensConfig(write=True, formats=["megatron", "numpy"], batch_size=4)),
        ("gpt2", TokensConfig(write=True, bos=True, eos=True, batch_size=5)),
        ("cl100k_base", TokensConfig(write=True, formats=["megatron", "numpy"], eos=False, batch_size=3)),
    ],
)
def test_round_trip_varied(
    tmp_path: Path, varied_texts: list[str], megatron_reader: Any, data_shard_writer: Any, spec: str, cfg: TokensConfig
) -> None:
    counts = build_release(tmp_path, varied_texts, spec, cfg, data_shard_writer)
    check_release(tmp_path, varied_texts, spec, cfg, counts, megatron_reader)


def test_round_trip_real_text(
    tmp_path: Path, real_texts: list[str], megatron_reader: Any, data_shard_writer: Any
) -> None:
    cfg = TokensConfig(write=True)
    counts = build_release(tmp_path, real_texts, "gpt2", cfg, data_shard_writer)
    check_release(tmp_path, real_texts, "gpt2", cfg, counts, megatron_reader)
    assert main(["tokens", "inspect", str(tmp_path / "tokens"), "--check"]) == 0


def test_inspect_decodes_and_checks(
    tmp_path: Path, varied_texts: list[str], data_shard_writer: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    cfg = TokensConfig(write=True, formats=["megatron", "numpy"])
    build_release(tmp_path, varied_texts, "cl100k_base", cfg, data_shard_writer)
    shard = tmp_path / "tokens" / "cl100k_base" / "web" / "part-00001"
    assert main(["tokens", "inspect", f"{shard}.bin", "--limit", "3"]) == 0  # tokenizer from manifest.json
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["text"] for r in rows] == varied_texts[1::SHARDS][:3]
    assert {r["format"] for r in rows} == {"megatron"}

    assert main(["tokens", "inspect", str(tmp_path / "tokens"), "--check"]) == 0
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(reports) == 2 * SHARDS and all(r["mismatches"] == 0 for r in reports)

    # a release whose text changed after tokenization fails the check (exit 1)
    changed = [t + "!" if i == 2 else t for i, t in enumerate(varied_texts[1::SHARDS])]
    data_shard_writer(tmp_path / "data" / "web" / "part-00001.jsonl.zst", changed)
    assert main(["tokens", "inspect", str(shard), "--check"]) == 1
    reports = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["first_mismatch"] for r in reports] == [2, 2]


def test_inspect_needs_a_tokenizer(tmp_path: Path, gpt2: Any) -> None:
    with ShardTokens(gpt2, TokensConfig(write=True), str(tmp_path / "x" / "part-00000")) as shard:
        shard.add(["hi"])
    assert main(["tokens", "inspect", str(tmp_path / "x")]) == 2  # no manifest, no tokens/<name>/: exit 2
    assert main(["tokens", "inspect", str(tmp_path / "x"), "--tokenizer", "gpt2"]) == 0
    assert main(["tokens", "inspect", str(tmp_path / "nothing")]) == 2
