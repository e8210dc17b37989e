"""A loaded tokenizer with a stable identity, over one of two backends (Hugging Face `tokenizers`, tiktoken).

Text that spells a special token ("<|endoftext|>" inside a web page) is encoded as ordinary text, never
as the special id: only the shard writer puts EOS/BOS ids into token shards, so document boundaries in a
shard cannot be forged by document content. Lone surrogates (not valid UTF-8) become U+FFFD, as tiktoken
does by itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol


class Backend(Protocol):
    def encode_batch(self, texts: list[str]) -> list[list[int]]: ...

    def count_batch(self, texts: list[str]) -> list[int]: ...

    def decode(self, ids: Sequence[int]) -> str: ...


def _valid_utf8(text: str) -> str:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


class HFBackend:
    """A `tokenizers.Tokenizer`: special tokens in the text are encoded as text, no post-processor template."""

    def __init__(self, tok: Any) -> None:
        tok.encode_special_tokens = True
        self.tok = tok

    def _encode(self, texts: list[str]) -> list[Any]:
        try:
            return self.tok.encode_batch_fast(texts, add_special_tokens=False)
        except TypeError:  # a text with lone surrogates cannot cross into Rust
            return self.tok.encode_batch_fast([_valid_utf8(t) for t in texts], add_special_tokens=False)

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return [e.ids for e in self._encode(texts)]

    def count_batch(self, texts: list[str]) -> list[int]:
        return [len(e) for e in self._encode(texts)]

    def decode(self, ids: Sequence[int]) -> str:
        return self.tok.decode([int(i) for i in ids], skip_special_tokens=False)


class TiktokenBackend:
    """A tiktoken Encoding; `encode_ordinary` never produces special ids."""

    def __init__(self, enc: Any, threads: int = 1) -> None:
        self.enc = enc
        self.threads = threads

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        return self.enc.encode_ordinary_batch(texts, num_threads=self.threads)

    def count_batch(self, texts: list[str]) -> list[int]:
        return [len(ids) for ids in self.encode_batch(texts)]

    def decode(self, ids: Sequence[int]) -> str:
        return self.enc.decode([int(i) for i in ids])


class Tokenizer:
    """A tokenizer by spec, with the identity a manifest records.

    `digest` is sha256 over the tokenizer's definition (its kind, its files' sha256, the options pajama
    applies), so two runs that record the same digest tokenized with the same definition. A Tokenizer
    pickles as its identity only; a worker reloads the backend from the spec (once per process) and refuses
    to go on when its files give a different digest.
    """

    def __init__(
        self,
        *,
        spec: str,
        name: str,
        kind: str,
        digest: str,
        vocab_size: int,
        eos_id: int | None,
        bos_id: int | None,
        backend: Backend | None,
    ) -> None:
        self.spec = spec
        self.name = name
        self.kind = kind
        self.digest = digest
        self.vocab_size = vocab_size
        self.eos_id = eos_id
        self.bos_id = bos_id
        self._backend = backend

    def __repr__(self) -> str:
        return f"Tokenizer(name={self.name!r}, kind={self.kind!r}, vocab_size={self.vocab_size})"

    def __getstate__(self) -> dict[str, Any]:
        state = self.__dict__.copy()
        state["_backend"] = None
        return state

    @property
    def backend(self) -> Backend:
        if self._backend is None:
            from pajama.errors import ConfigError
            from pajama.tokenization.load import load_tokenizer

            local = load_tokenizer(self.spec)
            if local.digest != self.digest:
                raise ConfigError("tokenizer", f"{self.spec!r} has digest {local.digest} here, {self.digest} expected")
            self._backend = local.backend
        return self._backend

    def encode_batch(self, texts: list[str]) -> list[list[int]]:
        """Token ids per text, without BOS/EOS."""
        return self.backend.encode_batch(texts)

    def count_batch(self, texts: list[str]) -> list[int]:
        """Token counts per text (the fast path when no ids are kept)."""
        return self.backend.count_batch(texts)

    def decode(self, ids: Sequence[int]) -> str:
        return self.backend.decode(ids)

    def identity(self) -> dict[str, Any]:
        """What the manifest records about the tokenizer."""
        return {
            "name": self.name,
            "kind": self.kind,
            "spec": self.spec,
            "digest": self.digest,
            "vocab_size": self.vocab_size,
            "eos_id": self.eos_id,
            "bos_id": self.bos_id,
        }
