"""Spine throughput: read -> (no filters) -> write on N records of the planted corpus, per worker.

    python -m benchmarks.bench_spine --records 1000000 --workers 1
Reports records/s per worker, MB/s and peak RSS of the worker processes (target: >= 25,000 records/s per
worker, < 500 MB per worker).
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

import yaml

from benchmarks import planted


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=200_000)
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--format", default="jsonl.zst")
    ap.add_argument("--dir", default=None, help="work folder (default: a temp folder, removed after)")
    args = ap.parse_args()
    root = Path(args.dir or tempfile.mkdtemp(prefix="pajama-bench-"))
    data = root / "in"
    if not data.exists():  # the suite links its corpus's docs/ here; standalone, build the planted corpus
        t = time.perf_counter()
        corpus = planted.build(root / "corpus", args.records, pages=0)
        data.symlink_to(corpus / "docs")
        print(f"corpus: {args.records:,} records in {time.perf_counter() - t:.1f}s ({corpus})")
    config = {
        "dataset": "bench",
        "version": "1.0.0",
        "output": str(root / "out"),
        "shards": 8,
        "format": args.format,
        "report": False,
        "sources": {"docs": {"reader": "jsonl", "inputs": [str(data / "*.jsonl")]}},
    }
    cfg = root / "bench.yaml"
    cfg.write_text(yaml.safe_dump(config))
    from pajama.build import config as config_mod
    from pajama.build import plan as plan_mod
    from pajama.build.driver import run
    from pajama.jobs.local import LocalExecutor

    plan = plan_mod.build(config_mod.load(cfg))
    t = time.perf_counter()
    manifest = run(plan, LocalExecutor(workers=args.workers), fresh=True, overwrite=True)
    wall = time.perf_counter() - t
    in_bytes = sum(i["bytes"] for i in manifest["inputs"])
    kept = manifest["sources"]["docs"]["kept"]
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    result = {
        "stage": "spine read->write",
        "records": kept,
        "workers": args.workers,
        "wall_s": round(wall, 2),
        "records_per_s_per_worker": round(kept / wall / args.workers),
        "MB_per_s": round(in_bytes / wall / 1e6, 1),
        "peak_rss_mb": round(max(own, children)),
    }
    print(json.dumps(result))
    if args.dir is None:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
