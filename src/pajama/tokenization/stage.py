"""The tokenization stage as the engine calls it: count tokens per document, optionally write token shards.

One ShardTokens per data shard. The engine hands it the shard's texts in the shard's order (records sorted
by id), so the token shard's document d is the data shard's record d: the same inputs and config give
byte-identical token shards on every engine. Counts exclude BOS/EOS; shards include them per config.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import numpy as np

from pajama.errors import ConfigError
from pajama.tokenization.config import TokensConfig
from pajama.tokenization.files import local_prefix
from pajama.tokenization.load import load_tokenizer
from pajama.tokenization.megatron import MegatronWriter, optimal_dtype
from pajama.tokenization.numpy_shards import NumpyWriter
from pajama.tokenization.tokenizer import Tokenizer

__all__ = ["ShardTokens", "Tokenizer", "load_tokenizer", "special_ids", "tokens_identity"]

log = logging.getLogger(__name__)
WRITERS = {"megatron": MegatronWriter, "numpy": NumpyWriter}


def special_ids(tokenizer: Tokenizer, cfg: TokensConfig) -> tuple[list[int], list[int]]:
    """The ids put before and after every document; ConfigError when the tokenizer lacks one asked for."""
    for key, wanted, token in (("tokens.bos", cfg.bos, tokenizer.bos_id), ("tokens.eos", cfg.eos, tokenizer.eos_id)):
        if wanted and token is None:
            what = "beginning" if key == "tokens.bos" else "end"
            raise ConfigError(key, f"tokenizer {tokenizer.name!r} has no {what}-of-text token; set {key}: false")
    before = [tokenizer.bos_id] if cfg.bos and tokenizer.bos_id is not None else []
    after = [tokenizer.eos_id] if cfg.eos and tokenizer.eos_id is not None else []
    return before, after


def tokens_identity(tokenizer: Tokenizer, cfg: TokensConfig) -> dict[str, Any]:
    """The manifest's description of how token counts and shards were made."""
    out: dict[str, Any] = {"tokenizer": tokenizer.identity(), "counts_exclude_special": True}
    if cfg.write:
        out.update(
            formats=list(cfg.formats),
            dtype=optimal_dtype(tokenizer.vocab_size).name,
            bos=cfg.bos,
            eos=cfg.eos,
            layout="tokens/<tokenizer>/<source>/<data shard name>.{bin,idx | npy,idx.npy}",
        )
    return out


class ShardTokens:
    """Token counts for one data shard and, when `out_prefix` is given, its token shards.

    `out_prefix` is a local path like <release>/tokens/<tokenizer>/<source>/part-00000; each configured
    format adds its suffixes. Files appear under their final names only on `close()`. A shard that
    received no documents writes no files (an empty `.bin` cannot be memory-mapped).
    """

    def __init__(self, tokenizer: Tokenizer, cfg: TokensConfig, out_prefix: str | None) -> None:
        self.tokenizer = tokenizer
        self.cfg = cfg
        self.prefix = local_prefix(out_prefix) if out_prefix else None
        self.dtype = optimal_dtype(tokenizer.vocab_size)
        self.before, self.after = special_ids(tokenizer, cfg) if self.prefix else ([], [])
        self.documents = 0
        self.tokens = 0
        self.tokens_written = 0
        self.files: list[dict[str, Any]] = []
        self._writers: list[Any] = []
        self._closed = False

    def __enter__(self) -> ShardTokens:
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self.abort()

    def add(self, texts: Sequence[str]) -> list[int]:
        """Token counts per text (without BOS/EOS), in order; when writing, appends the documents in order."""
        if self._closed:
            raise RuntimeError("ShardTokens.add after close")
        counts: list[int] = []
        step = self.cfg.batch_size
        for start in range(0, len(texts), step):
            batch = list(texts[start : start + step])
            if self.prefix is None:
                counts.extend(self.tokenizer.count_batch(batch))
                continue
            ids = self.tokenizer.encode_batch(batch)
            counts.extend(len(x) for x in ids)
            self._write(self.prefix, ids)
        self.documents += len(texts)
        self.tokens += sum(counts)
        return counts

    def _write(self, prefix: str, ids: list[list[int]]) -> None:
        if not ids:
            return
        if not self._writers:
            self._writers = [WRITERS[fmt](prefix, self.dtype) for fmt in dict.fromkeys(self.cfg.formats)]
        flat: list[int] = []
        for doc in ids:
            flat += self.before
            flat += doc
            flat += self.after
        tokens = np.array(flat, dtype=np.int64)
        if tokens.size and (int(tokens.min()) < 0 or int(tokens.max()) > np.iinfo(self.dtype).max):
            raise ValueError(f"token id outside {self.dtype.name} (vocab size {self.tokenizer.vocab_size})")
        extra = len(self.before) + len(self.after)
        lengths = np.fromiter((len(doc) + extra for doc in ids), dtype=np.int64, count=len(ids))
        for writer in self._writers:
            writer.add(tokens, lengths)
        self.tokens_written += int(tokens.size)

    def close(self) -> list[str]:
        """Rename the finished files into place; returns their paths (entries with sha256 in `self.files`)."""
        if self._closed:
            return [f["path"] for f in self.files]
        self._closed = True
        for writer in self._writers:
            self.files.extend(writer.close())
        for entry in self.files:
            entry.update(documents=self.documents, tokens=self.tokens_written)
        return [f["path"] for f in self.files]

    def abort(self) -> None:
        """Drop the temporary files of an unfinished shard."""
        self._closed = True
        for writer in self._writers:
            writer.abort()

    def summary(self) -> dict[str, Any]:
        return {
            "documents": self.documents,
            "tokens": self.tokens,
            "tokens_written": self.tokens_written,
            "dtype": self.dtype.name,
            "files": self.files,
        }
