"""pajama's `fineweb` and `c4` filters beside datatrove 0.10.1 on real extracted pages: keep/drop agreement.

    benchmarks/peers_venv.sh                      # once: datatrove 0.10.1 in its own .venv-peers
    .venv/bin/python -m benchmarks.compare_web    # every WARC/ARC file of ../shared/corpus, both extractors

Pages are extracted from the corpus's WARC and ARC files by pajama's warc reader (trafilatura and
resiliparse: two real extractions of each page), with the reader's language id in meta.language. Both
sides get the same text and language; datatrove runs in the peers virtualenv (benchmarks/peers/
datatrove_decide.py), pajama here. Documents whose language datatrove cannot tokenize without extra
packages are counted apart. Prints agreement per filter and every disagreement.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from pajama import options
from pajama.filters.c4 import C4
from pajama.filters.fineweb import FineWeb
from pajama.record import Doc, Record
from pajama.sources.warc import WarcReader
from pajama.storage import InputFile

HERE = Path(__file__).resolve().parent
CORPUS = Path(os.environ.get("PAJAMA_CORPUS", HERE.parents[1] / "shared" / "corpus"))
PEERS_PYTHON = Path(os.environ.get("PEERS_VENV", HERE.parent / ".venv-peers")) / "bin" / "python"
DECIDE = HERE / "peers" / "datatrove_decide.py"
FILTERS = ("fineweb", "c4")


def archives(corpus: Path) -> list[Path]:
    """The corpus's WARC and ARC files (WET and WAT hold no HTML)."""
    found = [p for p in sorted((corpus / "warc").rglob("*")) if p.is_file()]
    return [p for p in found if ".wet" not in p.name and ".wat" not in p.name]


def extract_pages(files: Iterable[Path], extractors: Sequence[str], limit: int = 0) -> list[dict[str, Any]]:
    """{"id", "text", "language"} of every document pajama's warc reader makes of `files`."""
    pages: list[dict[str, Any]] = []
    for extractor in extractors:
        reader = options.build(WarcReader, {"extractor": extractor}, "compare")
        for path in files:
            try:
                items = list(reader.read(InputFile(uri=str(path), name=path.name, source="web")))
            except Exception as e:  # a broken sample file: what it gave before breaking is not worth a partial list
                print(f"skipped {path.name}: {type(e).__name__}", file=sys.stderr)
                continue
            for item in items:
                if isinstance(item, Doc):
                    where = json.dumps(item.locator, sort_keys=True)
                    pages.append(
                        {
                            "id": f"{extractor}:{path.name}:{where}",
                            "text": item.text,
                            "url": item.meta.get("url"),
                            "language": item.meta.get("language"),
                        }
                    )
                    if limit and len(pages) >= limit:
                        return pages
    return pages


def pajama_decisions(pages: Sequence[dict[str, Any]]) -> dict[str, dict[str, list[Any]]]:
    fineweb, c4 = FineWeb(short_lines_unspaced="chars"), C4()  # the `fineweb` preset: datatrove's short lines
    out = {}
    for page in pages:
        record = Record(id=page["id"], text=page["text"], source="web", meta={"language": page["language"]}, origin={})
        out[page["id"]] = {
            name: [v.kept, v.reason.split(".", 1)[1] if v.reason else None]
            for name, v in (("fineweb", fineweb(record)), ("c4", c4(record)))
        }
    return out


def reference_decisions(
    pages: Sequence[dict[str, Any]], python: Path = PEERS_PYTHON
) -> dict[str, dict[str, list[Any]]]:
    """datatrove's decisions, from the peers virtualenv."""
    lines = "".join(json.dumps({k: p[k] for k in ("id", "text", "language")}) + "\n" for p in pages)
    run = subprocess.run([str(python), str(DECIDE)], input=lines, capture_output=True, text=True, check=True)
    return {d["id"]: d for d in map(json.loads, run.stdout.splitlines())}


def agreement(ours: dict[str, dict[str, list[Any]]], theirs: dict[str, dict[str, Any]], name: str) -> dict[str, Any]:
    """Keep/drop agreement on `name` over the documents datatrove could judge; disagreements listed."""
    judged = [i for i in ours if theirs[i][name][0] is not None]
    differ = [i for i in judged if ours[i][name][0] != theirs[i][name][0]]
    same_reason = sum(1 for i in judged if ours[i][name] == theirs[i][name])
    return {
        "filter": name,
        "documents": len(judged),
        "not_judged": len(ours) - len(judged),
        "agree": len(judged) - len(differ),
        "rate": (len(judged) - len(differ)) / len(judged) if judged else 1.0,
        "same_reason": same_reason,
        "disagreements": [(i, ours[i][name], theirs[i][name]) for i in differ],
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--extractors", default="trafilatura,resiliparse")
    ap.add_argument("--limit", type=int, default=0, help="stop after this many pages (0: all)")
    ap.add_argument("--peers-python", type=Path, default=PEERS_PYTHON)
    args = ap.parse_args(argv)
    if not args.peers_python.exists():
        print(f"no peers virtualenv at {args.peers_python}: run benchmarks/peers_venv.sh", file=sys.stderr)
        return 2
    pages = extract_pages(archives(args.corpus), args.extractors.split(","), args.limit)
    ours, theirs = pajama_decisions(pages), reference_decisions(pages, args.peers_python)
    for name in FILTERS:
        a = agreement(ours, theirs, name)
        print(
            f"{name}: {a['agree']}/{a['documents']} pages agree ({a['rate']:.2%}), same reason on {a['same_reason']}; "
            f"{a['not_judged']} not judged (no datatrove tokenizer for their language)"
        )
        for doc_id, mine, ref in a["disagreements"]:
            print(f"  {doc_id}  pajama={mine}  datatrove={ref}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
