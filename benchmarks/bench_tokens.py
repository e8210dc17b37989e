"""Tokens per second per core: counting only, and writing token shards (batched encoding).

    .venv/bin/python benchmarks/bench_tokens.py [--mb 8] [--tokenizers gpt2,cl100k_base] [--threads 1]

Text: Project Gutenberg books from ../shared/corpus when present, else the standard library's pydoc
topics, cut into ~3 KB documents and repeated up to --mb megabytes. "per core" is tokens divided by the
process CPU time (all threads), so it holds whatever the thread count; --threads 1 (the default) keeps
the tokenizer libraries single-threaded, the way an engine worker per core runs them.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.textpool import CORPUS

REPO = Path(__file__).resolve().parent.parent
DOC_CHARS = 3000


def sample_texts(megabytes: float) -> list[str]:
    books = sorted((CORPUS / "books").glob("*.txt.gz")) if CORPUS.is_dir() else []
    if books:
        bodies = [gzip.decompress(b.read_bytes()).decode("utf-8", errors="replace") for b in books]
    else:
        import pydoc_data.topics

        bodies = [pydoc_data.topics.topics[k] for k in sorted(pydoc_data.topics.topics)]
    docs = [body[i : i + DOC_CHARS] for body in bodies for i in range(0, len(body), DOC_CHARS)]
    out, size, target = [], 0, int(megabytes * 1e6)
    while size < target:
        for doc in docs:
            out.append(doc)
            size += len(doc.encode())
            if size >= target:
                break
    return out


def measure(spec: str, texts: list[str], batch: int, write: str | None, out: str) -> dict[str, object]:
    from pajama.tokenization.config import TokensConfig
    from pajama.tokenization.stage import ShardTokens, load_tokenizer

    tok = load_tokenizer(spec)
    tok.count_batch(texts[:8])  # warm up (lazy regex compilation, thread pools)
    cfg = TokensConfig(write=write is not None, formats=[write or "megatron"], batch_size=batch)
    prefix = os.path.join(out, spec, write or "count", "part-00000") if write else None
    wall, cpu = time.perf_counter(), time.process_time()
    shard = ShardTokens(tok, cfg, prefix)
    for start in range(0, len(texts), batch):
        shard.add(texts[start : start + batch])
    shard.close()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    mb = sum(len(t.encode()) for t in texts) / 1e6
    return {
        "tokenizer": spec,
        "mode": f"write-{write}" if write else "count",
        "MB": round(mb, 2),
        "documents": len(texts),
        "tokens": shard.tokens,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "tokens_per_s": round(shard.tokens / wall),
        "tokens_per_cpu_s": round(shard.tokens / cpu),
        "MB_per_cpu_s": round(mb / cpu, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mb", type=float, default=8.0, help="megabytes of UTF-8 text (8)")
    parser.add_argument("--tokenizers", default="gpt2,cl100k_base")
    parser.add_argument("--batch-size", type=int, default=256)
    parser.add_argument("--threads", type=int, default=1, help="threads for the tokenizer libraries (1)")
    args = parser.parse_args()
    if args.threads == 1:
        os.environ["TOKENIZERS_PARALLELISM"] = "false"
    else:
        os.environ["RAYON_NUM_THREADS"] = os.environ["RAYON_RS_NUM_CPUS"] = str(args.threads)
    texts = sample_texts(args.mb)
    rows = []
    with tempfile.TemporaryDirectory(prefix="bench-tokens-") as out:
        for spec in args.tokenizers.split(","):
            from pajama.tokenization.stage import load_tokenizer

            backend = load_tokenizer(spec).backend
            if hasattr(backend, "threads"):
                backend.threads = args.threads
            for write in (None, "megatron", "numpy"):
                rows.append(measure(spec, texts, args.batch_size, write, out))
                print(json.dumps(rows[-1]), file=sys.stderr)
    print(f"{'tokenizer':<12} {'mode':<15} {'MB':>6} {'tokens':>10} {'wall s':>7} {'tok/s':>10} {'tok/cpu-s':>10}")
    for r in rows:
        print(
            f"{r['tokenizer']:<12} {r['mode']:<15} {r['MB']:>6} {r['tokens']:>10} {r['wall_s']:>7} "
            f"{r['tokens_per_s']:>10} {r['tokens_per_cpu_s']:>10}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
