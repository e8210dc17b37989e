"""Where the time goes: cProfile of one stage (or of a whole `pajama run` with one worker), summarized.

    python -m benchmarks profile filters_gopher --size 10000
    python -m benchmarks profile e2e --size 10000

Writes <out>/profile-<stage>.txt: the functions with the most own time (tottime), and own time summed by
source file, so that "trafilatura dominates extraction" or "the regex of the word split" can be read
off directly. cProfile slows pure-Python code more than C code, so shares are indicative.
"""

from __future__ import annotations

import os
import pstats
import shutil
import sys
from pathlib import Path
from typing import Any

from benchmarks import e2e, measure

TOP = 25


def where(file: str, name: str = "") -> str:
    """A short, stable label for a function's source file: the package-relative path, or the builtin."""
    if file == "~" and name == "<built-in method builtins.compile>" and os.environ.get("PYTHONDONTWRITEBYTECODE"):
        return "imports: compiling modules from source (PYTHONDONTWRITEBYTECODE is set here)"
    if file == "~":
        return "builtins (C)"
    for marker in ("site-packages/", "/lib/python3", "/work/main/"):
        if marker in file:
            tail = file.split(marker, 1)[1]
            return tail.split("/", 1)[1] if marker == "/lib/python3" else tail
    return Path(file).name


def summarize(prof: Path, title: str) -> tuple[dict[str, Any], str]:
    """(summary for results.json, text report) of a cProfile stats file."""
    stats = pstats.Stats(str(prof))
    raw: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(v[2] for v in raw.values()) or 1e-9
    functions = sorted(raw.items(), key=lambda kv: kv[1][2], reverse=True)[:TOP]
    top = [
        {
            "function": f"{where(f)}:{line}({name})",
            "calls": v[1],
            "tottime_s": round(v[2], 3),
            "cumtime_s": round(v[3], 3),
            "share": round(v[2] / total, 4),
        }
        for (f, line, name), v in functions
    ]
    by_file: dict[str, float] = {}
    for (f, _, name), v in raw.items():
        label = where(f, name)
        label = f"{label} {name}" if label == "builtins (C)" else label
        by_file[label] = by_file.get(label, 0.0) + v[2]
    files = sorted(by_file.items(), key=lambda kv: kv[1], reverse=True)[:TOP]
    lines = [f"# {title}", f"total own time {total:.2f} s (under cProfile)", "", "## own time by function"]
    lines += [f"{t['share']:7.1%} {t['tottime_s']:9.3f}s {t['calls']:>10} calls  {t['function']}" for t in top]
    lines += ["", "## own time by source file (builtins by name)"]
    lines += [f"{s / total:7.1%} {s:9.3f}s  {label}" for label, s in files]
    summary = {
        "total_s": round(total, 3),
        "top_functions": top[:10],
        "by_file": [{"where": label, "share": round(s / total, 4)} for label, s in files[:10]],
    }
    return summary, "\n".join(lines) + "\n"


def profile_stage(stage: str, corpus: Path, work: Path, out: Path, *, docs: int | None) -> dict[str, Any]:
    """Profile the timed part of one stage of benchmarks.stages in a child process, with one worker so that
    all the work is profiled; `docs` limits the per-document stages (and signatures) to a sample."""
    prof = work / f"profile-{stage}.prof"
    args = [stage, str(corpus), "--workers", "1", "--work", str(work), *(["--docs", str(docs)] if docs else [])]
    row = measure.python("benchmarks.stages", *args, "--profile", str(prof)).last_json()
    return _write(prof, out, stage, f"{stage} on {row['documents']:,} documents of {corpus.name}, 1 worker")


def profile_e2e(corpus: Path, work: Path, out: Path) -> dict[str, Any]:
    """Profile the end-to-end `pajama run` with one worker (the local engine then works in-process)."""
    root = work / f"profile-e2e-{corpus.name}"
    config = e2e.write_config(corpus, root)
    prof = work / "profile-e2e.prof"
    cmd = [sys.executable, "-m", "cProfile", "-o", str(prof), "-m", "pajama", "run", str(config)]
    measure.run([*cmd, "--workers", "1", "--fresh", "--overwrite"], env={"TOKENIZERS_PARALLELISM": "false"})
    shutil.rmtree(root, ignore_errors=True)
    return _write(prof, out, "e2e", f"end to end, 1 worker, {corpus.name}")


def _write(prof: Path, out: Path, stage: str, title: str) -> dict[str, Any]:
    summary, text = summarize(prof, title)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"profile-{stage}.txt").write_text(text)
    return {"stage": stage, "title": title, "file": f"profile-{stage}.txt", **summary}
