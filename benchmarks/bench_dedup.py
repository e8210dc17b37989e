"""Dedup benchmark: signature throughput per core, and the whole dedup stage at growing sizes.

    .venv/bin/python benchmarks/bench_dedup.py --signatures 20000
    .venv/bin/python benchmarks/bench_dedup.py --docs 100000 --workers 2

Documents (~3 KB) are 25 random real sentences (the shared corpus's books, else pydoc topics); 20%
are near-duplicates of an earlier document (a sentence deleted, inserted or replaced). "featurize"
is what the engine does per input (shingling + signatures + exact hash), in `workers` processes;
"resolve" is the dedup decision (load, exact, LSH partitions, verification, components). Text
generation is timed apart and not counted. Peak RSS is the largest resident size of this process
and of its worker processes.
"""

from __future__ import annotations

import argparse
import gzip
import os
import random
import re
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pajama.dedup.config import DedupConfig, ExactConfig, MinhashConfig
from pajama.dedup.stage import Featurizer, resolve
from pajama.record import Record

CORPUS = Path(os.environ.get("PAJAMA_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
CFG = DedupConfig(exact=ExactConfig(), minhash=MinhashConfig(threshold=0.8))
INPUT_DOCS = 50_000
_POOL: list[str] = []


def pool() -> list[str]:
    if not _POOL:
        texts = [
            gzip.open(p, "rt", encoding="utf-8", errors="replace").read()
            for p in sorted((CORPUS / "books").glob("*.txt.gz"))
        ]
        if not texts:
            from pydoc_data.topics import topics

            texts = list(topics.values())
        for text in texts:
            _POOL.extend(s for s in re.split(r"(?<=[.!?])\s+", " ".join(text.split())) if len(s.split()) >= 6)
    return _POOL


def document(i: int) -> str:
    """Document i: 25 random sentences, or (20%) a near-duplicate of an earlier document."""
    sentences = pool()
    rng = random.Random(i)
    if i >= 10 and rng.random() < 0.2:
        base = document(rng.randrange(max(0, i - 1000), i)).split(". ")
        k = rng.randrange(len(base))
        edit = rng.choice(["delete", "insert", "replace"])
        if edit == "delete":
            del base[k]
        elif edit == "insert":
            base.insert(k, rng.choice(sentences))
        else:
            base[k] = rng.choice(sentences)
        return ". ".join(base)
    return " ".join(rng.choice(sentences) for _ in range(25))


def featurize(args: tuple[int, int, str]) -> tuple[float, float, float, int]:
    """(generation seconds, featurize wall seconds, featurize CPU seconds, rows) for one input."""
    lo, hi, path = args
    t0 = time.perf_counter()
    texts = [document(i) for i in range(lo, hi)]
    t1, c1 = time.perf_counter(), time.process_time()
    f = Featurizer(CFG, source="web", source_rank=0)
    for i, text in zip(range(lo, hi), texts, strict=True):
        f.add(Record(id=f"web/{i:032x}", text=text, source="web", meta={}, origin={}))
    rows = f.write(path)
    return t1 - t0, time.perf_counter() - t1, time.process_time() - c1, rows


def peak_rss_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def bench_signatures(n: int) -> None:
    featurize((0, 1000, os.path.join(tempfile.mkdtemp(), "warm.parquet")))  # imports, power tables
    gen, wall, cpu, rows = featurize((0, n, os.path.join(tempfile.mkdtemp(), "f.parquet")))
    size = sum(len(document(i)) for i in range(0, n, 50)) / len(range(0, n, 50))
    print(
        f"signatures: {rows} docs of ~{size:.0f} chars, 1 process: {rows / cpu:,.0f} docs per CPU-second, "
        f"{rows / wall:,.0f} docs/s wall (shingling + signatures + exact hash + parquet write; "
        f"generation {gen:.1f}s not counted; load average {os.getloadavg()[0]:.1f})"
    )


def bench_dedup(n: int, workers: int) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        jobs = [
            (lo, min(lo + INPUT_DOCS, n), os.path.join(tmp, f"in-{lo:09d}.parquet")) for lo in range(0, n, INPUT_DOCS)
        ]
        t0 = time.perf_counter()
        with ProcessPoolExecutor(workers) as ex:
            parts = list(ex.map(featurize, jobs))
        t1 = time.perf_counter()
        generation = sum(p[0] for p in parts) / workers
        cpu = sum(p[2] for p in parts)
        c1 = time.process_time()
        result = resolve([j[2] for j in jobs], CFG, work_dir=os.path.join(tmp, "work"), workers=workers)
        t2 = time.perf_counter()
        resolve_cpu = time.process_time() - c1
    featurize_s = t1 - t0 - generation
    mh = result.stats["minhash"]
    print(
        f"dedup {n:,} docs, {workers} workers: featurize {featurize_s:.1f}s wall "
        f"({n / featurize_s:,.0f} docs/s, {n / cpu:,.0f} per CPU-second), resolve {t2 - t1:.1f}s wall "
        f"(main-process CPU {resolve_cpu:.1f}s), total {featurize_s + t2 - t1:.1f}s, "
        f"peak RSS {peak_rss_mb():,.0f} MB, load average {os.getloadavg()[0]:.1f}; "
        f"removed {result.stats['removed']:,} {result.stats['removed_by_reason']}, "
        f"candidates {mh['candidate_pairs']:,}, verified {mh['verified_pairs']:,}, clusters {mh['clusters']:,}, "
        f"partitions {mh['partitions']}"
    )


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--signatures", type=int, default=0, help="documents for the 1-core signature benchmark")
    p.add_argument("--docs", type=int, nargs="*", default=[], help="corpus sizes for the whole-dedup benchmark")
    p.add_argument("--workers", type=int, default=2)
    args = p.parse_args()
    if args.signatures:
        bench_signatures(args.signatures)
    for n in args.docs:
        bench_dedup(n, args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
