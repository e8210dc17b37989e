"""`pajama tokenizer train`: byte-level BPE from files or a release, deterministic, loadable by folder."""

from __future__ import annotations

import json
import pydoc_data.topics
from pathlib import Path
from typing import Any

import pytest

from pajama.cli import main
from pajama.tokenization.load import load_tokenizer
from pajama.tokenization.train import train_tokenizer

TOPICS = [pydoc_data.topics.topics[k] for k in sorted(pydoc_data.topics.topics)]


@pytest.fixture(scope="module")
def text_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("train-inputs")
    (root / "a.txt").write_text("\n\n".join(TOPICS[:40]), encoding="utf-8")
    lines = [json.dumps({"text": t}) for t in TOPICS[40:80]] + [json.dumps({"no_text": 1})]
    (root / "b.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def test_train_is_deterministic_and_loads(tmp_path: Path, text_dir: Path, varied_texts: list[str]) -> None:
    first = train_tokenizer([str(text_dir)], vocab_size=600, output=str(tmp_path / "one"))
    train_tokenizer([str(text_dir / "*.txt"), str(text_dir / "b.jsonl")], vocab_size=600, output=str(tmp_path / "two"))
    assert (tmp_path / "one" / "tokenizer.json").read_bytes() == (tmp_path / "two" / "tokenizer.json").read_bytes()
    assert first["texts"] == 1 + len(TOPICS[40:80])  # one chunk of the text file + the JSONL records with a text
    assert first["vocab_size"] == 600
    tok = load_tokenizer(str(tmp_path / "one"))
    assert (tok.vocab_size, tok.name) == (600, "one")
    assert tok.eos_id == tok.bos_id == 0  # <|endoftext|> is the only special token, id 0
    ids = tok.encode_batch(varied_texts)
    assert [tok.decode(x) for x in ids] == varied_texts  # byte-level: every text round-trips
    assert all(0 < i < 600 for x in ids for i in x)
    # trained merges compress the training text well below one token per byte
    sample = TOPICS[3]
    assert len(tok.encode_batch([sample])[0]) < 0.5 * len(sample.encode())


def test_train_from_a_release_via_cli(
    tmp_path: Path, data_shard_writer: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    release = tmp_path / "sample" / "1.0.0"
    data_shard_writer(release / "data" / "docs" / "part-00000.jsonl.zst", TOPICS[:30])
    data_shard_writer(release / "data" / "docs" / "part-00001.jsonl.zst", TOPICS[30:60])
    out = tmp_path / "tok"
    code = main(["tokenizer", "train", "--input", str(release), "--vocab-size", "400", "--output", str(out)])
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert (summary["texts"], summary["inputs"], summary["vocab_size"]) == (60, 2, 400)
    assert summary["digest"] == load_tokenizer(str(out)).digest
    training = json.loads((out / "training.json").read_text())
    assert [Path(i["path"]).name for i in training["inputs"]] == ["part-00000.jsonl.zst", "part-00001.jsonl.zst"]


def test_train_bad_usage_exits_2(tmp_path: Path, text_dir: Path) -> None:
    base = ["tokenizer", "train", "--output", str(tmp_path / "o")]
    assert main([*base, "--input", str(text_dir), "--vocab-size", "100"]) == 2
    assert main([*base, "--input", str(tmp_path / "missing*.txt"), "--vocab-size", "500"]) == 2
    (tmp_path / "empty.txt").write_text("")
    assert main([*base, "--input", str(tmp_path / "empty.txt"), "--vocab-size", "500"]) == 2
