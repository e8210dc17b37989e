"""Dedup resolve on the local engine, in Spark's shuffle and with Beam transforms, on one feature set.

    .venv/bin/python benchmarks/bench_engines_dedup.py --docs 100000
    .venv/bin/python benchmarks/bench_engines_dedup.py --docs 20000 --engines local spark

Feature files are made as benchmarks/bench_dedup.py makes them (~3 KB documents of real sentences, 20%
near-duplicates of an earlier one; 50,000 documents per input file), not timed. Then each engine
resolves them: local = dedup.stage.resolve (workers=1, as the driver calls it); spark =
SparkExecutor(master local[2]).resolve_dedup, the session and its Python workers started before the
clock (their start-up is reported apart); beam = BeamExecutor(workers=1: in-process DirectRunner, or
2: multi-process).
Every result is checked equal to the local one (removals and stats). Peak RSS: this process and,
separately, the largest child process (Spark's JVM, Python workers, Beam workers).
"""

from __future__ import annotations

import argparse
import logging
import os
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from benchmarks.bench_dedup import CFG, INPUT_DOCS, featurize


def peak_mb() -> tuple[float, float]:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, kids


def features(n: int, folder: str, workers: int) -> list[str]:
    jobs = [
        (lo, min(lo + INPUT_DOCS, n), os.path.join(folder, f"in-{lo:09d}.parquet")) for lo in range(0, n, INPUT_DOCS)
    ]
    with ProcessPoolExecutor(workers) as ex:
        list(ex.map(featurize, jobs))
    return [j[2] for j in jobs]


def timed(label: str, fn: Any, reference: Any) -> Any:
    t0, c0 = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    same = (
        ""
        if reference is None
        else f", equal to local: {result.removed == reference.removed and result.stats == reference.stats}"
    )
    own, kids = peak_mb()
    print(
        f"{label:<22} {wall:7.1f}s wall (driver CPU {cpu:.1f}s){same}; peak RSS driver {own:,.0f} MB, "
        f"largest child {kids:,.0f} MB; load average {os.getloadavg()[0]:.1f}",
        flush=True,
    )
    return result


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, default=100_000)
    p.add_argument("--engines", nargs="*", default=["local", "spark", "beam"], help="local spark beam beam2")
    args = p.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        files = features(args.docs, tmp, 2)
        print(f"features: {args.docs:,} documents in {len(files)} files, {time.perf_counter() - t0:.0f}s (not counted)")
        from pajama.dedup.stage import resolve

        work = os.path.join(tmp, "work")
        ref = timed("local resolve", lambda: resolve(files, CFG, work_dir=work, workers=1), None)
        mh = ref.stats["minhash"]
        print(f"  removed {ref.stats['removed']:,} {ref.stats['removed_by_reason']}, ", end="")
        print(f"candidates {mh['candidate_pairs']:,}, verified {mh['verified_pairs']:,}, clusters {mh['clusters']:,}")
        if "spark" in args.engines:
            from pajama.jobs.spark import SparkExecutor

            spark = SparkExecutor(workers=2)
            t1 = time.perf_counter()
            sc = spark.spark.sparkContext
            sc.parallelize(range(2), 2).map(lambda _: __import__("pajama.dedup.shuffle") and 0).count()
            print(f"spark session + worker start {time.perf_counter() - t1:5.1f}s (not counted)")
            timed("spark local[2]", lambda: spark.resolve_dedup(files, CFG, work_dir=work), ref)
            spark.close()
        for engine, workers in (("beam", 1), ("beam2", 2)):
            if engine in args.engines:
                from pajama.jobs.beam import BeamExecutor

                beam = BeamExecutor(workers=workers)
                timed(f"beam direct x{workers}", lambda b=beam: b.resolve_dedup(files, CFG, work_dir=work), ref)
    return 0


if __name__ == "__main__":
    sys.exit(main())
