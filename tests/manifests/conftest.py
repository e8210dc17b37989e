"""Releases shared by the audit-tool tests: every quickstart source, and two versions of a small one."""

from __future__ import annotations

from pathlib import Path

import pytest

from .builders import build, source

#: config order is dedup priority: sources whose documents others copy come first, so each keeps some
FULL_ORDER = ["arxiv", "wiki", "snapshot", "web", "books", "se", "docs"]


@pytest.fixture(scope="session")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from examples.samples import build_all

    root = tmp_path_factory.mktemp("audit")
    build_all(root / "samples")
    return root


@pytest.fixture(scope="session")
def full_release(workdir: Path) -> Path:
    """Every source kind, a min_length filter that keeps and drops in each, global exact + MinHash dedup, gpt2."""
    return build(
        workdir,
        {
            "dataset": "full",
            "version": "1.0.0",
            "description": "Every quickstart source, for the audit tool tests.",
            "sources": {name: source(name) for name in FULL_ORDER},
            "dedup": {"exact": {}, "minhash": {"threshold": 0.7}, "scope": "global"},
            "tokenizer": "gpt2",
        },
    )


@pytest.fixture(scope="session")
def docs_v1(workdir: Path) -> Path:
    return build(workdir, {"dataset": "docs", "version": "1.0.0", "sources": {"docs": source("docs", 20)}})


@pytest.fixture(scope="session")
def docs_v2(workdir: Path, docs_v1: Path) -> Path:
    """docs_v1 with a stricter threshold, written as Parquet in 3 shards with signals kept separately."""
    return build(
        workdir,
        {
            "dataset": "docs",
            "version": "1.1.0",
            "parent": "1.0.0",
            "format": "parquet",
            "shards": 3,
            "signals": "separate",
            "sources": {"docs": source("docs", 100)},
        },
    )
