"""Typed dedup configuration (`dedup:` in a pipeline config)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


Normalization = Literal["case", "whitespace", "punctuation", "digits", "unicode"]


class ExactConfig(_Strict):
    enabled: bool = Field(True, description="drop documents whose normalized text hashes equal")
    normalize: list[Normalization] = Field(
        default_factory=lambda: list[Normalization](["whitespace"]), description="normalizations applied before hashing"
    )
    url: bool = Field(False, description="also dedup web documents by normalized meta.url, keeping the latest")


class MinhashConfig(_Strict):
    enabled: bool = True
    threshold: float = Field(0.8, gt=0, le=1, description="Jaccard similarity at or above which docs are near-dups")
    unit: Literal["words", "chars"] = Field("words", description="shingle unit")
    ngram: int = Field(5, ge=1, description="shingle size in units")
    segment: bool = Field(
        True,
        description="split scripts without spaces (zh, ja, th, lo, km, my, bo) into words first (pajama.text.words), "
        "so word shingles are words there too; text with spaces is unchanged",
    )
    num_perm: int = Field(128, ge=8, le=1024, description="number of permutations")
    bands: int | None = Field(None, ge=1, description="LSH bands; derived from threshold when omitted")
    rows: int | None = Field(None, ge=1, description="rows per band; derived from threshold when omitted")
    seed: int = Field(1, description="permutation seed (datasketch-compatible)")
    hash: Literal["poly64", "sha1"] = Field(
        "poly64",
        description="32-bit hash of each shingle's UTF-8 bytes fed to the permutations: poly64 (vectorised; "
        "datasketch.MinHash(hashfunc=pajama.dedup.shingle.poly64_hash32) reproduces it) or sha1 "
        "(datasketch's default sha1_hash32; about 2x slower)",
    )
    verify: Literal["estimate", "exact", "none"] = Field(
        "estimate", description="how candidate pairs are checked against the threshold before clustering"
    )
    max_cluster: int = Field(1000, ge=2, description="clusters larger than this are reported loudly")
    # Candidates are verified, so an LSH false positive costs one signature comparison while a false
    # negative is a duplicate kept: the defaults weigh misses 9:1 (datasketch's MinHashLSH uses 0.5/0.5).
    false_positive_weight: float = Field(0.1, ge=0, le=1, description="weight of false positives when deriving bands")
    false_negative_weight: float = Field(0.9, ge=0, le=1, description="weight of false negatives when deriving bands")
    store_signatures: bool = Field(True, description="write minhash/<source>/part-*.parquet")

    @model_validator(mode="after")
    def _bands_rows(self) -> MinhashConfig:
        if (self.bands is None) != (self.rows is None):
            raise ValueError("give both bands and rows, or neither (then they are derived from threshold)")
        if self.bands is not None and self.rows is not None and self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands x rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}")
        return self


class DedupConfig(_Strict):
    exact: ExactConfig | None = None
    minhash: MinhashConfig | None = None
    scope: Literal["source", "global"] = Field("source", description="dedup within each source or across all")
    keep: Literal["priority"] = Field(
        "priority", description="keep rule: source order, then longest text, then smallest id"
    )
    against: list[str] = Field(default_factory=list, description="previous releases to dedup against")
