"""Typed tokenization configuration (`tokenizer:` and `tokens:` in a pipeline config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TokensConfig(_Strict):
    count: bool = Field(True, description="count tokens per document, shard and source (needs `tokenizer`)")
    per_document: bool = Field(False, description="store the count in meta.tokens")
    write: bool = Field(False, description="write training-ready token shards")
    formats: list[Literal["megatron", "numpy"]] = Field(default_factory=lambda: ["megatron"])
    eos: bool = Field(True, description="append the tokenizer's end-of-text token to every document")
    bos: bool = Field(False, description="prepend the tokenizer's beginning-of-text token")
    batch_size: int = Field(256, ge=1)
