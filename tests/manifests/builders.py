"""Small releases for the audit-tool tests, built in-process from the quickstart samples."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pajama.build import config as config_mod
from pajama.build import plan as plan_mod
from pajama.build.driver import run
from pajama.jobs.local import LocalExecutor

#: per-source min_length thresholds that split each quickstart sample into kept and dropped documents
#: (the samples' word counts: docs 2..8571, web 229..7185, wiki 28..8558, arxiv 1550/7204, books 1988/2139,
#: stackexchange 82..281)
MIN_WORDS = {"code": 500, "docs": 60, "snapshot": 60, "web": 500, "wiki": 1200, "arxiv": 3000, "books": 2060, "se": 150}
READERS = {
    "docs": ("jsonl", ["samples/docs/*.jsonl", "samples/docs/*.jsonl.gz"], {}),
    "snapshot": ("parquet", ["samples/docs/snapshot.parquet"], {"id_field": None, "meta_fields": ["title"]}),
    "web": ("warc", ["samples/web/*.warc.gz"], {}),
    "wiki": ("wikipedia", ["samples/wiki/*.xml.bz2"], {}),
    "arxiv": ("arxiv", ["samples/arxiv/*.tar.gz"], {}),
    "books": ("books", ["samples/books/*.txt"], {}),
    "se": ("stackexchange", ["samples/stackexchange/sample.stackexchange.com"], {}),
    "code": ("github", ["samples/code/*.tar.gz"], {}),
}


@contextlib.contextmanager
def cwd(path: Path) -> Iterator[None]:
    old = os.getcwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def source(name: str, min_words: int | None = None, **extra: Any) -> dict[str, Any]:
    reader, inputs, options = READERS[name]
    words = MIN_WORDS[name] if min_words is None else min_words
    return {
        "reader": reader,
        "inputs": inputs,
        "options": options,
        "filters": [{"min_length": {"min_words": words}}],
        **extra,
    }


def build(workdir: Path, raw: dict[str, Any]) -> Path:
    """Run the config from `workdir` (inputs are relative to it, as with `pajama run`); return the release."""
    raw = {"output": "releases", "shards": 2, "rejected": True, **raw}
    with cwd(workdir):
        plan = plan_mod.build(config_mod.validate(raw))
        run(plan, LocalExecutor(workers=1), overwrite=True)
    return workdir / "releases" / raw["dataset"] / raw["version"]
