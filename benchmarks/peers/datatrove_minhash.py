"""datatrove 0.10.1's 4-stage MinHash dedup over JSONL: signatures, buckets, clusters, filter.

    .venv-peers/bin/python benchmarks/peers/datatrove_minhash.py DOCS_DIR OUT_DIR BUCKETS ROWS

Runs inside the peers virtualenv (benchmarks/peers_venv.sh), one local task and one worker per stage,
all four stages in this one process (what `python -m benchmarks peers` times). 5-word shingles and
BUCKETS x ROWS hashes, the banding pajama derives for its threshold, so both find the same candidate
pairs in expectation; datatrove keeps every bucket collision (no verification). Removed documents go to
OUT_DIR/removed, kept ones to OUT_DIR/kept.
"""

from __future__ import annotations

import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup import (
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.dedup.minhash import MinhashConfig
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def run(pipeline: list[object], logs: str, tasks: int = 1) -> None:
    LocalPipelineExecutor(pipeline=pipeline, tasks=tasks, workers=1, logging_dir=logs).run()


def main(docs: str, out: str, buckets: int, rows: int) -> None:
    config = MinhashConfig(n_grams=5, num_buckets=buckets, hashes_per_bucket=rows)
    read = JsonlReader(docs, glob_pattern="*.jsonl")
    run([read, MinhashDedupSignature(f"{out}/signatures", config=config)], f"{out}/logs/1")
    run(
        [MinhashDedupBuckets(f"{out}/signatures", f"{out}/buckets", config=config)],
        f"{out}/logs/2",
        tasks=buckets,
    )
    run([MinhashDedupCluster(f"{out}/buckets", f"{out}/remove_ids", config=config)], f"{out}/logs/3")
    run(
        [
            JsonlReader(docs, glob_pattern="*.jsonl"),
            MinhashDedupFilter(f"{out}/remove_ids", exclusion_writer=JsonlWriter(f"{out}/removed")),
            JsonlWriter(f"{out}/kept"),
        ],
        f"{out}/logs/4",
    )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
