"""Perplexity under a KenLM language model, with CCNet's head / middle / tail buckets (Wenzek et al. 2020,
"CCNet: Extracting High Quality Monolingual Datasets from Web Crawl Data", arXiv:1911.00359, section 3.3).

The `kenlm` module comes from the kenlm-ex package on PyPI (query only; train models with KenLM's lmplz).
"""

from __future__ import annotations

import functools
import importlib.util
import os
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pajama.errors import ConfigError
from pajama.filter import SignalFilter, Verdict
from pajama.record import Record
from pajama.registry import register_filter

Bucket = Literal["head", "middle", "tail"]

_PUNCT = str.maketrans(
    {"“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "‘": "'", "’": "'", "‚": "'", "–": "-", "—": "-", "…": "..."}
)
_DIGIT = re.compile(r"\d")
_NON_PRINTING = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\ufeff]")


def normalize_for_lm(line: str) -> str:
    """CCNet-style normalization: lowercase, accents removed, every digit -> 0, typographic punctuation
    -> ASCII, non-printing characters removed, whitespace collapsed. Train models on text normalized
    the same way (this function), one line per sentence or paragraph."""
    line = unicodedata.normalize("NFD", line.lower())
    line = "".join(c for c in line if unicodedata.category(c) != "Mn")
    line = _NON_PRINTING.sub("", _DIGIT.sub("0", line.translate(_PUNCT)))
    return " ".join(line.split())


@functools.lru_cache(maxsize=4)
def load_model(path: str) -> Any:
    """The KenLM model at `path`, loaded once per worker process."""
    import kenlm

    return kenlm.Model(path)


def perplexity(model: Any, text: str, *, normalize: bool = True) -> tuple[float, int]:
    """(perplexity, scored tokens) of `text` as CCNet computes it: each non-blank line is scored with
    sentence boundaries, log10 probabilities are summed over lines, and the length counts every token
    plus one end-of-sentence per line. Perplexity is 10 ** (-log10 prob / length)."""
    log_prob = 0.0
    length = 0
    for raw in text.splitlines():
        line = normalize_for_lm(raw) if normalize else " ".join(raw.split())
        if not line:
            continue
        log_prob += model.score(line, bos=True, eos=True)
        length += len(line.split()) + 1
    if not length:
        return 0.0, 0
    return 10.0 ** (-log_prob / length), length


@register_filter("perplexity")
@dataclass(frozen=True, kw_only=True)
class Perplexity(SignalFilter):
    """Score documents with a KenLM model and bucket them the CCNet way.

    bucket: "head" when perplexity < head_cutoff, "tail" when > tail_cutoff, else "middle".
    CCNet cuts at the 30th and 60th percentiles of its Wikipedia model's perplexities on each
    language's crawl; the defaults are its English cutoffs (340 and 520). Cutoffs belong to one
    model: set them from your model's own percentiles. Documents whose bucket is not in keep_buckets,
    or whose perplexity exceeds max_perplexity, are dropped; by default every bucket is kept and the
    filter only records signals (perplexity, bucket, lm_tokens) and meta.perplexity_bucket.
    CCNet tokenizes with SentencePiece before scoring; here lines are normalized (normalize_for_lm)
    and split on whitespace, so use a model trained on text prepared the same way.
    """

    model: str
    head_cutoff: float = 340.0
    tail_cutoff: float = 520.0
    keep_buckets: tuple[Bucket, ...] = ("head", "middle", "tail")
    max_perplexity: float | None = None
    normalize: bool = True

    def __post_init__(self) -> None:
        if importlib.util.find_spec("kenlm") is None:
            raise ConfigError("perplexity.model", "the perplexity filter needs the kenlm module: pip install kenlm-ex")
        if "://" in self.model and not self.model.startswith("file://"):
            raise ConfigError("perplexity.model", f"KenLM loads local files only, got {self.model!r}")
        if not os.path.isfile(self.model.removeprefix("file://")):
            raise ConfigError("perplexity.model", f"no such file: {self.model}")
        if self.head_cutoff > self.tail_cutoff:
            raise ConfigError("perplexity.head_cutoff", "must not be above tail_cutoff")

    def signals(self, record: Record) -> Mapping[str, Any]:
        pp, tokens = perplexity(load_model(self.model.removeprefix("file://")), record.text, normalize=self.normalize)
        return {"perplexity": round(pp, 1), "lm_tokens": tokens}

    def bucket(self, pp: float) -> Bucket:
        return "head" if pp < self.head_cutoff else "tail" if pp > self.tail_cutoff else "middle"

    def decide(self, signals: Mapping[str, Any]) -> Verdict:
        """The verdict from stored signals; the bucket is recomputed with this filter's cutoffs."""
        if not signals["lm_tokens"]:
            return Verdict.drop("perplexity.no_tokens", {"perplexity": 0.0, "bucket": "none", "lm_tokens": 0})
        s = {"perplexity": signals["perplexity"], "bucket": self.bucket(signals["perplexity"])}
        s["lm_tokens"] = signals["lm_tokens"]
        meta = {"perplexity_bucket": s["bucket"]}
        if s["bucket"] not in self.keep_buckets:
            return Verdict.drop(f"perplexity.{s['bucket']}", s, meta=meta)
        if self.max_perplexity is not None and s["perplexity"] > self.max_perplexity:
            return Verdict.drop("perplexity.too_high", s, meta=meta)
        return Verdict.keep(s, meta=meta)
