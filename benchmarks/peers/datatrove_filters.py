"""datatrove 0.10.1's Gopher repetition + Gopher quality + C4 + FineWeb filters over JSONL: the peers benchmark.

    .venv-peers/bin/python benchmarks/peers/datatrove_filters.py DOCS_DIR OUT_DIR

Runs inside the peers virtualenv (benchmarks/peers_venv.sh). One local task, one worker: the whole
process is what `python -m benchmarks peers` times. The filters run in the order pajama's presets run
them (gopher = repetition then quality, then c4, then fineweb), C4 with the paper's settings as in
datatrove_decide.py; kept documents are written to OUT_DIR/kept.
"""

from __future__ import annotations

import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.filters import (
    C4QualityFilter,
    FineWebQualityFilter,
    GopherQualityFilter,
    GopherRepetitionFilter,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter


def main(docs: str, out: str) -> None:
    executor = LocalPipelineExecutor(
        pipeline=[
            JsonlReader(docs, glob_pattern="*.jsonl"),
            GopherRepetitionFilter(),
            GopherQualityFilter(),
            C4QualityFilter(min_num_sentences=3, min_words_per_line=5),
            FineWebQualityFilter(),
            JsonlWriter(f"{out}/kept"),
        ],
        tasks=1,
        workers=1,
        logging_dir=f"{out}/logs",
    )
    executor.run()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
