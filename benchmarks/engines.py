"""The engine benchmark: the same end-to-end job on the local engine, Beam DirectRunner and Spark local[N].

    python -m benchmarks engines --size 100000 [--engines local,beam,spark] [--repeat 2]

Writes <out>/engines.json and engines.md: wall time, CPU time, peak memory (largest process and the
whole process tree, which for Spark includes the JVM) and whether every engine made the same release
(equal release digests). With --repeat N the engines run N rounds in turn and each reports its fastest
round: on a machine shared with other work, the minimum is the least disturbed measurement. CPU time
(all processes) is reported beside wall time because it depends far less on that other work.
The suite's results.md picks engines.json up for the Spark target.
"""

from __future__ import annotations

import json
from typing import Any

from benchmarks import e2e, planted, report
from benchmarks.suite import Settings


def run(s: Settings, engines: list[str], repeat: int = 1) -> list[dict[str, Any]]:
    corpus = planted.build(s.work, s.size, seed=s.seed, text=s.text, pages=s.pages)
    rounds: dict[str, list[dict[str, Any]]] = {e: [] for e in engines}
    for _ in range(repeat):
        for engine in engines:
            print(f"[bench] end to end on {engine} ...", flush=True)
            try:
                row = report.derive(e2e.run(corpus, s.work, engine=engine, workers=s.workers))
                print(f"[bench] {report.one_line(row)}, load {row['load_average']}", flush=True)
            except RuntimeError as e:  # a failed engine is a result too
                row = {"engine": engine, "stage": f"end to end ({engine})", "error": str(e)[-2000:]}
                print(f"[bench] {engine} failed: {row['error']}", flush=True)
            rounds[engine].append(row)
    rows = [best(r) for r in rounds.values()]
    s.out.mkdir(parents=True, exist_ok=True)
    (s.out / "engines.json").write_text(json.dumps(rows, indent=1) + "\n")
    (s.out / "engines.md").write_text(markdown(rows, s.size))
    return rows


def best(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The fastest finished round, with every round's wall time and load; the error if none finished."""
    ok = [r for r in rounds if "error" not in r]
    if not ok:
        return rounds[-1]
    row = dict(min(ok, key=lambda r: r["wall_s"]))
    row["rounds"] = [{"wall_s": r["wall_s"], "cpu_s": r["cpu_s"], "load_average": r["load_average"]} for r in ok]
    return row


def markdown(rows: list[dict[str, Any]], size: int) -> str:
    ok = [r for r in rows if "error" not in r]
    local = next((r for r in ok if r["engine"] == "local"), None)
    digests = {r["run"]["release_digest"] for r in ok}
    lines = [
        f"# Engines: the end-to-end job on {size:,} documents",
        "",
        "| engine | wall s | vs local | CPU s | CPU vs local | peak RSS MB (largest process / all) | rounds (wall s) |",
        "|---|---:|---:|---:|---:|---:|---|",
    ]
    for r in ok:
        wall = f"{r['wall_s'] / local['wall_s']:.2f}x" if local else "-"
        cpu = f"{r['cpu_s'] / local['cpu_s']:.2f}x" if local else "-"
        rounds = ", ".join(f"{x['wall_s']:.0f} (load {x['load_average'][0]})" for x in r["rounds"])
        lines.append(
            f"| {r['engine']} | {r['wall_s']:.1f} | {wall} | {r['cpu_s']:.1f} | {cpu} "
            f"| {r['peak_rss_mb']:,.0f} / {r['peak_tree_rss_mb']:,.0f} | {rounds} |"
        )
    lines += [
        f"| {r['engine']} | failed: {r['error'].splitlines()[-1][:200]} | | | | | |" for r in rows if "error" in r
    ]
    same = "the same release digest" if len(digests) == 1 else f"DIFFERENT release digests: {sorted(digests)}"
    lines += ["", f"Engines that finished made {same}. Load: 1-minute load average at the start of a round."]
    return "\n".join(lines) + "\n"
