"""Scores and tables of `python -m benchmarks peers`: dedup precision/recall against the planted truth,
time ratios against pajama, benchmarks/out/peers.json and peers.md.

Precision and recall count removals. A planted cluster (an original and its exact and near copies,
planted or equal by chance: benchmarks/truth.py) of n documents present owes n - 1 removals, any
n - 1 of them. Correct removals are min(removed in the cluster, n - 1) summed over clusters; recall is
correct / owed, precision is correct / all removals (a document removed outside every planted cluster,
or the last member of one, is a wrong removal). Recall per type is truth.score's: copy-original pairs
of which at most one survives.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks import truth


def accuracy(rows: list[dict[str, Any]], removed: set[str]) -> dict[str, Any]:
    root = truth.clusters(rows)
    members = Counter(root.values())
    hit = Counter(root[i] for i in removed if i in root)
    correct = sum(min(hit[r], n - 1) for r, n in members.items())
    owed = sum(n - 1 for n in members.values())
    scored = truth.score(rows, removed)
    return {
        "removed": len(removed),
        "precision": round(correct / len(removed), 4) if removed else 1.0,
        "recall": round(correct / owed, 4) if owed else 1.0,
        "recall_exact": scored["recall"].get("exact"),
        "recall_near": scored["recall"].get("near"),
        "removed_outside_planted": scored["removed_outside_planted"],
    }


def one_line(row: dict[str, Any]) -> str:
    if "skipped" in row or "failed" in row:
        return f"{row['tool']} {row['task']}: " + (row.get("skipped") or "failed: " + row["failed"][-300:])
    line = f"{row['tool']} {row['task']}: {row['wall_s']:.2f}s wall, {row['cpu_s']:.2f}s CPU"
    if "precision" in row:
        line += f", removed {row['removed']}, precision {row['precision']:.3f}, recall {row['recall']:.3f}"
    return line


def summarize(results: list[dict[str, Any]], **context: Any) -> dict[str, Any]:
    """Ratios of every peer's wall and CPU time over pajama's on the same task."""
    ours = {r["task"]: r for r in results if r["tool"] == "pajama" and "wall_s" in r}
    for row in results:
        base = ours.get(row["task"])
        if not row["tool"].startswith("pajama") and base and "wall_s" in row:
            row["ratio_wall"] = round(row["wall_s"] / base["wall_s"], 1)
            row["ratio_cpu"] = round(row["cpu_s"] / base["cpu_s"], 1)
    return {**context, "load_average": round(os.getloadavg()[0], 2), "cpu_count": os.cpu_count(), "tools": results}


def _cell(row: dict[str, Any], key: str, fmt: str) -> str:
    value = row.get(key)
    return format(value, fmt) if isinstance(value, int | float) else "-"


def markdown(summary: dict[str, Any]) -> str:
    lines = [
        f"Peers on {summary['documents']:,} documents (planted exact and near copies), one worker each, whole "
        f"process; MinHash threshold {summary['threshold']}, {summary['lsh']['bands']} bands x "
        f"{summary['lsh']['rows']} rows; load average {summary['load_average']} on {summary['cpu_count']} cores.",
        "",
        "| task | tool | wall s | CPU s | peer / pajama (wall) | peer / pajama (CPU) | removed | precision | recall "
        "| recall exact | recall near |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in summary["tools"]:
        if "wall_s" not in r:
            lines.append(f"| {r['task']} | {r['tool']} | {(r.get('skipped') or 'failed')[:60]} |" + " |" * 9)
            continue
        cells = [
            _cell(r, "wall_s", ".2f"),
            _cell(r, "cpu_s", ".2f"),
            _cell(r, "ratio_wall", ".1f") + "x" * ("ratio_wall" in r),
        ]
        cells += [_cell(r, "ratio_cpu", ".1f") + "x" * ("ratio_cpu" in r), _cell(r, "removed", "d")]
        cells += [_cell(r, k, ".3f") for k in ("precision", "recall", "recall_exact", "recall_near")]
        lines.append(f"| {r['task']} | {r['tool']} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write(summary: dict[str, Any], out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    (out / "peers.json").write_text(json.dumps(summary, indent=1))
    (out / "peers.md").write_text(markdown(summary))
    print(markdown(summary))
    print(f"[peers] wrote {out / 'peers.json'} and {out / 'peers.md'}")
