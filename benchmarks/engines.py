"""The engine benchmark: the same end-to-end job on the local engine, Beam DirectRunner and Spark local[N].

    python -m benchmarks engines --size 100000 [--engines local,beam,spark]

Writes <out>/engines.json and engines.md: wall time, CPU time, peak memory (largest process and the
whole process tree, which for Spark includes the JVM) and whether every engine made the same release
(equal release digests). The suite's results.md picks engines.json up for the Spark target.
"""

from __future__ import annotations

import json
from typing import Any

from benchmarks import e2e, planted, report
from benchmarks.suite import Settings


def run(s: Settings, engines: list[str]) -> list[dict[str, Any]]:
    corpus = planted.build(s.work, s.size, seed=s.seed, text=s.text, pages=s.pages)
    rows = []
    for engine in engines:
        print(f"[bench] end to end on {engine} ...", flush=True)
        try:
            row = report.derive(e2e.run(corpus, s.work, engine=engine, workers=s.workers))
        except RuntimeError as e:  # a failed engine is a result too
            row = {"engine": engine, "stage": f"end to end ({engine})", "error": str(e)[-2000:]}
        rows.append(row)
        print(f"[bench] {report.one_line(row) if 'error' not in row else row['error']}", flush=True)
    s.out.mkdir(parents=True, exist_ok=True)
    (s.out / "engines.json").write_text(json.dumps(rows, indent=1) + "\n")
    (s.out / "engines.md").write_text(markdown(rows, s.size))
    return rows


def markdown(rows: list[dict[str, Any]], size: int) -> str:
    ok = [r for r in rows if "error" not in r]
    local = next((r for r in ok if r["engine"] == "local"), None)
    digests = {r["run"]["release_digest"] for r in ok}
    lines = [
        f"# Engines: the end-to-end job on {size:,} documents",
        "",
        "| engine | wall s | vs local | CPU s | peak RSS MB (largest process) | peak RSS MB (all) | kept | load |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in ok:
        ratio = f"{r['wall_s'] / local['wall_s']:.2f}x" if local else "-"
        lines.append(
            f"| {r['engine']} | {r['wall_s']:.1f} | {ratio} | {r['cpu_s']:.1f} | {r['peak_rss_mb']:,.0f} "
            f"| {r['peak_tree_rss_mb']:,.0f} | {r['run']['kept']:,} | {' -> '.join(map(str, r['load_average']))} |"
        )
    lines += [
        f"| {r['engine']} | failed: {r['error'].splitlines()[-1][:200]} | | | | | |" for r in rows if "error" in r
    ]
    same = "the same release digest" if len(digests) == 1 else f"DIFFERENT release digests: {sorted(digests)}"
    lines += ["", f"Engines that finished made {same}."]
    return "\n".join(lines) + "\n"
