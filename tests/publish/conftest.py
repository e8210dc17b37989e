"""Releases built by the real pipeline (both shard formats, two versions) and the loopback servers."""

from __future__ import annotations

import contextlib
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from .fileserver import FileServer
from .hubserver import FakeHub

CONFIG = {
    "dataset": "tiny",
    "version": "1.0.0",
    "shards": 2,
    "rejected": False,  # publish leaves rejected/ out unless asked: tests/publish/test_withhold.py covers that
    "sources": {
        "docs": {
            "reader": "jsonl",
            "inputs": ["docs/*.jsonl", "docs/*.jsonl.gz"],
            "filters": [{"min_length": {"min_words": 20}}],
        },
        "snapshot": {
            "reader": "parquet",
            "inputs": ["docs/snapshot.parquet"],
            "options": {"id_field": None, "meta_fields": ["title"]},
        },
    },
}


def build_release(root: Path, fmt: str, *overrides: str) -> Path:
    """Run the pipeline on the pydoc samples; returns the release folder."""
    from examples.samples.docs import build
    from pajama.cli import main

    if not (root / "in" / "docs").is_dir():
        build(root / "in")
    config = dict(CONFIG, format=fmt, output=str(root / "out"))
    config["sources"] = {
        name: dict(src, inputs=[str(root / "in" / p) for p in src["inputs"]]) for name, src in CONFIG["sources"].items()
    }
    cfg = root / f"{fmt}.yaml"
    cfg.write_text(yaml.safe_dump(config))
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        code = main(["run", str(cfg), "--workers", "1", *[a for o in overrides for a in ("--set", o)]])
    if code != 0:
        raise RuntimeError(f"pajama run exited {code}")
    version = next((o.split("=", 1)[1] for o in overrides if o.startswith("version=")), "1.0.0")
    return root / "out" / "tiny" / version


@pytest.fixture(scope="session")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny 1.0.0, jsonl.zst shards."""
    return build_release(tmp_path_factory.mktemp("jsonl"), "jsonl.zst")


@pytest.fixture(scope="session")
def parquet_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny 1.0.0, Parquet shards."""
    return build_release(tmp_path_factory.mktemp("parquet"), "parquet")


@pytest.fixture(scope="session")
def other_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny 1.0.0 again, but with 3 shards: the same version number over other data."""
    return build_release(tmp_path_factory.mktemp("other"), "jsonl.zst", "shards=3")


@pytest.fixture(scope="session")
def next_release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tiny 1.1.0 (3 shards), the parent's successor."""
    return build_release(tmp_path_factory.mktemp("next"), "jsonl.zst", "shards=3", "version=1.1.0", "parent=1.0.0")


@pytest.fixture
def file_server(tmp_path: Path) -> Iterator[FileServer]:
    root = tmp_path / "www"
    root.mkdir()
    with FileServer(root) as server:
        yield server


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[FakeHub]:
    """A loopback Hub that stores every file as a regular git file (no LFS: with hf_xet installed, LFS
    uploads go through Xet storage, which this server does not speak). The LFS path is covered by the
    subprocess test that sets HF_HUB_DISABLE_XET."""
    with FakeHub(lfs_threshold=1 << 40) as server:
        monkeypatch.setenv("HF_ENDPOINT", server.url)
        monkeypatch.setenv("HF_TOKEN", server.token)
        monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
        monkeypatch.setenv("HF_XET_CACHE", str(tmp_path / "xet"))  # hf_xet's logs, not in ~/.cache
        yield server


def release_files(folder: Path) -> dict[str, bytes]:
    """Every file below `folder` (hidden ones excepted) by relative path."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    }
