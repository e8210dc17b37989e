"""Typed tokenization configuration (`tokenizer:` and `tokens:` in a pipeline config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

TokenFormat = Literal["megatron", "numpy"]


def _default_formats() -> list[TokenFormat]:
    return ["megatron"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TokensConfig(_Strict):
    count: bool = Field(True, description="count tokens per document, shard and source (needs `tokenizer`)")
    per_document: bool = Field(False, description="store the count in meta.tokens")
    write: bool = Field(False, description="write training-ready token shards")
    formats: list[TokenFormat] = Field(
        default_factory=_default_formats,
        description="megatron: Megatron-LM indexed dataset (.bin + .idx); numpy: .npy tokens + .idx.npy offsets",
    )
    eos: bool = Field(True, description="append the tokenizer's end-of-text token to every document")
    bos: bool = Field(False, description="prepend the tokenizer's beginning-of-text token")
    batch_size: int = Field(256, ge=1)

    @field_validator("formats")
    @classmethod
    def _formats(cls, v: list[TokenFormat]) -> list[TokenFormat]:
        if not v:
            raise ValueError("name at least one of: megatron, numpy")
        if len(set(v)) != len(v):
            raise ValueError("each format once")
        return v
