"""Typed `decontaminate:` section of a pipeline config."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

NAME_CHARS = "abcdefghijklmnopqrstuvwxyz0123456789_-"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BenchmarkSpec(_Strict):
    name: str = Field(description="benchmark name, used in drop reasons (decontaminate.<name>) and the manifest")
    path: str = Field(description="local JSONL/Parquet file (or any fsspec URI, e.g. hf://datasets/...)")
    text_fields: list[str] = Field(min_length=1, description="fields whose text makes up one test item")
    id_field: str | None = Field(None, description="field holding the item id; default: the row number")

    @field_validator("name")
    @classmethod
    def _name(cls, v: str) -> str:
        if not v or any(c not in NAME_CHARS for c in v):
            raise ValueError(f"{v!r}: use lowercase letters, digits, '_' and '-'")
        return v


class DecontamConfig(_Strict):
    benchmarks: list[BenchmarkSpec] = Field(min_length=1, description="the test sets to search for")
    ngram: int = Field(13, ge=3, le=64, description="n-gram length in words (GPT-3 used 13)")
    mode: Literal["drop", "mask", "tag"] = Field("tag", description="what a hit does to the document")
    min_overlap: int = Field(1, ge=1, description="distinct matching n-grams of one item needed for a hit")
    min_words: int = Field(
        8,
        ge=1,
        description="items shorter than `ngram` words are searched whole (one n-gram of their length) when "
        "they have at least this many words; shorter items are skipped and counted (too_short)",
    )

    @field_validator("benchmarks")
    @classmethod
    def _unique(cls, v: list[BenchmarkSpec]) -> list[BenchmarkSpec]:
        names = [b.name for b in v]
        if len(set(names)) != len(names):
            raise ValueError(f"benchmark names must be unique, got {names}")
        return v
