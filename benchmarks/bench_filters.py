"""Documents per second per core for quality-filter presets (default: gopher + c4 + fineweb together).

    .venv/bin/python benchmarks/bench_filters.py [--docs 3000] [--presets gopher,c4,fineweb] [--rounds 3]

Documents: ~3 KB pieces of real prose laid out like extracted web pages (a short heading line, then one
paragraph per line), from the Project Gutenberg books in ../shared/corpus when present, else from the
standard library's pydoc topics. Each document goes through the presets' filters in order, the way the
engine runs them (signals folded in, C4's line removals applied, stop at the first drop). "Per core" is
documents divided by process CPU time, so other work on the machine does not skew it; the best of
--rounds rounds is reported, as a JSON line.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.textpool import CORPUS

REPO = Path(__file__).resolve().parent.parent
DOC_CHARS = 3000


def source_texts() -> tuple[str, list[str]]:
    books = sorted((CORPUS / "books").glob("*.txt.gz")) if CORPUS.is_dir() else []
    if books:
        return "corpus books", [gzip.decompress(b.read_bytes()).decode("utf-8", errors="replace") for b in books]
    from pydoc_data.topics import topics

    return "pydoc topics", list(topics.values())


def documents(n: int) -> tuple[str, list[str]]:
    """n web-page-like documents of about DOC_CHARS characters, cycling through the source texts."""
    origin, texts = source_texts()
    paras = []
    for text in texts:
        paras += [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if p.strip()]
    docs: list[str] = []
    i = 0
    while len(docs) < n:
        heading = " ".join(paras[i % len(paras)].split()[:5]).rstrip(".,;:!?")
        lines, size = [heading], len(heading)
        while size < DOC_CHARS:
            para = paras[i % len(paras)]
            lines.append(para[: DOC_CHARS - size] if size + len(para) > 2 * DOC_CHARS else para)
            size += len(lines[-1]) + 1
            i += 1
        doc = "\n".join(lines)
        docs.append(doc[: doc.rfind(" ", 0, DOC_CHARS)] + "." if len(doc) > DOC_CHARS else doc)
    return origin, docs


def build_filters(presets: list[str]) -> list[tuple[str, Any]]:
    from pajama import options, registry

    stages = []
    for name in presets:
        for entry in registry.get_preset(name).filters:
            ((filter_name, opts),) = entry.items()
            cls = registry.get_filter(filter_name)
            stages.append((filter_name, options.build(cls, opts, f"{name}.{filter_name}")))
    return stages


def run(docs: list[str], stages: list[tuple[str, Any]]) -> tuple[float, Counter[str]]:
    from pajama.filter import apply_verdict
    from pajama.record import Record

    outcome: Counter[str] = Counter()
    start = time.process_time()
    for i, text in enumerate(docs):
        record = Record(id=f"bench/{i}", text=text, source="bench", meta={}, origin={})
        for label, f in stages:
            verdict = f(record)
            apply_verdict(record, verdict, stage=label, signals_prefix=label)
            if not verdict.kept:
                outcome[verdict.reason or label] += 1
                break
        else:
            outcome["kept"] += 1
    return time.process_time() - start, outcome


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=3000)
    parser.add_argument("--presets", default="gopher,c4,fineweb")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    origin, docs = documents(args.docs)
    stages = build_filters(args.presets.split(","))
    best = float("inf")
    outcome: Counter[str] = Counter()
    for _ in range(args.rounds):
        cpu, outcome = run(docs, stages)
        best = min(best, cpu)
    result = {
        "benchmark": "filters",
        "presets": args.presets,
        "filters": [label for label, _ in stages],
        "documents": len(docs),
        "mean_doc_chars": round(sum(map(len, docs)) / len(docs)),
        "text": origin,
        "cpu_seconds": round(best, 3),
        "docs_per_second_per_core": round(len(docs) / best),
        "outcome": dict(outcome.most_common()),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
