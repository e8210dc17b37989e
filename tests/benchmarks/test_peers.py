"""`python -m benchmarks peers`: scoring against the planted truth, skipping absent peers, a toy run of pajama's rows
(no timing asserts: the peers' timings are the benchmark's business)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks import peers, peers_report, planted, truth

REPO = Path(__file__).resolve().parents[2]


def truth_rows() -> list[dict]:
    """a with copies b (exact) and c (near); d with copy e (near); f alone."""
    rows = [
        ("a", "", None),
        ("b", "exact", "a"),
        ("c", "near", "a"),
        ("d", "", None),
        ("e", "near", "d"),
        ("f", "", None),
    ]
    return [{"id": i, "dup": dup, "dup_of": of, "jaccard": 0.9 if dup == "near" else 1.0} for i, dup, of in rows]


def test_accuracy_counts_owed_removals_per_cluster() -> None:
    rows = truth_rows()
    perfect = peers_report.accuracy(rows, {"b", "c", "e"})
    assert (perfect["precision"], perfect["recall"]) == (1.0, 1.0)
    # the whole a-cluster removed (one too many) and f (outside every cluster): 2 of 5 removals wrong
    over = peers_report.accuracy(rows, {"a", "b", "c", "e", "f"})
    assert (over["precision"], over["recall"]) == (0.6, 1.0)
    assert over["removed_outside_planted"] == 1
    # only the exact copy found: 1 of the 3 owed removals
    under = peers_report.accuracy(rows, {"b"})
    assert (under["precision"], under["recall"], under["recall_exact"], under["recall_near"]) == (1.0, 0.3333, 1.0, 0.0)


def test_a_missing_peer_is_skipped(tmp_path: Path) -> None:
    tool = peers.Tool("ghost", "dedup", ".venv-does-not-exist", lambda d, s, lsh: [], None)
    row = peers.run_tool(tool, tmp_path, tmp_path / "scratch", {"bands": 1, "rows": 1}, truth_rows())
    assert "skipped" in row and "wall_s" not in row


def test_pajama_rows_on_a_toy_corpus(tmp_path: Path) -> None:
    cmd = [sys.executable, "-m", "benchmarks", "peers", "--docs", "120", "--only", "pajama", "--text", "samples",
           "--pages", "2", "--repeat", "2", "--work", str(tmp_path / "work"),
           "--out", str(tmp_path / "out")]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    summary = json.loads((tmp_path / "out" / "peers.json").read_text())
    tools = {(r["tool"], r["task"]): r for r in summary["tools"]}
    assert set(tools) == {(t.name, t.task) for t in peers.TOOLS if t.name.startswith("pajama")}
    dedup = tools[("pajama", "dedup")]
    assert dedup["removed"] > 0 and 0 < dedup["precision"] <= 1 and 0 < dedup["recall"] <= 1
    assert dedup["rounds"] == 2  # the fastest of two rounds
    assert "| dedup | pajama |" in (tmp_path / "out" / "peers.md").read_text()


DEDUP_PEERS = [t for t in peers.TOOLS if t.task == "dedup" and t.venv]


@pytest.mark.parametrize("tool", DEDUP_PEERS, ids=[t.name for t in DEDUP_PEERS])
def test_each_installed_dedup_peer_finds_the_planted_copies(tool: peers.Tool, tmp_path: Path) -> None:
    if not tool.python().exists():
        pytest.skip(f"no {tool.venv} (benchmarks/peers_venv.sh)")
    corpus = planted.build(tmp_path / "work", 120, text="samples", pages=2)
    rows = truth.load(corpus)
    row = peers.run_tool(tool, corpus, tmp_path / "scratch", peers.lsh_shape(), rows)
    assert "failed" not in row, row.get("failed")
    assert row["removed"] > 0 and row["recall_exact"] == 1.0 and row["precision"] > 0.5, row
