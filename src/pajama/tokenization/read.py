"""Finding and reading token shards (both formats), and decoding their documents back to text."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import TypeAlias

import numpy as np

from pajama.tokenization.megatron import MegatronShard
from pajama.tokenization.numpy_shards import NumpyShard
from pajama.tokenization.tokenizer import Tokenizer

Shard: TypeAlias = MegatronShard | NumpyShard


def _split(path: str) -> tuple[str, str] | None:
    for suffix, fmt in ((".idx.npy", "numpy"), (".npy", "numpy"), (".bin", "megatron"), (".idx", "megatron")):
        if path.endswith(suffix):
            return path[: -len(suffix)], fmt
    return None


def find_shards(path: str) -> list[tuple[str, str]]:
    """(prefix, format) of every token shard a path names: a shard file, a prefix, or a folder of shards."""
    if os.path.isdir(path):
        found: list[tuple[str, str]] = []
        for dirpath, dirnames, filenames in os.walk(path):
            dirnames.sort()
            for name in sorted(filenames):
                if not name.startswith(".") and name.endswith((".idx", ".idx.npy")):
                    found.append(_split(os.path.join(dirpath, name)))  # type: ignore[arg-type]
        return found
    if os.path.isfile(path) and (split := _split(path)):
        return [split]
    out = []
    if os.path.isfile(path + ".idx"):
        out.append((path, "megatron"))
    if os.path.isfile(path + ".idx.npy"):
        out.append((path, "numpy"))
    return out


def open_shard(prefix: str, fmt: str) -> Shard:
    return MegatronShard(prefix) if fmt == "megatron" else NumpyShard(prefix)


def text_ids(tokenizer: Tokenizer, ids: np.ndarray) -> np.ndarray:
    """A document's ids without the leading BOS and trailing EOS the writer added.

    Text never encodes to a special id (see tokenizer.py), so a leading BOS / trailing EOS is the writer's.
    """
    start, end = 0, ids.size
    if end and tokenizer.bos_id is not None and int(ids[0]) == tokenizer.bos_id:
        start = 1
    if end > start and tokenizer.eos_id is not None and int(ids[end - 1]) == tokenizer.eos_id:
        end -= 1
    return ids[start:end]


def decoded(tokenizer: Tokenizer, shard: Shard, limit: int | None = None) -> Iterator[tuple[int, int, str]]:
    """(document index, tokens in the shard, decoded text) for the first `limit` documents."""
    n = len(shard) if limit is None else min(limit, len(shard))
    for i in range(n):
        ids = shard.document(i)
        yield i, int(ids.size), tokenizer.decode(text_ids(tokenizer, ids).tolist())


def tokenizer_spec_for(path: str) -> str | None:
    """The tokenizer a shard was written with: the release manifest's config, else tokens/<name>/ when built in."""
    here = Path(path).resolve()
    for folder in [here, *here.parents]:
        manifest = folder / "manifest.json"
        if manifest.is_file():
            try:
                config = json.loads(manifest.read_text(encoding="utf-8")).get("config") or {}
            except (ValueError, OSError):
                break
            if isinstance(config.get("tokenizer"), str):
                return str(config["tokenizer"])
            break
    parts = here.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "tokens":
            return parts[i + 1] if parts[i + 1] in ("gpt2", "cl100k_base") else None
    return None
