"""WARC reader throughput: records/s for the reader alone, documents/s per core with extraction and language id.

    .venv/bin/python benchmarks/bench_warc.py [FILE.warc.gz ...] [--repeat N]

Defaults to the HTML-bearing WARCs of ../shared/corpus/warc (real pages). One process, so the rates are
per core. "reader alone" parses records, verifies digests, classifies them and decodes the HTML to text
(everything but extraction and language id); "overhead" is that time as a share of the extraction path.
Targets (issue 3): reader overhead <= 10% of extraction time; resiliparse path >= 500 documents/s per core.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pajama.sources._html import decode_html
from pajama.sources.warc import WarcReader

from pajama.record import Doc, ReadItem
from pajama.storage import InputFile

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "warc"
DEFAULT_FILES = [
    "trafilatura-eval-shared.warc.gz",
    "trafilatura-cache.warc.gz",
    "cc-main-2020-34-excerpt.warc.gz",
    "dolma-wget-sample-0000.warc.gz",
    "iana-2014-liveweb.warc.gz",
]


@dataclass(frozen=True, kw_only=True)
class ReaderOnly(WarcReader):
    """The warc reader with extraction and language id replaced by decoding the HTML."""

    def _document(self, info: Any, payload: bytes, locator: dict[str, Any], state: Any) -> ReadItem:
        html, _, _ = decode_html(payload, info.charset)
        return Doc(html[:0], {}, locator, key=info.record_id)


def run(reader: WarcReader, files: list[Path], repeat: int) -> tuple[float, int, int]:
    """(seconds, records, documents) over `repeat` passes."""
    records = docs = 0
    start = time.perf_counter()
    for _ in range(repeat):
        for path in files:
            for item in reader.read(InputFile(uri=str(path), name=path.name, source="web")):
                records += 1
                docs += isinstance(item, Doc)
    return time.perf_counter() - start, records, docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("files", nargs="*", type=Path)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    files = args.files or [CORPUS / name for name in DEFAULT_FILES if (CORPUS / name).exists()]
    mb = sum(p.stat().st_size for p in files) / 1e6
    print(f"{len(files)} files, {mb:.1f} MB compressed, {args.repeat} passes")
    WarcReader(extractor="resiliparse").read  # noqa: B018 - import cost is not part of the timing
    list(WarcReader(extractor="resiliparse").read(InputFile(uri=str(files[0]), name="warm", source="web")))
    base_s, records, html_docs = run(ReaderOnly(), files, args.repeat)
    print(f"reader alone   : {records / base_s:8.0f} records/s  ({html_docs / base_s:.0f} HTML pages/s)")
    for extractor in ("resiliparse", "trafilatura"):
        seconds, _, docs = run(WarcReader(extractor=extractor), files, args.repeat)  # type: ignore[arg-type]
        overhead = base_s / max(seconds - base_s, 1e-9)
        print(
            f"{extractor:<15}: {docs / seconds:8.1f} documents/s per core  "
            f"(read+extract+lid; reader overhead {overhead:.1%} of extraction+lid time)"
        )


if __name__ == "__main__":
    main()
