"""Fixtures for the tokenization tests: texts, tokenizers, an independent Megatron reader, tiny releases."""

from __future__ import annotations

import gzip
import json
import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
import zstandard

# Written from the format description in NVIDIA/Megatron-LM megatron/core/datasets/indexed_dataset.py
# (_IndexWriter.write / _IndexReader.__init__), with struct only, so that it shares no code with pajama.
MEGATRON_DTYPES = {1: "B", 2: "b", 3: "h", 4: "i", 5: "q", 6: "d", 7: "f", 8: "H"}

VARIED_TEXTS = [
    "Hello world",
    "",
    " leading space and trailing space ",
    "Tabs\tand\nnew\r\nlines\n\n\n",
    "Contractions: don't, I'm, we'll, they've, she'd, it's.",
    "Numbers 1234567890 and 3.14159, 1e-9, 0x1F.",
    "Ünïcödé: naïve café, Straße, Ελληνικά, русский текст.",
    "中文文本，日本語のテキスト、한국어 텍스트.",
    "Emoji 👩‍👩‍👧‍👦 🏳️‍🌈 and combining e\u0301.",
    "Code: def f(x):\n    return x ** 2  # comment\n",
    "Special-looking text <|endoftext|> inside a document <s></s>.",
    "    indented\n\t\tmore\n" * 3,
    "a" * 3000,
    "The quick brown fox jumps over the lazy dog. " * 50,
]


@pytest.fixture(scope="session")
def varied_texts() -> list[str]:
    return list(VARIED_TEXTS)


@pytest.fixture(scope="session")
def gpt2() -> Any:
    from pajama.tokenization.stage import load_tokenizer

    return load_tokenizer("gpt2")


@pytest.fixture(scope="session")
def cl100k() -> Any:
    from pajama.tokenization.stage import load_tokenizer

    return load_tokenizer("cl100k_base")


def read_megatron(prefix: str | Path) -> dict[str, Any]:
    """Parse .idx strictly per the spec and read every document's ids out of .bin."""
    raw = Path(f"{prefix}.idx").read_bytes()
    header, (version,), code = raw[:9], struct.unpack_from("<Q", raw, 9), raw[17]
    sequences, doc_entries = struct.unpack_from("<QQ", raw, 18)
    pos = 34
    sizes = struct.unpack_from(f"<{sequences}i", raw, pos)
    pos += 4 * sequences
    pointers = struct.unpack_from(f"<{sequences}q", raw, pos)
    pos += 8 * sequences
    doc_idx = struct.unpack_from(f"<{doc_entries}q", raw, pos)
    pos += 8 * doc_entries
    fmt = MEGATRON_DTYPES[code]
    data = Path(f"{prefix}.bin").read_bytes()
    docs = []
    for d in range(doc_entries - 1):
        ids: list[int] = []
        for s in range(doc_idx[d], doc_idx[d + 1]):
            ids.extend(struct.unpack_from(f"<{sizes[s]}{fmt}", data, pointers[s]))
        docs.append(ids)
    return {
        "header": header,
        "version": version,
        "code": code,
        "sizes": list(sizes),
        "pointers": list(pointers),
        "doc_idx": list(doc_idx),
        "idx_bytes_used": pos,
        "idx_bytes": len(raw),
        "bin_bytes": len(data),
        "itemsize": struct.calcsize(fmt),
        "docs": docs,
    }


@pytest.fixture(scope="session")
def megatron_reader() -> Callable[[str | Path], dict[str, Any]]:
    return read_megatron


def write_data_shard(path: Path, texts: list[str]) -> None:
    """A release data shard as DESIGN.md describes it: one JSON record per line, zstd-compressed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = b"".join(
        orjson.dumps({"id": f"s/{i:032x}", "text": t, "source": "s", "meta": {}, "origin": {}}) + b"\n"
        for i, t in enumerate(texts)
    )
    path.write_bytes(zstandard.ZstdCompressor().compress(lines))


@pytest.fixture(scope="session")
def data_shard_writer() -> Callable[[Path, list[str]], None]:
    return write_data_shard


def _capped(texts: list[str], limit_chars: int) -> list[str]:
    out, total = [], 0
    for t in texts:
        if total > limit_chars:
            break
        out.append(t)
        total += len(t)
    return out


def corpus_texts(corpus: Path) -> list[str]:
    """Paragraphs of Gutenberg books and strings from the HTML extraction ground truth (multilingual)."""
    paragraphs: list[str] = []
    for book in sorted((corpus / "books").glob("*.txt.gz")):
        body = gzip.decompress(book.read_bytes()).decode("utf-8", errors="replace")
        paragraphs.extend(p for p in body.split("\n\n") if p.strip())
    pages: list[str] = []
    truth = corpus / "html" / "trafilatura-eval-shared-groundtruth.json"
    stack: list[Any] = [json.loads(truth.read_text(encoding="utf-8"))] if truth.is_file() else []
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, str) and len(node) > 15 and not node.startswith("http"):
            pages.append(node)
    return _capped(paragraphs[::7], 250_000) + _capped(pages, 150_000)


@pytest.fixture(scope="session")
def real_texts(corpus: Path) -> list[str]:
    return corpus_texts(corpus)
