"""Without a terminal a run logs each phase and its inputs (done/total, documents, rate, ETA), and the
manifest records per-phase and per-input wall and CPU time outside the digest (issue 23, item 6)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from .helpers import manifest, write_config, write_corpus


def _run(cfg: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore", PAJAMA_PROGRESS_INTERVAL="0")
    return subprocess.run(
        [sys.executable, "-m", "pajama", "run", str(cfg), "--workers", "1", *args],
        capture_output=True, text=True, env=env, timeout=300, stdin=subprocess.DEVNULL,
    )  # fmt: skip


def test_log_lines_per_phase_and_input_and_timing_in_the_manifest(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", files=3, per_file=10)
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out", dedup={"exact": True})
    proc = _run(cfg)
    assert proc.returncode == 0, proc.stderr
    log = proc.stderr.splitlines()
    assert "read: 3 inputs (0 already done)" in log
    reads = [line for line in log if re.match(r"read: \d/3 inputs, [\d,]+ documents, [\d,]+ docs/s, .*ETA", line)]
    assert [line.split()[1] for line in reads] == ["1/3", "2/3", "3/3"]  # one line per input at interval 0
    assert any(line.startswith("dedup: resolving duplicates among 30 documents") for line in log)
    assert any(line.startswith("dedup: done in") for line in log)
    assert any(re.match(r"write: 3/3 shards, [\d,]+ documents", line) for line in log)
    m = manifest(tmp_path / "out/t/1.0.0")
    timing = m["engine"]["timing"]
    assert set(timing["phases"]) == {"read", "dedup", "write"}
    assert all(p["wall_s"] >= 0 and p["cpu_s"] >= 0 for p in timing["phases"].values())
    assert sorted(i["name"] for i in timing["inputs"]) == sorted(i["name"] for i in m["inputs"])
    assert sum(i["cpu_s"] for i in timing["inputs"]) > 0
    assert all("wall_s" not in i for i in m["inputs"])  # the inputs' data rows stay as they were
    # a second run: other times, the same digest, and diff sees no change in the data
    again = _run(cfg, "--output", str(tmp_path / "out2"))
    assert again.returncode == 0
    m2 = manifest(tmp_path / "out2/t/1.0.0")
    assert m2["release_digest"] == m["release_digest"]
    pair = [str(tmp_path / "out/t/1.0.0"), str(tmp_path / "out2/t/1.0.0")]
    diff = subprocess.run(
        [sys.executable, "-m", "pajama", "manifest", "diff", *pair], capture_output=True, text=True, timeout=120
    )
    assert diff.returncode == 0 and "identical" in diff.stdout, diff.stdout
