"""Rates, targets and the results files (results.json, results.md) of the benchmark suite.

Rates: documents/s is documents over wall time (with the stage's workers); documents/s per core is
documents over CPU seconds of the stage's processes, which holds on a shared machine where wall time
does not. MB/s is the stage's input megabytes over wall time.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

DEDUP_1M = {"wall_s": 15 * 60, "memory_mb": 4096}
SPARK_RATIO = 1.5
SPINE = (25_000, "spine >= 25,000 records/s per worker")
PER_CORE_TARGETS = {  # stage name: (documents/s per core, what the target is)
    "filters_gopher": (2_000, "gopher preset >= 2,000 docs/s per core"),
    "filters_c4": (2_000, "c4 preset >= 2,000 docs/s per core"),
    "filters_fineweb": (2_000, "fineweb preset >= 2,000 docs/s per core"),
    "signatures": (5_000, "signatures >= 5,000 docs/s per core"),
}


def derive(row: dict[str, Any]) -> dict[str, Any]:
    docs, wall, cpu = row["documents"], row["wall_s"], row["cpu_s"]
    row["docs_per_s"] = docs / wall if wall else None
    row["docs_per_s_per_core"] = docs / cpu if cpu else None
    row["MB_per_s"] = row["MB"] / wall if wall else None
    if "map_phase" in row:  # shard_write: the whole spine (map + write phases, one worker in-process)
        row["spine_docs_per_s_per_core"] = docs / (row["map_phase"]["cpu_s"] + cpu)
    return row


def one_line(row: dict[str, Any]) -> str:
    return (
        f"{row['stage']}: {row['documents']:,} docs, {row['wall_s']:.1f}s wall, {_num(row['cpu_s'], 1)}s CPU, "
        f"{_num(row['docs_per_s_per_core'])} docs/s per core, peak RSS {row['peak_rss_mb']:.0f} MB"
    )


def slowest(stages: list[dict[str, Any]]) -> str | None:
    """The per-document stage with the lowest documents/s per core."""
    rated = [s for s in stages if s["name"] not in ("e2e", "spine") and s.get("docs_per_s_per_core")]
    return min(rated, key=lambda s: s["docs_per_s_per_core"])["name"] if rated else None


def targets(results: dict[str, Any]) -> list[dict[str, Any]]:
    """Each target of issue 14 with the measured value and whether it is met (None: not measured here)."""
    rows = {s["name"]: s for s in results["stages"]}
    out = [spine_target(rows)]
    for name, (target, what) in PER_CORE_TARGETS.items():
        value = rows[name]["docs_per_s_per_core"] if name in rows else None
        met = None if value is None else value >= target
        out.append({"target": what, "stage_name": name, "value": value, "met": met})
    out.append(dedup_target(rows, results["settings"]["size"]))
    out.append(spark_target(results.get("engines")))
    return out


def spine_target(rows: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per core from the shard_write stage's CPU time (map + write phases); bench_spine's wall-time rate beside it."""
    target, what = SPINE
    if "shard_write" not in rows:
        return {"target": what, "stage_name": "shard_write", "value": None, "met": None}
    rate = rows["shard_write"]["spine_docs_per_s_per_core"]
    value = f"{rate:,.0f} per CPU-second"
    if "spine" in rows:
        value += f" (bench_spine, wall time: {rows['spine']['bench_spine']['records_per_s_per_worker']:,} per worker)"
    return {"target": what, "stage_name": "shard_write", "value": value, "met": rate >= target}


def dedup_target(rows: dict[str, dict[str, Any]], size: int) -> dict[str, Any]:
    what = "1M-document dedup < 15 min and < 4 GB"
    if "signatures" not in rows or "clustering" not in rows:
        return {"target": what, "stage_name": "clustering", "value": None, "met": None}
    wall = rows["signatures"]["wall_s"] + rows["clustering"]["wall_s"]
    memory = max(rows[n].get("peak_tree_rss_mb", rows[n]["peak_rss_mb"]) for n in ("signatures", "clustering"))
    measured = size >= 1_000_000
    value = f"{wall / 60:.1f} min, {memory:,.0f} MB at {size:,} documents"
    if not measured:
        value += f" (linear projection to 1M: {wall * 1e6 / size / 60:.1f} min; run --size 1000000 to measure)"
    met = wall <= DEDUP_1M["wall_s"] and memory <= DEDUP_1M["memory_mb"] if measured else None
    return {"target": what, "stage_name": "clustering", "value": value, "met": met}


def spark_target(engines: list[dict[str, Any]] | None) -> dict[str, Any]:
    what = f"Spark local[2] within {SPARK_RATIO}x of the local engine (wall time)"
    by = {e["engine"]: e for e in engines or []}
    if "spark" not in by or "local" not in by:
        return {"target": what, "stage_name": None, "value": "run `python -m benchmarks engines`", "met": None}
    ratio = by["spark"]["wall_s"] / by["local"]["wall_s"]
    cpu = by["spark"]["cpu_s"] / by["local"]["cpu_s"]
    value = f"{ratio:.2f}x wall, {cpu:.2f}x CPU (engines.md)"
    return {"target": what, "stage_name": None, "value": value, "met": ratio <= SPARK_RATIO}


def _num(x: float | None, digits: int = 0) -> str:
    return "-" if x is None else f"{x:,.{digits}f}"


def table(stages: list[dict[str, Any]]) -> list[str]:
    head = "| stage | documents | MB | wall s | docs/s | docs/s per core | MB/s | peak RSS MB | workers | load |"
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in stages:
        rss = _num(r["peak_rss_mb"])
        if r.get("peak_tree_rss_mb", 0) > r["peak_rss_mb"] * 1.2:
            rss += f" ({_num(r['peak_tree_rss_mb'])} all processes)"
        lines.append(
            f"| {r['stage']} | {r['documents']:,} | {_num(r['MB'], 1)} | {_num(r['wall_s'], 1)} "
            f"| {_num(r['docs_per_s'])} | {_num(r['docs_per_s_per_core'])} | {_num(r['MB_per_s'], 1)} | {rss} "
            f"| {r.get('workers', 1)} | {r.get('load_average', ['-'])[0]} |"
        )
    return lines


def markdown(results: dict[str, Any]) -> str:
    env, st, corpus = results["environment"], results["settings"], results["corpus"]
    lines = [
        f"# pajama benchmark: {st['size']:,} documents",
        "",
        f"{env['date']} · {env['cpus']} CPUs ({env['cpu_model']}) · Python {env['python']} · commit {env['commit']}"
        f" · load average {env['load_average_start'][0]} at start, {env.get('load_average_end', ['?'])[0]} at end",
        "",
        f"Corpus: {corpus['documents']:,} documents, {corpus['MB']} MB of JSONL from {corpus['origin']}; "
        f"originals by kind {corpus['originals_by_kind']}; duplicates {corpus['duplicates']}. Per-document "
        f"stages ran on the first {st['sample']:,} documents, extraction on {corpus['web_pages']} real HTML pages.",
        "",
        *table(results["stages"]),
        "",
        "docs/s: documents / wall seconds with the stage's workers. docs/s per core: documents / CPU seconds of "
        "all the stage's processes (robust to other load on the machine). MB: the stage's input. peak RSS: the "
        "largest process (all processes of the stage when larger). load: 1-minute load average at the stage's start.",
        "",
        "## Targets",
        "",
        "| target | measured | met |",
        "|---|---|---|",
    ]
    for t in results["targets"]:
        value = _num(t["value"]) if isinstance(t["value"], float | int) else (t["value"] or "not measured")
        lines.append(f"| {t['target']} | {value} | {'-' if t['met'] is None else 'yes' if t['met'] else 'NO'} |")
    lines += quality(results["stages"])
    for p in results.get("profiles", []):
        lines += ["", f"## Profile: {p['stage']} ({p['file']})", ""]
        lines += [f"- {f['share']:.0%} {f['where']}" for f in p["by_file"][:6]]
    return "\n".join(lines) + "\n"


def quality(stages: list[dict[str, Any]]) -> list[str]:
    """What the filters dropped by true kind, and how dedup did against the planted duplicates."""
    lines = ["", "## What the stages decided", ""]
    for r in stages:
        if "dropped_by_kind" in r:
            kinds = ", ".join(f"{k} {v:.0%}" for k, v in r["dropped_by_kind"].items())
            lines.append(f"- {r['stage']}: dropped {kinds}")
        if "quality" in r:
            q = r["quality"]
            lines.append(
                f"- {r['stage']}: recall {q['recall']} over {q['pairs']} planted pairs; removed "
                f"{q['removed']:,} (expected {q['expected_removed']:,}), {q['removed_outside_planted']} "
                f"outside planted clusters"
            )
        if "run" in r:
            lines.append(f"- {r['stage']}: {json.dumps({k: v for k, v in r['run'].items() if k != 'release_digest'})}")
    return lines


def write(results: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    (out / "results.md").write_text(markdown(results))
