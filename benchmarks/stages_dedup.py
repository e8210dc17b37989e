"""The dedup and writing stages of the suite (see benchmarks.stages for how stages run).

signatures  pajama.dedup Featurizer (shingles, MinHash signatures, exact hashes, feature Parquet) over
            every document, one corpus file per task in `workers` processes, as the engine's map does
clustering  pajama.dedup resolve() over those feature files (exact, LSH banding, verification,
            components, keep rule) with workers=1 as the engine's driver calls it; scored against the
            planted duplicates
shard_write the engine on a no-filter config in this process (1 worker), its map phase (read, ids,
            id-sorted runs) and write phase (merge runs, jsonl.zst shards, checksums) timed apart
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import orjson

from benchmarks import measure, truth
from benchmarks.stagekit import Timer, doc_files, stage

DEDUP = {"exact": {}, "minhash": {"threshold": 0.8}}
_WARM: list[bool] = []


def featurize_file(job: tuple[str, str]) -> dict[str, float]:
    """Features of one corpus file; the CPU time of featurizing only (not of parsing the JSON lines)."""
    from pajama.dedup.config import DedupConfig
    from pajama.dedup.stage import Featurizer
    from pajama.record import Record, normalize_text

    source, target = job
    with open(source, "rb") as f:
        docs = [orjson.loads(line) for line in f]
    cfg = DedupConfig.model_validate(DEDUP)
    warm(docs[0]["text"])
    cpu = time.process_time()
    featurizer = Featurizer(cfg, source="web", source_rank=0)
    for d in docs:
        featurizer.add(Record(id=d["id"], text=normalize_text(d["text"]), source="web", meta={}, origin={}))
    rows = featurizer.write(target)
    return {
        "rows": rows,
        "cpu_s": time.process_time() - cpu,
        "bytes": sum(len(d["text"].encode()) for d in docs),
        "peak_rss_mb": measure.peak_rss_mb(),
    }


def warm(text: str) -> None:
    """Once per process: imports and lazily built tables, so that they are not timed."""
    from pajama.dedup.config import DedupConfig
    from pajama.dedup.stage import Featurizer
    from pajama.record import Record

    if not _WARM:
        featurizer = Featurizer(DedupConfig.model_validate(DEDUP), source="web", source_rank=0)
        featurizer.add(Record(id="warm", text=text, source="web", meta={}, origin={}))
        with tempfile.TemporaryDirectory() as tmp:
            featurizer.write(os.path.join(tmp, "warm.parquet"))
        _WARM.append(True)


def features_dir(args: argparse.Namespace) -> Path:
    return Path(args.work) / f"features-{args.corpus.name}"


@stage("signatures")
def signatures(args: argparse.Namespace) -> dict[str, Any]:
    import multiprocessing

    out = features_dir(args)
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    files = doc_files(args.corpus)
    if args.docs:  # whole files, enough for --docs documents
        per_file = sum(1 for _ in open(files[0], "rb"))
        files = files[: -(-args.docs // per_file)]
    jobs = [(str(p), str(out / f"{p.stem}.parquet")) for p in files]
    with open(files[0], "rb") as f:
        warm(orjson.loads(f.readline())["text"])
    with Timer() as t:
        if args.workers <= 1:
            parts = [featurize_file(j) for j in jobs]
        else:
            ctx = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(args.workers, mp_context=ctx) as pool:
                parts = list(pool.map(featurize_file, jobs))
    return {
        "documents": sum(int(p["rows"]) for p in parts),
        "MB": sum(p["bytes"] for p in parts) / 1e6,
        "wall_s": t.wall,
        "cpu_s": sum(p["cpu_s"] for p in parts),
        "workers": args.workers,
        "worker_peak_rss_mb": max(p["peak_rss_mb"] for p in parts),
        "cpu_note": "featurizing only; wall includes parsing the JSON lines",
    }


@stage("clustering")
def clustering(args: argparse.Namespace) -> dict[str, Any]:
    from pajama.dedup.config import DedupConfig
    from pajama.dedup.stage import resolve

    files = sorted(str(p) for p in features_dir(args).glob("*.parquet"))
    if not files:
        raise SystemExit("run the signatures stage first: no feature files")
    scratch = Path(args.work) / f"resolve-{args.corpus.name}"
    with Timer() as t:
        result = resolve(files, DedupConfig.model_validate(DEDUP), work_dir=str(scratch), workers=1)
    shutil.rmtree(scratch, ignore_errors=True)
    mh = result.stats.get("minhash", {})
    quality = truth.score(truth.load(args.corpus), result.removed)
    return {
        "documents": int(result.stats["documents"]),
        "MB": sum(os.path.getsize(f) for f in files) / 1e6,
        "MB_note": "feature files",
        "wall_s": t.wall,
        "cpu_s": t.cpu,
        "removed_by_reason": result.stats["removed_by_reason"],
        "lsh": {k: mh.get(k) for k in ("candidate_pairs", "verified_pairs", "clusters", "partitions")},
        "bands_rows": [mh.get("params", {}).get("bands"), mh.get("params", {}).get("rows")],
        "quality": quality,
    }


class TimedExecutor:
    """The local engine with one worker, its map and write phases timed (the driver maps inputs first,
    then writes shards: the first `map` call is the map phase, the second the write phase)."""

    PHASES = ("map", "write")

    def __init__(self) -> None:
        from pajama.jobs.local import LocalExecutor

        self._local = LocalExecutor(workers=1)
        self.name, self.workers = "local", 1
        self.phases: dict[str, dict[str, float]] = {}

    def map(self, fn: Any, tasks: Any, done: Any) -> None:
        with Timer() as t:
            self._local.map(fn, tasks, done)
        self.phases[self.PHASES[len(self.phases)]] = {"wall_s": t.wall, "cpu_s": t.cpu}


@stage("shard_write")
def shard_write(args: argparse.Namespace) -> dict[str, Any]:
    from pajama.build import config, plan
    from pajama.build.driver import run

    root = Path(args.work) / f"spine-{args.corpus.name}"
    shutil.rmtree(root, ignore_errors=True)
    raw = {
        "dataset": "bench",
        "version": "1.0.0",
        "output": str(root / "out"),
        "shards": 8,
        "report": False,
        "work_dir": str(root / "work"),
        "sources": {"web": {"reader": "jsonl", "inputs": [str(args.corpus / "docs" / "*.jsonl")]}},
    }
    executor = TimedExecutor()
    manifest = run(plan.build(config.validate(raw)), executor, fresh=True, overwrite=True)  # type: ignore[arg-type]
    shutil.rmtree(root, ignore_errors=True)
    kept = manifest["sources"]["web"]["kept"]
    in_mb = sum(i["bytes"] for i in manifest["inputs"]) / 1e6
    out_mb = sum(s["bytes"] for s in manifest["shards"]) / 1e6
    write = executor.phases["write"]
    return {
        "documents": kept,
        "MB": in_mb,
        "out_MB": out_mb,
        **write,
        "map_phase": executor.phases["map"],
        "MB_note": "input JSONL bytes",
    }
