"""What the stage modules share: the one stage registry, a timer, and reading the corpus back."""

from __future__ import annotations

import argparse
import cProfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

StageFn = Callable[[argparse.Namespace], dict[str, Any]]
PROFILER: list[cProfile.Profile] = []  # set by `--profile`: the timed blocks are profiled, nothing else


@dataclass
class Stage:
    """One suite stage: its table label, which documents it covers (all, sample, pages), how it runs.

    `fn` is what `python -m benchmarks.stages NAME` runs in a child process; `spine` and `e2e` have none
    (the suite runs bench_spine and `pajama run` for them, see benchmarks.suite.run_stage).
    """

    label: str
    covers: str
    fn: StageFn | None = None


# In the order the suite runs them and the results table lists them.
STAGES: dict[str, Stage] = {
    "read_jsonl": Stage("read (jsonl)", "all"),
    "read_warc": Stage("read (WARC: records, digests, HTML decoding)", "pages"),
    "extract_resiliparse": Stage("extract (resiliparse, WARC read included)", "pages"),
    "extract_trafilatura": Stage("extract (trafilatura, WARC read included)", "pages"),
    "lid": Stage("language id (fastText lid.176)", "sample"),
    "filters_gopher": Stage("filters: gopher preset", "sample"),
    "filters_c4": Stage("filters: c4 preset", "sample"),
    "filters_fineweb": Stage("filters: fineweb preset", "sample"),
    "signatures": Stage("dedup signatures (shingles, MinHash, exact hash)", "all"),
    "clustering": Stage("dedup clustering (exact, LSH, verify, components)", "all"),
    "spine": Stage("spine: read -> shard write, no filters (bench_spine)", "all"),
    "shard_write": Stage("shard writing (merge runs -> jsonl.zst shards)", "all"),
    "tokenize_count": Stage("tokenization: count (gpt2)", "sample"),
    "tokenize_write": Stage("tokenization: count + Megatron shards (gpt2)", "sample"),
    "e2e": Stage("end to end: pajama run (lid, 3 presets, dedup, gpt2 tokens)", "all"),
}


def stage(name: str) -> Callable[[StageFn], StageFn]:
    """Attach the function `python -m benchmarks.stages NAME` runs to the stage `name` of the table."""

    def register(fn: StageFn) -> StageFn:
        STAGES[name].fn = fn
        return fn

    return register


class Timer:
    """Wall and CPU seconds (all threads of this process) of a `with` block, profiled under `--profile`."""

    def __enter__(self) -> Timer:
        for p in PROFILER:
            p.enable()
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu
        for p in PROFILER:
            p.disable()


def doc_files(corpus: Path) -> list[Path]:
    return sorted((corpus / "docs").glob("part-*.jsonl"))


def iter_docs(corpus: Path, limit: int | None = None) -> Iterator[dict[str, Any]]:
    """The corpus documents in id order ({"id", "text"}), the first `limit` of them when given."""
    n = 0
    for path in doc_files(corpus):
        with open(path, "rb") as f:
            for line in f:
                if limit is not None and n >= limit:
                    return
                n += 1
                yield orjson.loads(line)


def truth_column(corpus: Path, column: str) -> dict[str, Any]:
    """{document id: value} of one truth.parquet column."""
    import pyarrow.parquet as pq

    truth = pq.read_table(corpus / "truth.parquet", columns=["id", column])
    return dict(zip(truth["id"].to_pylist(), truth[column].to_pylist(), strict=True))


def texts_by_kind(corpus: Path, limit: int | None) -> dict[str, list[str]]:
    """The first `limit` documents' texts, grouped by their true kind."""
    kind = truth_column(corpus, "kind")
    groups: dict[str, list[str]] = {}
    for doc in iter_docs(corpus, limit):
        groups.setdefault(kind[doc["id"]], []).append(doc["text"])
    return groups


def megabytes(texts: list[str]) -> float:
    return sum(len(t.encode()) for t in texts) / 1e6
