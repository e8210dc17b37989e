"""Texts out of release shards and plain files: for tokenizer training and for round-trip checks."""

from __future__ import annotations

import io
import os
from collections.abc import Iterator
from pathlib import Path

import orjson

from pajama.storage import decompressed

DATA_SUFFIXES = (".jsonl.zst", ".jsonl.gz", ".jsonl", ".parquet")
CHUNK_CHARS = 1 << 20


def is_release(path: Path) -> bool:
    return path.is_dir() and (path / "data").is_dir() and any(path.glob("data/*/*"))


def data_files(path: Path) -> list[Path]:
    """The files a path stands for: a release's data shards, a folder's files (sorted), or the file."""
    if is_release(path):
        return sorted(p for p in (path / "data").glob("*/*") if p.name.endswith(DATA_SUFFIXES))
    if path.is_dir():
        found: list[Path] = []
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            found.extend(Path(dirpath) / f for f in filenames if not f.startswith("."))
        return sorted(found)
    return [path]


def iter_texts(path: Path) -> Iterator[str]:
    """Texts in one file: the `text` of each JSONL record or Parquet row, or a plain file in ~1M-char chunks."""
    name = path.name
    if name.endswith(".parquet"):
        yield from _parquet_texts(path)
        return
    with open(path, "rb") as raw:
        stream = decompressed(raw, name)  # type: ignore[arg-type]
        if ".jsonl" in name or ".ndjson" in name:
            for line in stream:
                if line.strip():
                    text = orjson.loads(line).get("text")
                    if isinstance(text, str):
                        yield text
            return
        yield from _chunks(io.TextIOWrapper(stream, encoding="utf-8", errors="replace", newline=""))


def _chunks(lines: io.TextIOWrapper) -> Iterator[str]:
    buf: list[str] = []
    size = 0
    for line in lines:
        buf.append(line)
        size += len(line)
        if size >= CHUNK_CHARS:
            yield "".join(buf)
            buf, size = [], 0
    if buf:
        yield "".join(buf)


def _parquet_texts(path: Path) -> Iterator[str]:
    import pyarrow.parquet as pq

    for batch in pq.ParquetFile(path).iter_batches(columns=["text"]):
        for text in batch.column(0).to_pylist():
            if isinstance(text, str):
                yield text


def data_shard_for(prefix: Path) -> Path | None:
    """The release data shard a token shard was made from: tokens/<tok>/<source>/<name> -> data/<source>/<name>.*"""
    parts = prefix.resolve().parts
    if len(parts) < 4 or parts[-4] != "tokens":
        return None
    release = Path(*parts[:-4])
    for suffix in DATA_SUFFIXES:
        candidate = release / "data" / parts[-2] / (parts[-1] + suffix)
        if candidate.is_file():
            return candidate
    return None
