"""The benchmark suite: build the corpus, run every stage in its own process, write results.json and results.md.

    python -m benchmarks --size 100000            (`make bench`)

Stages on every document of the corpus: read_jsonl, signatures, clustering, spine, shard_write, e2e.
Per-document stages (throughput does not depend on corpus size) on the first --sample documents:
lid, the filter presets, tokenization; extraction on the corpus's --pages real HTML pages.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from benchmarks import e2e, measure, planted, profiling, report
from benchmarks.stagekit import STAGES


@dataclass
class Settings:
    size: int
    sample: int = 10_000
    pages: int = 400
    workers: int = 2
    text: str = "auto"
    seed: int = 0
    work: Path = Path("/tmp/pajama-bench")
    out: Path = Path("benchmarks/out")
    stages: tuple[str, ...] = tuple(STAGES)
    profile: bool = True


def run_stage(name: str, corpus: Path, s: Settings) -> dict[str, Any]:
    """One stage, measured in a fresh process; the row of the results table."""
    load = os.getloadavg()[0]
    if name == "e2e":
        row = e2e.run(corpus, s.work, workers=s.workers)
    elif name == "spine":
        row = spine(corpus, s.work)
    else:
        docs = s.sample if STAGES[name].covers == "sample" else None
        args = [name, str(corpus), "--workers", str(s.workers), "--work", str(s.work)]
        m = measure.python("benchmarks.stages", *args, *(["--docs", str(docs)] if docs else []))
        row = m.last_json()
        row["peak_rss_mb"] = max(m.peak_rss_mb, row.pop("own_peak_rss_mb", 0.0))
        row["peak_tree_rss_mb"] = max(m.peak_tree_rss_mb, row["peak_rss_mb"])
        row.setdefault("workers", 1)
    row["stage"], row["name"] = STAGES[name].label, name
    row["load_average"] = [round(load, 2), round(os.getloadavg()[0], 2)]  # at the start and at the end
    return report.derive(row)


def spine(corpus: Path, work: Path) -> dict[str, Any]:
    """bench_spine (the lead's spine benchmark) on this corpus, one worker, through its --dir option."""
    root = work / f"spine-bench-{corpus.name}"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    (root / "in").symlink_to(corpus / "docs")
    try:
        m = measure.python("benchmarks.bench_spine", "--workers", "1", "--dir", str(root))
    finally:
        shutil.rmtree(root, ignore_errors=True)
    r = m.last_json()
    # no cpu_s: the child's CPU time includes start-up and imports; shard_write has the spine's CPU time
    return {
        "documents": r["records"],
        "MB": r["MB_per_s"] * r["wall_s"],
        "wall_s": r["wall_s"],
        "cpu_s": None,
        "workers": 1,
        "peak_rss_mb": m.peak_rss_mb,
        "peak_tree_rss_mb": m.peak_tree_rss_mb,
        "bench_spine": r,
    }


def environment() -> dict[str, Any]:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=measure.REPO)
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "cpu_model": _cpu_model(),
        "python": platform.python_version(),
        "commit": commit.stdout.strip(),
        "load_average_start": [round(x, 2) for x in os.getloadavg()],
    }


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            return next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        return platform.processor()


def run(s: Settings) -> dict[str, Any]:
    """The whole suite; writes <out>/results.json and results.md and returns the results."""
    env = environment()
    corpus = planted.build(s.work, s.size, seed=s.seed, text=s.text, pages=s.pages)
    results: dict[str, Any] = {
        "environment": env,
        "settings": {"size": s.size, "sample": s.sample, "pages": s.pages, "workers": s.workers, "seed": s.seed},
        "corpus": {"folder": str(corpus), **json.loads((corpus / "corpus.json").read_text())},
        "stages": [],
    }
    for name in s.stages:
        if name == "clustering" and "signatures" not in s.stages:
            continue  # clustering reads the signatures stage's feature files
        print(f"[bench] {name} ...", flush=True)
        results["stages"].append(run_stage(name, corpus, s))
        print(f"[bench] {report.one_line(results['stages'][-1])}", flush=True)
    env["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    engines = s.out / "engines.json"
    if engines.exists():
        results["engines"] = json.loads(engines.read_text())
    results["targets"] = report.targets(results)
    if s.profile and results["stages"]:
        results["profiles"] = profiles(results, corpus, s)
    report.write(results, s.out)
    return results


def profiles(results: dict[str, Any], corpus: Path, s: Settings) -> list[dict[str, Any]]:
    """Profile the slowest per-document stage, every stage that misses its target, and (when the suite ran
    it) the end-to-end run with one worker on the first --sample documents."""
    wanted = [report.slowest(results["stages"])] + [t["stage_name"] for t in results["targets"] if t["met"] is False]
    out = []
    for name in dict.fromkeys(n for n in wanted if n in set(STAGES) - {"e2e", "spine"}):
        print(f"[bench] profiling {name} ...", flush=True)
        docs = min(s.sample, 5000) if STAGES[str(name)].covers == "sample" or name == "signatures" else None
        out.append(profiling.profile_stage(str(name), corpus, s.work, s.out, docs=docs))
    if "e2e" in s.stages:
        print("[bench] profiling e2e ...", flush=True)
        small = planted.build(s.work, min(s.size, s.sample), seed=s.seed, text=s.text, pages=s.pages)
        out.append(profiling.profile_e2e(small, s.work, s.out))
    return out
