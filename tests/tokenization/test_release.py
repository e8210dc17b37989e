"""End to end: a release built by `pajama run` with token shards decodes back to its own text, and its manifest's
token counts equal what the shards hold (read with the independent Megatron reader of conftest.py)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import numpy as np
import orjson
import pytest
import zstandard

from pajama.cli import main
from pajama.tokenization.load import load_tokenizer

VARIED = [
    "Hello world",
    "Tabs\tand\nnew\r\nlines\n\n\n",
    "Ünïcödé: naïve café, Straße, Ελληνικά, русский текст; 中文文本，日本語のテキスト、한국어.",
    "Emoji 👩‍👩‍👧‍👦 🏳️‍🌈 and a literal <|endoftext|> inside the text.",
    "Code: def f(x):\n    return x ** 2  # comment\n",
    "The quick brown fox jumps over the lazy dog. " * 40,
]


def read_records(path: Path) -> list[dict[str, Any]]:
    with open(path, "rb") as f:
        raw = zstandard.ZstdDecompressor().stream_reader(f).read()
    return [orjson.loads(line) for line in raw.splitlines() if line.strip()]


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of two JSONL sources (varied texts, pydoc topics) built by `pajama run` with token shards."""
    import pydoc_data.topics

    work = tmp_path_factory.mktemp("release")
    topics = [pydoc_data.topics.topics[k] for k in sorted(pydoc_data.topics.topics)][:40]
    for source, texts in (("varied", VARIED), ("topics", topics)):
        lines = [json.dumps({"id": f"{source}-{i}", "text": t}) for i, t in enumerate(texts)]
        (work / f"{source}.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = {
        "dataset": "tok",
        "version": "1.0.0",
        "output": str(work / "out"),
        "shards": 2,
        "sources": {s: {"reader": "jsonl", "inputs": [str(work / f"{s}.jsonl")]} for s in ("varied", "topics")},
        "tokenizer": "gpt2",
        "tokens": {"write": True, "formats": ["megatron", "numpy"], "per_document": True, "batch_size": 7},
    }
    (work / "tok.yaml").write_text(json.dumps(config))
    assert main(["run", str(work / "tok.yaml")]) == 0
    return work / "out" / "tok" / "1.0.0"


def test_release_token_shards_round_trip(release: Path, megatron_reader: Any) -> None:
    tok = load_tokenizer("gpt2")
    data_shards = sorted((release / "data").glob("*/*.jsonl.zst"))
    assert data_shards
    for data in data_shards:
        records = read_records(data)
        prefix = release / "tokens" / "gpt2" / data.parent.name / data.name.removesuffix(".jsonl.zst")
        docs = megatron_reader(prefix)["docs"]
        assert [d[-1] for d in docs] == [tok.eos_id] * len(records)
        assert [tok.decode(d[:-1]) for d in docs] == [r["text"] for r in records]
        assert [len(d) - 1 for d in docs] == [r["meta"]["tokens"] for r in records]
        flat, offsets = np.load(f"{prefix}.npy"), np.load(f"{prefix}.idx.npy")
        assert [flat[offsets[i] : offsets[i + 1]].tolist() for i in range(len(docs))] == docs


def test_manifest_counts_equal_the_shards(release: Path, megatron_reader: Any) -> None:
    manifest = json.loads((release / "manifest.json").read_text())
    per_source: dict[str, int] = {}
    for idx in sorted((release / "tokens" / "gpt2").glob("*/*.idx")):
        got = megatron_reader(idx.with_suffix(""))
        content = sum(got["sizes"]) - len(got["docs"])  # less one EOS per document
        per_source[idx.parent.name] = per_source.get(idx.parent.name, 0) + content
    assert manifest["tokens"]["total"] == sum(per_source.values()) > 0
    assert manifest["tokens"]["per_source"] == per_source
    listed = {s["path"]: s["sha256"] for s in manifest["shards"] if s["path"].startswith("tokens/")}
    on_disk = sorted(p.relative_to(release).as_posix() for p in (release / "tokens").rglob("*") if p.is_file())
    assert sorted(listed) == on_disk
    for path, sha in listed.items():
        assert hashlib.sha256((release / path).read_bytes()).hexdigest() == sha
    assert main(["tokens", "inspect", str(release / "tokens"), "--check"]) == 0
