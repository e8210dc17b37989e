"""Fixtures for the reliability tests: the quickstart samples, built once per session."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def samples(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`pajama samples` output (docs jsonl, books, stackexchange, arxiv, wiki, web WARC), built by the test."""
    from examples.samples import build_all

    out = tmp_path_factory.mktemp("samples")
    build_all(out)
    return out
