"""Token shards: the .idx layout against Megatron's spec (independent reader), numpy files, determinism."""

from __future__ import annotations

import hashlib
import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from pajama.errors import ConfigError
from pajama.tokenization.config import TokensConfig
from pajama.tokenization.stage import ShardTokens, tokens_identity


def write(tok: Any, cfg: TokensConfig, prefix: Path, texts: list[str], batches: int = 3) -> ShardTokens:
    shard = ShardTokens(tok, cfg, str(prefix))
    step = max(1, len(texts) // batches)
    for start in range(0, len(texts), step):  # several add() calls, as the engine makes them
        shard.add(texts[start : start + step])
    shard.close()
    return shard


@pytest.mark.parametrize(("spec", "code"), [("gpt2", 8), ("cl100k_base", 4)])
def test_megatron_layout_matches_the_spec(
    tmp_path: Path, megatron_reader: Any, varied_texts: list[str], spec: str, code: int
) -> None:
    from pajama.tokenization.stage import load_tokenizer

    tok = load_tokenizer(spec)
    cfg = TokensConfig(write=True, formats=["megatron"], eos=True, batch_size=4)
    shard = write(tok, cfg, tmp_path / "part-00000", varied_texts)
    got = megatron_reader(tmp_path / "part-00000")
    # Megatron: uint16 (code 8) when the vocabulary has < 65500 ids, int32 (code 4) otherwise
    assert (got["header"], got["version"], got["code"]) == (b"MMIDIDX\x00\x00", 1, code)
    expected = [[*ids, tok.eos_id] for ids in tok.encode_batch(varied_texts)]
    assert got["docs"] == expected
    assert got["sizes"] == [len(d) for d in expected]
    offsets, pos = [], 0
    for d in expected:
        offsets.append(pos)
        pos += len(d) * got["itemsize"]
    assert got["pointers"] == offsets
    assert got["bin_bytes"] == pos
    assert got["doc_idx"] == list(range(len(varied_texts) + 1))
    assert got["idx_bytes_used"] == got["idx_bytes"]  # nothing after doc_idx (no multimodal modes)
    assert shard.documents == len(varied_texts)
    assert shard.tokens == sum(len(d) - 1 for d in expected)


def test_bos_and_eos(tmp_path: Path, megatron_reader: Any, gpt2: Any) -> None:
    texts = ["one", "", "two three"]
    write(gpt2, TokensConfig(write=True, bos=True, eos=True), tmp_path / "both", texts)
    write(gpt2, TokensConfig(write=True, bos=False, eos=False), tmp_path / "none", texts)
    plain = gpt2.encode_batch(texts)
    assert megatron_reader(tmp_path / "both")["docs"] == [[50256, *ids, 50256] for ids in plain]
    assert megatron_reader(tmp_path / "none")["docs"][1] == []
    assert megatron_reader(tmp_path / "none")["docs"] == plain


def test_numpy_files(tmp_path: Path, gpt2: Any, varied_texts: list[str]) -> None:
    write(gpt2, TokensConfig(write=True, formats=["numpy"]), tmp_path / "p", varied_texts)
    docs = [[*ids, gpt2.eos_id] for ids in gpt2.encode_batch(varied_texts)]
    flat = np.array([i for d in docs for i in d], dtype=np.uint16)
    expected = io.BytesIO()
    np.save(expected, flat)
    assert (tmp_path / "p.npy").read_bytes() == expected.getvalue()  # exactly what np.save writes
    tokens = np.load(tmp_path / "p.npy", mmap_mode="r")
    offsets = np.load(tmp_path / "p.idx.npy")
    assert offsets.dtype == np.int64 and offsets.tolist()[0] == 0
    assert [tokens[offsets[d] : offsets[d + 1]].tolist() for d in range(len(docs))] == docs


def test_deterministic_bytes_and_manifest_entries(tmp_path: Path, cl100k: Any, varied_texts: list[str]) -> None:
    cfg = TokensConfig(write=True, formats=["megatron", "numpy"], batch_size=2)
    a = write(cl100k, cfg, tmp_path / "a" / "part-00000", varied_texts, batches=2)
    b = write(cl100k, cfg.model_copy(update={"batch_size": 5}), tmp_path / "b" / "part-00000", varied_texts, batches=5)
    names = sorted(os.listdir(tmp_path / "a"))
    assert names == ["part-00000.bin", "part-00000.idx", "part-00000.idx.npy", "part-00000.npy"]
    for name in names:
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes(), name
    for entry in a.files:
        data = Path(entry["path"]).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest()
        assert entry["bytes"] == len(data)
        assert entry["documents"] == len(varied_texts)
    assert a.summary()["dtype"] == "int32" and b.tokens == a.tokens


def test_count_only_writes_nothing(tmp_path: Path, gpt2: Any, varied_texts: list[str]) -> None:
    counter = ShardTokens(gpt2, TokensConfig(batch_size=3), None)
    counts = counter.add(varied_texts)
    assert counts == [len(ids) for ids in gpt2.encode_batch(varied_texts)]
    assert counter.close() == [] and counter.tokens == sum(counts)


def test_empty_shard_and_abort_leave_no_files(tmp_path: Path, gpt2: Any) -> None:
    cfg = TokensConfig(write=True, formats=["megatron", "numpy"])
    empty = ShardTokens(gpt2, cfg, str(tmp_path / "empty" / "part-00000"))
    assert empty.add([]) == []
    assert empty.close() == []
    with pytest.raises(RuntimeError), ShardTokens(gpt2, cfg, str(tmp_path / "crash" / "part-00000")) as shard:
        shard.add(["some text"])
        raise RuntimeError("the engine failed mid-shard")
    assert os.listdir(tmp_path / "crash") == []  # temporary files removed, nothing under a final name


def test_missing_special_token_is_a_config_error(tmp_path: Path, cl100k: Any) -> None:
    with pytest.raises(ConfigError) as e:
        ShardTokens(cl100k, TokensConfig(write=True, bos=True), str(tmp_path / "x"))
    assert e.value.key == "tokens.bos"
    ShardTokens(cl100k, TokensConfig(bos=True), None)  # counting needs no BOS


def test_identity_for_the_manifest(gpt2: Any) -> None:
    ident = tokens_identity(gpt2, TokensConfig(write=True, formats=["numpy"]))
    assert ident["tokenizer"]["digest"] == gpt2.digest and len(gpt2.digest) == 64
    assert (ident["dtype"], ident["formats"], ident["eos"]) == ("uint16", ["numpy"], True)


def test_tokens_config_formats_are_validated() -> None:
    from pajama.build.config import validate

    base = {"dataset": "d", "version": "1.0.0", "sources": {"web": {"reader": "jsonl", "inputs": ["x"]}}}
    assert validate(base).tokens.formats == ["megatron"]
    for bad, key in (([], "tokens.formats"), (["numpy", "numpy"], "tokens.formats"), (["hdf5"], "tokens.formats[0]")):
        with pytest.raises(ConfigError) as e:
            validate({**base, "tokens": {"write": True, "formats": bad}})
        assert e.value.key == key
