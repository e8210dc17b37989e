"""End to end: `pajama run` on the corpus with language id, the three filter presets, exact + MinHash dedup
and GPT-2 tokenization (counts and Megatron token shards), on the local engine, Apache Beam's DirectRunner
or Spark local[2]: the same config, the same release digest expected from each.

    python -m benchmarks engines --size 100000
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path
from typing import Any

import yaml

from benchmarks import measure

ENGINES = {
    "local": ["--engine", "local"],
    "beam": ["--engine", "beam", "--engine-opt", "runner=DirectRunner"],
    "spark": ["--engine", "spark", "--engine-opt", "master=local[{workers}]"],
}
FILTERS: list[Any] = [{"language": {"keep": ["en"], "min_score": 0.65}}, "gopher", "c4", "fineweb"]


def write_config(corpus: Path, root: Path, *, tokenizer: str = "gpt2") -> Path:
    """The end-to-end config for `corpus`, releasing into root/out; returns its path."""
    config = {
        "dataset": "bench",
        "version": "1.0.0",
        "output": str(root / "out"),
        "work_dir": str(root / "work"),
        "format": "jsonl.zst",
        "shards": 8,
        "sources": {"web": {"reader": "jsonl", "inputs": [str(corpus / "docs" / "*.jsonl")], "filters": FILTERS}},
        "dedup": {"exact": {}, "minhash": {"threshold": 0.8}},
        "tokenizer": tokenizer,
        "tokens": {"write": True},
    }
    root.mkdir(parents=True, exist_ok=True)
    path = root / "e2e.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def summarize(manifest: dict[str, Any]) -> dict[str, Any]:
    """What the run did, from its manifest: counts per stage, dedup removals, tokens, the release digest."""
    stages = {s["name"]: sum(s.get("dropped", {}).values()) for s in manifest.get("stages", [])}
    dedup = manifest.get("dedup") or {}
    return {
        "records": sum(i["records"] for i in manifest["inputs"]),
        "kept": sum(s["kept"] for s in manifest["sources"].values()),
        "dropped_by_stage": stages,
        "dedup_removed": dedup.get("removed_by_reason", {}),
        "tokens": sum(int(s.get("tokens") or 0) for s in manifest["shards"]),
        "release_digest": manifest["release_digest"],
        "manifest_duration_s": manifest.get("duration_seconds"),
    }


def run(
    corpus: Path, work: Path, *, engine: str = "local", workers: int = 2, tokenizer: str = "gpt2"
) -> dict[str, Any]:
    """One measured `pajama run` of the end-to-end config; the release is removed afterwards."""
    root = work / f"e2e-{corpus.name}-{engine}"
    shutil.rmtree(root, ignore_errors=True)
    config = write_config(corpus, root, tokenizer=tokenizer)
    extra = [a.format(workers=workers) for a in ENGINES[engine]]
    cmd = [sys.executable, "-m", "pajama", "run", str(config), "--workers", str(workers), "--fresh", "--overwrite"]
    load = os.getloadavg()[0]
    m = measure.run(cmd + extra, env={"TOKENIZERS_PARALLELISM": "false"})
    manifest = json.loads(next((root / "out" / "bench").glob("*/manifest.json")).read_text())
    in_mb = sum(i["bytes"] for i in manifest["inputs"]) / 1e6
    shutil.rmtree(root, ignore_errors=True)
    summary = summarize(manifest)
    return {
        "stage": f"end to end ({engine})",
        "engine": engine,
        "documents": summary["records"],
        "MB": in_mb,
        "wall_s": m.wall_s,
        "cpu_s": m.cpu_s,
        "workers": workers,
        "peak_rss_mb": m.peak_rss_mb,
        "peak_tree_rss_mb": m.peak_tree_rss_mb,
        "run": summary,
        "load_average": [round(load, 2), round(os.getloadavg()[0], 2)],
    }
