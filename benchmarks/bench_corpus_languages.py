"""Keep/drop per language on every text of ../shared/corpus, through the real CLI.

    .venv/bin/python benchmarks/bench_corpus_languages.py [--corpus ../shared/corpus] [--work /tmp/x]

Runs `pajama run` on the corpus' web archives (WARC/ARC), Wikipedia dumps, books and StackExchange dumps
with `filters: [language (keep every label, min_score 0.5), gopher, fineweb]` and no dedup, then reads the
release's `data/` and `rejected/` shards and counts, per `meta.language` (from the reader or the
`language` filter), the documents kept and the top drop reasons; also for documents of at least 1,000
characters, the multilingual issue's acceptance setting (a Wikipedia stub is too short for any rule).
Output: one JSON object per language, then a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pajama.shardio import read_shard

REPO = Path(__file__).resolve().parents[1]
FILTERS = "[{language: {min_score: 0.5}}, gopher, fineweb]"
SOURCES = {  # source: (reader, globs under the corpus)
    "web": ("warc", ["warc/*.warc.gz", "warc/*.arc.gz"]),
    "wiki": ("wikipedia", ["wiki/*.xml", "wiki/*.xml.bz2"]),
    "books": ("books", ["books/*.txt.gz"]),
    "stackexchange": ("stackexchange", ["stackexchange/*"]),
}


def config(corpus: Path, output: Path) -> str:
    lines = ["dataset: corpus-languages", "version: 1.0.0", f"output: {output}", "shards: 1",
             "rejected: true", "dedup: {exact: false, minhash: false}", "sources:"]  # fmt: skip
    for name, (reader, globs) in SOURCES.items():
        inputs = ", ".join(str(corpus / g) for g in globs)
        lines += [f"  {name}:", f"    reader: {reader}", f"    inputs: [{inputs}]",
                  "    allow_missing: true", f"    filters: {FILTERS}"]  # fmt: skip
    return "\n".join(lines) + "\n"


def tally(release: Path) -> list[dict[str, Any]]:
    docs: Counter[str] = Counter()
    kept: Counter[str] = Counter()
    long_docs: Counter[str] = Counter()
    long_kept: Counter[str] = Counter()
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    for folder in ("data", "rejected"):
        for shard in sorted(release.glob(f"{folder}/*/*")):
            for rec in read_shard(str(shard)):
                lang = rec["meta"].get("language") or "none"
                is_long = len(rec["text"]) >= 1000
                docs[lang] += 1
                long_docs[lang] += is_long
                if folder == "data":
                    kept[lang] += 1
                    long_kept[lang] += is_long
                else:
                    reasons[lang][rec["rejected"]["reason"]] += 1
    return [
        {"language": lang, "docs": n, "kept_pct": round(100 * kept[lang] / n, 1),
         "docs_1000": long_docs[lang],
         "kept_1000_pct": round(100 * long_kept[lang] / long_docs[lang], 1) if long_docs[lang] else None,
         "top_drops": dict(reasons[lang].most_common(2))}
        for lang, n in sorted(docs.items(), key=lambda kv: (-kv[1], kv[0]))
    ]  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    if not args.corpus.exists():
        sys.exit(f"no corpus at {args.corpus}")
    work = args.work or Path(tempfile.mkdtemp(prefix="pajama-corpus-lang-"))
    work.mkdir(parents=True, exist_ok=True)
    (work / "c.yaml").write_text(config(args.corpus.resolve(), work / "releases"))
    cmd = [sys.executable, "-m", "pajama", "run", str(work / "c.yaml"), "--overwrite"]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, check=True)
    rows = tally(work / "releases" / "corpus-languages" / "1.0.0")
    for row in rows:
        print(json.dumps(row, ensure_ascii=False))
    print("\n| language | docs | kept | docs >= 1,000 chars | kept | top drop reasons |\n|---|---|---|---|---|---|")
    for r in rows:
        drops = ", ".join(f"{k} {v}" for k, v in r["top_drops"].items())
        k1000 = "" if r["kept_1000_pct"] is None else f"{r['kept_1000_pct']}%"
        print(f"| {r['language']} | {r['docs']} | {r['kept_pct']}% | {r['docs_1000']} | {k1000} | {drops} |")


if __name__ == "__main__":
    main()
