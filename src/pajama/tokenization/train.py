"""`pajama tokenizer train`: a byte-level BPE tokenizer (GPT-2 style) trained with Hugging Face `tokenizers`.

The output folder loads with `tokenizer: <folder>`:

    tokenizer.json          the tokenizer (Hugging Face format)
    tokenizer_config.json   eos_token / bos_token (both "<|endoftext|>", as for GPT-2)
    training.json           what it was trained on: inputs with sha256, vocab size, min frequency, versions

Determinism: inputs are read in sorted order; the BPE trainer counts pairs exactly and breaks ties by
pair order, so the same inputs and settings give the same tokenizer.json (checked by a test).
"""

from __future__ import annotations

import glob
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pajama.errors import ConfigError
from pajama.storage import atomic_write
from pajama.tokenization.load import ENDOFTEXT, sha256_path
from pajama.tokenization.texts import data_files, iter_texts

log = logging.getLogger(__name__)
BYTE_ALPHABET = 256
SPECIAL_TOKENS = [ENDOFTEXT]


def expand_inputs(inputs: list[str]) -> list[Path]:
    """Globs, files, folders and releases, expanded to a sorted, de-duplicated list of files."""
    files: dict[Path, None] = {}
    for spec in inputs:
        matches = sorted(glob.glob(os.path.expanduser(spec))) if glob.has_magic(spec) else [spec]
        if not matches or not all(os.path.exists(m) for m in matches):
            raise ConfigError("--input", f"{spec}: no such file or folder")
        for match in matches:
            files.update(dict.fromkeys(data_files(Path(match))))
    if not files:
        raise ConfigError("--input", "no input files found")
    return list(files)


class _Texts:
    """An iterator over every text of the inputs that counts documents and characters as it goes."""

    def __init__(self, files: list[Path]) -> None:
        self.files = files
        self.texts = 0
        self.chars = 0

    def __iter__(self) -> Iterator[str]:
        for path in self.files:
            for text in iter_texts(path):
                self.texts += 1
                self.chars += len(text)
                yield text


def train_tokenizer(inputs: list[str], *, vocab_size: int, output: str, min_frequency: int = 2) -> dict[str, Any]:
    """Train byte-level BPE on the inputs and write the tokenizer folder; returns training.json's content."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from tokenizers import __version__ as tokenizers_version

    if vocab_size < BYTE_ALPHABET + len(SPECIAL_TOKENS):
        raise ConfigError("--vocab-size", f"must be at least {BYTE_ALPHABET + len(SPECIAL_TOKENS)} (bytes + specials)")
    files = expand_inputs(inputs)
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        min_frequency=min_frequency,
        special_tokens=SPECIAL_TOKENS,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    texts = _Texts(files)
    tok.train_from_iterator(texts, trainer=trainer)
    if texts.texts == 0:
        raise ConfigError("--input", "the inputs hold no text")
    info = {
        "kind": "byte-level-bpe",
        "vocab_size": tok.get_vocab_size(with_added_tokens=True),
        "vocab_size_requested": vocab_size,
        "min_frequency": min_frequency,
        "special_tokens": SPECIAL_TOKENS,
        "texts": texts.texts,
        "chars": texts.chars,
        "inputs": [{"path": str(p), "sha256": sha256_path(p)} for p in files],
        "tokenizers": tokenizers_version,
    }
    _write(Path(output), tok.to_str(pretty=True), info)
    log.info("trained a %d-token byte-level BPE on %d texts into %s", info["vocab_size"], texts.texts, output)
    return info


def _write(out: Path, tokenizer_json: str, info: dict[str, Any]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    config = {"eos_token": ENDOFTEXT, "bos_token": ENDOFTEXT, "tokenizer_class": "PreTrainedTokenizerFast"}
    for name, text in (
        ("tokenizer.json", tokenizer_json),
        ("tokenizer_config.json", json.dumps(config, indent=2, sort_keys=True)),
        ("training.json", json.dumps(info, indent=2, sort_keys=True)),
    ):
        with atomic_write(str(out / name), "wb") as f:
            f.write(text.encode("utf-8") + b"\n")
