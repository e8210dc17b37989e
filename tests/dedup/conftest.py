"""Dedup test helpers: real text (the shared corpus's books when present, else pydoc topics) and a
small pipeline runner that featurizes records and resolves them."""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

import pytest

from pajama.dedup.config import DedupConfig
from pajama.dedup.stage import DedupResult, Featurizer, resolve
from pajama.record import Record, make_id

CORPUS = Path(os.environ.get("PAJAMA_CORPUS", Path(__file__).resolve().parents[3] / "shared" / "corpus"))


@lru_cache(maxsize=1)
def _sentences() -> list[str]:
    """Sentences of real prose (at least 6 words each), in a fixed order."""
    texts: list[str] = []
    books = sorted((CORPUS / "books").glob("*.txt.gz")) if CORPUS.is_dir() else []
    for path in books:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    if not texts:
        from pydoc_data.topics import topics

        texts = [topics[k] for k in sorted(topics)]
    out = []
    for text in texts:
        for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
            if len(sentence.split()) >= 6:
                out.append(sentence)
    return out


@pytest.fixture(scope="session")
def sentences() -> list[str]:
    return _sentences()


@pytest.fixture(scope="session")
def text_source() -> str:
    """Where `sentences` came from: "books" (shared corpus) or "pydoc"."""
    return "books" if CORPUS.is_dir() and any((CORPUS / "books").glob("*.txt.gz")) else "pydoc"


def record(source: str, key: str, text: str, **meta: Any) -> Record:
    return Record(id=make_id(source, key), text=text, source=source, meta=dict(meta), origin={})


def featurize(
    records: list[Record], cfg: DedupConfig, folder: Path, *, inputs: int = 3, ranks: dict[str, int] | None = None
) -> list[str]:
    """Feature files as the engine makes them: one Featurizer per (source, input)."""
    paths = []
    for source in sorted({r.source for r in records}):
        mine = [r for r in records if r.source == source]
        for k in range(inputs):
            f = Featurizer(cfg, source=source, source_rank=(ranks or {}).get(source, 0))
            for r in mine[k::inputs]:
                f.add(r)
            path = folder / f"{source}-{k}.parquet"
            f.write(str(path))
            paths.append(str(path))
    return paths


@pytest.fixture
def run(tmp_path: Path) -> Callable[..., DedupResult]:
    """run(records, cfg, workers=1, ranks=None, previous=()) -> DedupResult."""

    def _run(
        records: list[Record],
        cfg: DedupConfig,
        *,
        workers: int = 1,
        ranks: dict[str, int] | None = None,
        previous: tuple[str, ...] = (),
        name: str = "features",
    ) -> DedupResult:
        folder = tmp_path / name
        folder.mkdir(exist_ok=True)
        paths = featurize(records, cfg, folder, ranks=ranks)
        return resolve(paths, cfg, work_dir=str(tmp_path / "work"), workers=workers, previous=previous)

    return _run


@pytest.fixture(scope="session")
def rec() -> Callable[..., Record]:
    """rec(source, key, text, **meta) -> Record with the engine's id."""
    return record


@pytest.fixture(scope="session")
def features() -> Callable[..., list[str]]:
    """features(records, cfg, folder, inputs=3, ranks=None) -> feature file paths."""
    return featurize
