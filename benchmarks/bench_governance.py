"""Governance benchmarks: decontamination against a large eval set, and `pajama query` on a large release.

    python -m benchmarks.bench_governance decontam --items 100000 --docs 10000
    python -m benchmarks.bench_governance query --docs 1000000

decontam: builds the n-gram index of `--items` test items (40-word windows of real text) and searches
`--docs` documents (2,000-character windows, 1% of them with a planted item); reports index build time
and size, documents per CPU-second, peak RSS and the planted recall. query: builds a release of `--docs`
short documents with `pajama run` (no filters), then times `pajama query --id` and `--url` as a user
runs them (a fresh process each, wall time) and the lookups alone in-process.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from pydoc_data.topics import topics
from typing import Any

import orjson
import yaml

CORPUS = Path(os.environ.get("PAJAMA_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))


def _words() -> list[str]:
    """Real prose: the Gutenberg books of ../shared/corpus (without their license text) when present,
    else the pydoc topics."""
    import gzip

    from pajama.sources._gutenberg import strip

    books = {}
    for path in sorted((CORPUS / "books").glob("*.txt.gz")):
        books.setdefault(path.name.split("-")[0], path)  # one edition per ebook number (pg84 comes twice)
    if books:
        return " ".join(strip(gzip.open(p).read().decode("utf-8", "replace")).text for p in books.values()).split()
    return " ".join(topics.values()).split()


def decontam(items: int, docs: int, seed: int) -> dict[str, Any]:
    from pajama.decontam.index import build
    from pajama.decontam.items import Item
    from pajama.decontam.stage import find_hits

    rng = random.Random(seed)
    words = _words()
    cut = len(words) * 3 // 5  # items from the first 60% of the text, documents from the rest
    starts = [rng.randrange(0, cut - 40) for _ in range(items)]
    bench = [Item("eval", str(i), " ".join(words[s : s + 40])) for i, s in enumerate(starts)]
    t0, c0 = time.perf_counter(), time.process_time()
    index = build(bench, ngram=13, min_words=8)
    built = {"seconds": round(time.perf_counter() - t0, 2), "cpu_seconds": round(time.process_time() - c0, 2)}
    texts, planted = [], {}
    for d in range(docs):
        s = rng.randrange(cut, len(words) - 400)
        text = " ".join(words[s : s + 330])
        if d % 100 == 0:
            k = rng.randrange(items)
            text = f"{text} {bench[k].text} {text[:200]}"
            planted[d] = str(k)
        texts.append(text)
    c0 = time.process_time()
    found = {d: {h["item"] for h in find_hits(t, index, min_overlap=1)} for d, t in enumerate(texts)}
    cpu = time.process_time() - c0
    recall = sum(planted[d] in found[d] for d in planted) / max(1, len(planted))
    return {
        "items": items,
        "index_ngrams": len(index.hashes),
        "index_mb": round((index.hashes.nbytes + index.items.nbytes) / 2**20, 1),
        "index_build": built,
        "documents": docs,
        "docs_per_cpu_second": round(docs / cpu),
        "planted": len(planted),
        "planted_recall": recall,
        # unplanted documents with a hit share real text with an item (Gutenberg's license, quotations)
        "unplanted_documents_with_hits": sum(1 for d, v in found.items() if v and d not in planted),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def query(docs: int, work: Path) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    release = work / "out" / "q" / "1.0.0"
    if not (release / "SHA256SUMS").exists():
        with open(work / "docs.jsonl", "wb") as f:
            for i in range(docs):
                f.write(
                    orjson.dumps(
                        {
                            "id": f"d{i}",
                            "text": f"document {i} " * 20,
                            "meta": {"url": f"https://s{i % 997}.example/p{i}"},
                        }
                    )
                    + b"\n"
                )
        config = {
            "dataset": "q",
            "version": "1.0.0",
            "output": str(work / "out"),
            "shards": 8,
            "index": True,
            "sources": {"web": {"reader": "jsonl", "inputs": [str(work / "docs.jsonl")]}},
        }
        (work / "q.yaml").write_text(yaml.safe_dump(config))
        t0 = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "pajama", "run", str(work / "q.yaml"), "--overwrite"],
            check=True,
            capture_output=True,
        )
        build_seconds = round(time.perf_counter() - t0, 1)
    else:
        build_seconds = None
    from pajama.build.query import query as ask
    from pajama.shardio import read_shard

    first = next(read_shard(str(sorted((release / "data" / "web").glob("*.zst"))[3])))
    timings: dict[str, Any] = {"documents": docs, "release_build_seconds": build_seconds}
    for flag, value in (("--id", first["id"]), ("--url", first["meta"]["url"])):
        walls = []
        for _ in range(3):
            t0 = time.perf_counter()
            out = subprocess.run(
                [sys.executable, "-m", "pajama", "query", str(release), flag, value, "--json"],
                check=True,
                capture_output=True,
                text=True,
            ).stdout
            walls.append(time.perf_counter() - t0)
        assert json.loads(out)["matches"][0]["status"] == "kept"
        t0 = time.perf_counter()
        key = {"id": value} if flag == "--id" else {"url": value}
        ask(str(release), **key)
        timings[flag.strip("-")] = {
            "process_wall_s": round(min(walls), 3),
            "in_process_s": round(time.perf_counter() - t0, 4),
        }
    index_bytes = sum(p.stat().st_size for p in (release / "index").iterdir())
    timings["index_mb"] = round(index_bytes / 2**20, 1)
    return timings


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks.bench_governance",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("decontam")
    d.add_argument("--items", type=int, default=100_000)
    d.add_argument("--docs", type=int, default=10_000)
    d.add_argument("--seed", type=int, default=0)
    q = sub.add_parser("query")
    q.add_argument("--docs", type=int, default=1_000_000)
    q.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pajama-bench-query")
    args = p.parse_args(argv)
    result = decontam(args.items, args.docs, args.seed) if args.command == "decontam" else query(args.docs, args.work)
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
