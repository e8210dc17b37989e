"""One stage of the suite, run in this (child) process: `python -m benchmarks.stages STAGE CORPUS [options]`.

Prints one JSON line: documents, MB, wall_s and cpu_s of the timed part (set-up such as loading texts
and models is not timed), plus what the stage found (drop reasons, dedup quality, tokens). The suite
runs each stage in a fresh process (benchmarks.measure) and adds that process's peak memory.
Per-document stages reuse the other engineers' benchmark code: bench_warc (WARC reading, extraction),
bench_filters (a preset's filters applied the way the engine applies them), bench_tokens (tokenization).
The dedup and writing stages are in stages_dedup.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import measure, stages_dedup
from benchmarks.stagekit import PROFILER, STAGES, Timer, doc_files, iter_docs, megabytes, stage, texts_by_kind


@stage("read_jsonl")
def read_jsonl(args: argparse.Namespace) -> dict[str, Any]:
    """The jsonl reader and the engine's record making (id, NFC normalization) over every document."""
    from pajama import options, registry
    from pajama.build.pipeline import to_record
    from pajama.build.plan import SourcePlan
    from pajama.record import Doc
    from pajama.storage import InputFile

    reader: Any = options.build(registry.get_reader("jsonl"), {}, "bench")
    src = SourcePlan(name="web", rank=0, reader_name="jsonl", reader=reader, inputs=[], stages=[])
    docs = nbytes = 0
    with Timer() as t:
        for path in doc_files(args.corpus):
            inp = InputFile(uri=str(path), name=path.name, source="web")
            for item in reader.read(inp):
                if isinstance(item, Doc):
                    to_record(item, src, inp)
                    docs += 1
            nbytes += path.stat().st_size
    return {"documents": docs, "MB": nbytes / 1e6, "wall_s": t.wall, "cpu_s": t.cpu}


def _warc_stage(args: argparse.Namespace, reader: Any, warm: Any) -> dict[str, Any]:
    from benchmarks import bench_warc

    files = sorted((args.corpus / "web").glob("*.warc.gz"))
    if warm is not None:
        bench_warc.run(warm, files[:1], 1)  # imports and model loading are not part of the timing
    with Timer() as t:
        cpu, records, docs = bench_warc.run(reader, files, 1)
    nbytes = sum(p.stat().st_size for p in files)
    return {
        "documents": docs,
        "records": records,
        "MB": nbytes / 1e6,
        "wall_s": t.wall,
        "cpu_s": cpu,
        "MB_note": "compressed WARC bytes",
    }


@stage("read_warc")
def read_warc(args: argparse.Namespace) -> dict[str, Any]:
    """Parse WARC records, verify digests, decode the HTML (bench_warc's reader without extraction)."""
    from benchmarks.bench_warc import ReaderOnly

    return _warc_stage(args, ReaderOnly(), None)


def _extract(extractor: str) -> Callable[[argparse.Namespace], dict[str, Any]]:
    def run(args: argparse.Namespace) -> dict[str, Any]:
        from pajama.sources.warc import WarcReader

        reader = WarcReader(extractor=extractor, lid=False)  # type: ignore[arg-type]
        return _warc_stage(args, reader, WarcReader(extractor=extractor, lid=False))  # type: ignore[arg-type]

    run.__doc__ = f"The warc reader with {extractor} extraction, without language id."
    return run


stage("extract_resiliparse")(_extract("resiliparse"))
stage("extract_trafilatura")(_extract("trafilatura"))


def _filter_stage(args: argparse.Namespace, stages: list[tuple[str, Any]]) -> dict[str, Any]:
    """bench_filters.run over the sample, kind by kind (so drops can be told apart by true kind)."""
    from benchmarks import bench_filters

    groups = texts_by_kind(args.corpus, args.docs)
    bench_filters.run(groups["good"][:50], stages)  # lazy imports, model loading
    cpu, outcome, by_kind = 0.0, Counter[str](), {}
    with Timer() as t:
        for kind, texts in sorted(groups.items()):
            seconds, counts = bench_filters.run(texts, stages)
            cpu += seconds
            outcome.update(counts)
            by_kind[kind] = round(1 - counts.get("kept", 0) / len(texts), 4)
    texts = [x for g in groups.values() for x in g]
    return {
        "documents": len(texts),
        "MB": megabytes(texts),
        "wall_s": t.wall,
        "cpu_s": cpu,
        "dropped_by_kind": by_kind,
        "outcome": dict(outcome.most_common()),
    }


@stage("lid")
def lid(args: argparse.Namespace) -> dict[str, Any]:
    """The language filter (fastText lid.176, keep en >= 0.65) on every text of the sample."""
    from pajama.filters.language import LanguageFilter

    return _filter_stage(args, [("language", LanguageFilter(keep=["en"], min_score=0.65))])


def _preset(name: str) -> Callable[[argparse.Namespace], dict[str, Any]]:
    def run(args: argparse.Namespace) -> dict[str, Any]:
        from benchmarks import bench_filters

        return _filter_stage(args, bench_filters.build_filters([name]))

    run.__doc__ = f"The {name} preset's filters, applied in order as the engine does."
    return run


for _name in ("gopher", "c4", "fineweb"):
    stage(f"filters_{_name}")(_preset(_name))


def _tokenize(write: str | None) -> Callable[[argparse.Namespace], dict[str, Any]]:
    def run(args: argparse.Namespace) -> dict[str, Any]:
        from benchmarks import bench_tokens

        texts = [d["text"] for d in iter_docs(args.corpus, args.docs)]
        with tempfile.TemporaryDirectory(prefix="bench-tokens-", dir=args.work) as out:
            r = bench_tokens.measure(args.tokenizer, texts, 256, write, out)
        keys = ("MB", "wall_s", "cpu_s", "tokens", "tokens_per_cpu_s")
        return {"documents": len(texts), **{k: r[k] for k in keys}, "tokenizer": args.tokenizer}

    run.__doc__ = f"bench_tokens.measure: {args_label(write)} with the suite's tokenizer."
    return run


def args_label(write: str | None) -> str:
    return f"encode and write {write} token shards" if write else "count tokens"


stage("tokenize_count")(_tokenize(None))
stage("tokenize_write")(_tokenize("megatron"))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=sorted(name for name, st in STAGES.items() if st.fn is not None))
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--docs", type=int, default=None, help="documents of the sample (per-document stages)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--tokenizer", default="gpt2")
    parser.add_argument("--work", type=Path, default=None, help="scratch folder (default: next to the corpus)")
    parser.add_argument("--profile", type=Path, default=None, help="write cProfile stats of the stage here")
    args = parser.parse_args(argv)
    args.work = args.work or args.corpus.parent
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")  # one core per worker, as bench_tokens measures
    if args.profile:
        PROFILER.append(cProfile.Profile())
    fn = STAGES[args.stage].fn
    if fn is None:  # argparse only offers stages with a function
        raise SystemExit(f"{args.stage} does not run here")
    result = fn(args)
    if args.profile:
        PROFILER[0].dump_stats(args.profile)
    own = max(measure.peak_rss_mb(), float(result.pop("worker_peak_rss_mb", 0)))
    print(json.dumps({"stage": args.stage, **result, "own_peak_rss_mb": own}))
    return 0


__all__ = ["STAGES", "main", "stages_dedup"]

if __name__ == "__main__":
    sys.exit(main())
