"""The same config under CPU load (two busy loops beside it, as `stress` would) decides every record as an
idle run does: equal release_digest and outcome_digest (rejected/ and signals/ included)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from examples.samples import web
from tests.load import busy_cores


def _run(tmp: Path, out: str) -> dict[str, Any]:
    config = {
        "dataset": "w", "version": "1.0.0", "output": str(tmp / out), "shards": 2, "rejected": True,
        "signals": "separate",
        "sources": {"web": {"reader": "warc", "inputs": [str(tmp / "web" / "sample.warc.gz")],
                            "filters": ["gopher_quality", "gopher_repetition", "c4", "fineweb"]}},
        "dedup": {"exact": True, "minhash": True},
    }  # fmt: skip
    (tmp / f"{out}.yaml").write_text(yaml.safe_dump(config))
    proc = subprocess.run(
        [sys.executable, "-m", "pajama", "run", str(tmp / f"{out}.yaml"), "--workers", "2"],
        capture_output=True, text=True, check=False, timeout=600,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads((tmp / out / "w" / "1.0.0" / "manifest.json").read_text())


def test_a_loaded_machine_makes_the_same_release(tmp_path: Path) -> None:
    web.build(tmp_path)
    idle = _run(tmp_path, "idle")
    with busy_cores():
        loaded = _run(tmp_path, "loaded")
    assert loaded["release_digest"] == idle["release_digest"]
    assert loaded["outcome_digest"] == idle["outcome_digest"]
    assert {s["kind"] for s in idle["shards"]} >= {"data", "rejected", "signals"}
    assert idle["reproducible"] and loaded["reproducible"]
    diff = subprocess.run(
        [sys.executable, "-m", "pajama", "manifest", "diff", str(tmp_path / "idle/w/1.0.0"),
         str(tmp_path / "loaded/w/1.0.0")], capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "outcome: identical" in diff


def test_diff_tells_apart_runs_that_differ_only_in_rejected(tmp_path: Path) -> None:
    from pajama.manifests.builder import outcome_digest, release_digest

    a = [{"kind": "data", "path": "data/x/part-0", "sha256": "1" * 64},
         {"kind": "rejected", "path": "rejected/x/part-0", "sha256": "2" * 64}]  # fmt: skip
    b = [a[0], dict(a[1], sha256="3" * 64)]
    assert release_digest(a) == release_digest(b) and outcome_digest(a) != outcome_digest(b)
