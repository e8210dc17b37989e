"""Smoke test of the benchmark suite: it runs end to end at a toy size and writes valid results (no timing asserts)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import orjson
import pyarrow.parquet as pq
import pytest

REPO = Path(__file__).resolve().parents[2]
STAGES = "read_jsonl,lid,filters_c4,signatures,clustering,shard_write,tokenize_count,e2e"
SIZE, SAMPLE = 400, 150


@pytest.fixture(scope="module")
def suite_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    root = tmp_path_factory.mktemp("bench")
    cmd = [sys.executable, "-m", "benchmarks", "--size", str(SIZE), "--sample", str(SAMPLE), "--pages", "4",
           "--text", "samples", "--work", str(root / "work"), "--out", str(root / "out"), "--stages", STAGES,
           "--no-profile"]  # fmt: skip
    proc = subprocess.run(cmd, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return root, json.loads((root / "out" / "results.json").read_text())


def test_every_stage_reports_rates_and_memory(suite_run: tuple[Path, dict]) -> None:
    _, results = suite_run
    assert [s["name"] for s in results["stages"]] == STAGES.split(",")
    for row in results["stages"]:
        assert row["wall_s"] > 0 and row["cpu_s"] > 0, row
        assert row["docs_per_s_per_core"] > 0 and row["peak_rss_mb"] > 0, row


def test_document_counts_match_the_corpus(suite_run: tuple[Path, dict]) -> None:
    _, results = suite_run
    corpus = Path(results["corpus"]["folder"])
    lines = [orjson.loads(line) for p in sorted((corpus / "docs").glob("*.jsonl")) for line in p.open("rb")]
    assert len(lines) == SIZE and len({d["id"] for d in lines}) == SIZE
    rows = {s["name"]: s for s in results["stages"]}
    assert rows["read_jsonl"]["documents"] == SIZE
    assert rows["lid"]["documents"] == rows["filters_c4"]["documents"] == rows["tokenize_count"]["documents"] == SAMPLE
    assert rows["signatures"]["documents"] == SIZE


def test_dedup_is_scored_against_every_planted_pair(suite_run: tuple[Path, dict]) -> None:
    _, results = suite_run
    truth = pq.read_table(Path(results["corpus"]["folder"]) / "truth.parquet").to_pylist()
    copies = [r for r in truth if r["dup"]]
    assert copies, "the toy corpus should have planted duplicates"
    pairs = next(s for s in results["stages"] if s["name"] == "clustering")["quality"]["pairs"]
    assert pairs.get("exact", 0) + pairs.get("near", 0) == len(copies)


def test_end_to_end_accounts_for_every_record(suite_run: tuple[Path, dict]) -> None:
    _, results = suite_run
    run = next(s for s in results["stages"] if s["name"] == "e2e")["run"]
    assert run["records"] == SIZE
    removed = sum(run["dropped_by_stage"].values()) + sum(run["dedup_removed"].values())
    assert run["kept"] + removed == SIZE
    assert run["tokens"] > run["kept"]


def test_markdown_has_a_row_per_stage_and_the_targets(suite_run: tuple[Path, dict]) -> None:
    root, results = suite_run
    md = (root / "out" / "results.md").read_text()
    for row in results["stages"]:
        assert f"| {row['stage']} | {row['documents']:,} |" in md
    assert "## Targets" in md and "signatures >= 5,000 docs/s per core" in md


def test_truth_scoring_counts_found_missed_and_outside_pairs() -> None:
    sys.path.insert(0, str(REPO))
    from benchmarks import truth

    rows = [
        {"id": "a", "dup": "", "dup_of": None, "jaccard": 1.0},
        {"id": "b", "dup": "exact", "dup_of": "a", "jaccard": 1.0},
        {"id": "c", "dup": "near", "dup_of": "a", "jaccard": 0.95},
        {"id": "d", "dup": "", "dup_of": None, "jaccard": 1.0},
        {"id": "e", "dup": "near", "dup_of": "d", "jaccard": 0.82},
        {"id": "x", "dup": "", "dup_of": None, "jaccard": 1.0},
    ]
    score = truth.score(rows, removed={"b", "d", "x"})
    assert score["recall"]["exact"] == 1.0  # b removed
    assert score["recall"]["near"] == 0.5  # (c, a) both kept; (e, d) one kept
    assert score["expected_removed"] == 3
    assert score["removed_outside_planted"] == 1
    assert score["clusters_left_with_copies"] == 1


def _five_grams(text: str) -> set[tuple[str, ...]]:
    words = "".join(ch if ch.isalnum() else " " for ch in text.lower()).split()
    return {tuple(words[i : i + 5]) for i in range(max(1, len(words) - 4))}


def test_planted_copies_are_what_truth_says(suite_run: tuple[Path, dict]) -> None:
    _, results = suite_run
    corpus = Path(results["corpus"]["folder"])
    text = {d["id"]: d["text"] for p in (corpus / "docs").glob("*.jsonl") for d in map(orjson.loads, p.open("rb"))}
    truth = pq.read_table(corpus / "truth.parquet").to_pylist()
    assert {"good", "foreign", "short", "boilerplate"} <= {r["kind"] for r in truth}
    for r in truth:
        if r["dup"] == "exact":
            assert " ".join(text[r["id"]].split()) == " ".join(text[r["dup_of"]].split())
        elif r["dup"] == "near":
            a, b = _five_grams(text[r["id"]]), _five_grams(text[r["dup_of"]])
            assert text[r["id"]] != text[r["dup_of"]]
            assert len(a & b) / len(a | b) >= 0.75, r
