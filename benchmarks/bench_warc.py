"""WARC reader throughput: records/s for the reader alone, documents/s per core with extraction and language id.

    .venv/bin/python benchmarks/bench_warc.py [FILE.warc.gz ...] [--repeat N]

Defaults to the HTML-bearing WARCs of ../shared/corpus/warc, in two groups: crawl WARCs (Common Crawl
excerpts, wget and Internet Archive captures) and heavy news/blog pages (trafilatura's evaluation pages,
about 110 KB of HTML each). Rates are per CPU-second of this process (time.process_time), i.e. per core,
and so do not depend on what else shares the machine. "reader alone" parses records, verifies digests,
classifies them and decodes the HTML to text: everything but extraction and language id; its "overhead"
is that time as a share of the extraction + language id time.
Targets (issue 3): reader overhead <= 10% of extraction time; resiliparse path >= 500 documents/s per core.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pajama.record import Doc, ReadItem
from pajama.sources._html import decode_html
from pajama.sources.warc import WarcReader
from pajama.storage import InputFile

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "warc"
GROUPS = {
    "crawl WARCs": [
        "cc-main-2020-34-excerpt.warc.gz",
        "cc-main-2024-22-whirlwind.warc.gz",
        "dolma-wget-sample-0000.warc.gz",
        "iana-2014-liveweb.warc.gz",
        "iah-urls-wget.warc.gz",
    ],
    "news pages": ["trafilatura-eval-shared.warc.gz", "trafilatura-cache.warc.gz"],
}


@dataclass(frozen=True, kw_only=True)
class ReaderOnly(WarcReader):
    """The warc reader with extraction and language id replaced by decoding the HTML."""

    def _document(self, info: Any, payload: bytes, locator: dict[str, Any], state: Any) -> ReadItem:
        html, _, _ = decode_html(payload, info.charset)
        return Doc(html[:0], {}, locator, key=info.record_id)


def run(reader: WarcReader, files: list[Path], repeat: int) -> tuple[float, int, int]:
    """(seconds, records, documents) over `repeat` passes."""
    records = docs = 0
    start = time.process_time()
    for _ in range(repeat):
        for path in files:
            for item in reader.read(InputFile(uri=str(path), name=path.name, source="web")):
                records += 1
                docs += isinstance(item, Doc)
    return time.process_time() - start, records, docs


def bench(label: str, files: list[Path], repeat: int, lid_max_chars: int) -> None:
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"== {label}: {len(files)} files, {mb:.1f} MB compressed, {repeat} passes")
    base_s, records, pages = run(ReaderOnly(), files, repeat)
    print(f"reader alone   : {records / base_s:8.0f} records/s  ({pages / base_s:.0f} HTML pages/s)")
    for extractor in ("resiliparse", "trafilatura"):
        reader = WarcReader(extractor=extractor, lid_max_chars=lid_max_chars)  # type: ignore[arg-type]
        seconds, _, docs = run(reader, files, repeat)
        overhead = base_s / max(seconds - base_s, 1e-9)
        print(
            f"{extractor:<15}: {docs / seconds:8.1f} documents/s per core  "
            f"(read+extract+lid; reader overhead {overhead:.1%} of extraction+lid time)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--lid-max-chars", type=int, default=0, help="the readers' lid_max_chars option")
    args = parser.parse_args()
    groups = (
        {"files": args.files}
        if args.files
        else {label: [CORPUS / name for name in names if (CORPUS / name).exists()] for label, names in GROUPS.items()}
    )
    warm = next(p for files in groups.values() for p in files)
    for extractor in ("resiliparse", "trafilatura"):  # imports and model loading are not part of the timing
        list(WarcReader(extractor=extractor).read(InputFile(uri=str(warm), name="warm", source="web")))  # type: ignore[arg-type]
    for label, files in groups.items():
        if files:
            bench(label, files, args.repeat, args.lid_max_chars)


if __name__ == "__main__":
    main()
