"""The `decontaminate` stage: one stage appended to every source's chain (after filters, before dedup).

Every hit records the benchmark, the test item's id and the matched character spans in
`meta.decontamination`; the stage's signals (`decontaminate.hits`, `decontaminate.benchmark`) let
`refilter` decide again. `drop` drops the document (reason `decontaminate.<benchmark>`, the first
benchmark in config order that hit it), `mask` deletes the matched spans from the text (recorded in
`meta.edits`), `tag` only records.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pajama.decontam.config import DecontamConfig
from pajama.decontam.index import Index, build, load, save
from pajama.decontam.items import benchmark_digest, read_items
from pajama.decontam.ngrams import ngram_hashes, word_hashes, word_spans, words
from pajama.filter import Verdict
from pajama.record import Record, canonical_json

KEY = "decontaminate"


@dataclass(frozen=True, kw_only=True)
class Decontaminate:
    """Find benchmark items in documents by word n-gram overlap (see pajama.decontam)."""

    name: ClassVar[str] = KEY
    version: ClassVar[int] = 1

    config: DecontamConfig
    digests: tuple[tuple[str, str], ...]
    index_dir: str

    @classmethod
    def plan(cls, config: DecontamConfig, work_dir: str) -> Decontaminate:
        """Validate every benchmark file now (ConfigError names the file, row and field), before any work."""
        digests = []
        for i, spec in enumerate(config.benchmarks):
            read_items(spec, f"{KEY}.benchmarks[{i}]")
            digests.append((spec.name, benchmark_digest(spec)))
        key = canonical_json([config.model_dump(mode="json"), digests])
        folder = os.path.join(work_dir, "decontam", hashlib.sha256(key.encode()).hexdigest()[:16])
        return cls(config=config, digests=tuple(digests), index_dir=folder)

    def params(self) -> dict[str, Any]:
        """What the manifest records: the settings and each benchmark file's sha256 (no machine paths)."""
        return {
            "mode": self.config.mode,
            "ngram": self.config.ngram,
            "min_overlap": self.config.min_overlap,
            "min_words": self.config.min_words,
            "benchmarks": [
                {"name": spec.name, "sha256": sha, "text_fields": spec.text_fields, "id_field": spec.id_field}
                for spec, (_, sha) in zip(self.config.benchmarks, self.digests, strict=True)
            ],
        }

    def prepare(self) -> None:
        """Build the index once per run (before the map phase); a resumed run reuses it."""
        if os.path.isdir(self.index_dir):
            return
        items = [it for i, s in enumerate(self.config.benchmarks) for it in read_items(s, f"{KEY}.benchmarks[{i}]")]
        save(build(items, ngram=self.config.ngram, min_words=self.config.min_words), self.index_dir)

    def index(self) -> Index:
        return load(self.index_dir)

    def hits(self, text: str) -> list[dict[str, Any]]:
        """Items found in `text`, in index order, each with its merged character spans."""
        return find_hits(text, self.index(), min_overlap=self.config.min_overlap)

    def signals(self, record: Record) -> dict[str, Any]:
        return self._summary(self.hits(record.text))

    def decide(self, signals: Mapping[str, Any]) -> Verdict:
        s = dict(signals)
        if s.get("hits") and self.config.mode == "drop":
            return Verdict.drop(f"{KEY}.{s['benchmark']}", s)
        return Verdict.keep(s)

    def __call__(self, record: Record) -> Verdict:
        """`decide` on the hits, with the hits in meta and, in `mask` mode, the matched spans deleted."""
        found = self.hits(record.text)
        verdict = self.decide(self._summary(found))
        if not found:
            return verdict
        verdict = replace(verdict, meta={"decontamination": found})
        if verdict.kept and self.config.mode == "mask":
            text, removed = mask(record.text, [span for hit in found for span in hit["spans"]])
            return replace(
                verdict, text=text, edit={"removed": "benchmark_spans", "spans": removed, "items": len(found)}
            )
        return verdict

    def _summary(self, found: list[dict[str, Any]]) -> dict[str, Any]:
        return {"hits": len(found), "benchmark": self._first_benchmark(found)}

    def _first_benchmark(self, found: list[dict[str, Any]]) -> str | None:
        names = {h["benchmark"] for h in found}
        return next((b.name for b in self.config.benchmarks if b.name in names), None)


def find_hits(text: str, index: Index, *, min_overlap: int) -> list[dict[str, Any]]:
    hashes = word_hashes(words(text))
    found = [(n, *index.lookup(ngram_hashes(hashes, n))) for n in index.lengths]
    if not any(len(positions) for _, positions, _ in found):
        return []
    spans = word_spans(text)
    per_item: dict[int, list[tuple[int, int]]] = {}
    for n, positions, items in found:
        for p, item in zip(positions.tolist(), items.tolist(), strict=True):
            per_item.setdefault(item, []).append((spans[p][0], spans[p + n - 1][1]))
    out = []
    for item in sorted(per_item):
        grams = sorted(set(per_item[item]))
        if len(grams) < min_overlap:
            continue
        benchmark, item_id = index.item_keys[item]
        out.append({"benchmark": benchmark, "item": item_id, "ngrams": len(grams), "spans": merge_spans(grams)})
    return out


def merge_spans(spans: list[tuple[int, int]]) -> list[list[int]]:
    """Sorted spans with overlapping or touching ones joined."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


def mask(text: str, spans: list[list[int]]) -> tuple[str, int]:
    """`text` without the characters of `spans`; returns the new text and the number of spans removed."""
    merged = merge_spans([(s, e) for s, e in spans])
    pieces = []
    last = 0
    for start, end in merged:
        pieces.append(text[last:start])
        last = end
    pieces.append(text[last:])
    return "".join(pieces), len(merged)
