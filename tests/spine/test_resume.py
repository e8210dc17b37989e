"""A run killed with SIGKILL part-way, then rerun, gives the same release as an uninterrupted run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from .helpers import data_bytes, manifest, pajama, write_config, write_corpus


def _count(folder: Path, pattern: str) -> int:
    return len(list(folder.rglob(pattern))) if folder.exists() else 0


def _kill_when(cmd: list[str], work: Path, pattern: str, at_least: int, timeout: float = 120) -> bool:
    """Start `pajama run`, SIGKILL it once `at_least` files matching `pattern` exist under work; True if killed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "pajama", *cmd],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                return False
            if _count(work, pattern) >= at_least:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
                return True
            time.sleep(0.005)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    return False


@pytest.fixture(scope="module")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("resume") / "in"
    write_corpus(folder, files=12, per_file=150)
    return folder


@pytest.fixture(scope="module")
def reference(corpus_dir: Path) -> Path:
    out = corpus_dir.parent / "ref"
    cfg = write_config(corpus_dir.parent / "ref.yaml", [str(corpus_dir / "*")], out)
    pajama("run", str(cfg), "--workers", "2", check=True)
    return out / "t/1.0.0"


@pytest.mark.parametrize(
    ("phase", "pattern", "at_least"), [("map", "map/*/*/result.json", 3), ("write", "write/*/*.json", 1)]
)
def test_sigkill_then_rerun_gives_identical_release(
    corpus_dir: Path, reference: Path, tmp_path: Path, phase: str, pattern: str, at_least: int
) -> None:
    out = tmp_path / "out"
    cfg = write_config(tmp_path / "c.yaml", [str(corpus_dir / "*")], out)
    work = out / ".pajama-work"
    killed = _kill_when(["run", str(cfg), "--workers", "1"], work, pattern, at_least)
    if not killed:
        pytest.skip(f"the run finished before it could be killed in the {phase} phase")
    release = out / "t/1.0.0"
    assert not (release / "manifest.json").exists()
    from pajama.shardio import read_shard

    for f in release.rglob("*.jsonl.zst"):  # no partial file carries a final name: each one reads whole
        if not f.name.startswith("."):
            assert sum(1 for _ in read_shard(str(f))) >= 0
    pajama("run", str(cfg), "--workers", "2", check=True)
    assert manifest(release)["release_digest"] == manifest(reference)["release_digest"]
    assert data_bytes(release) == data_bytes(reference)
    for key in ("sources", "inputs", "stages", "licenses"):
        assert manifest(release)[key] == manifest(reference)[key]
