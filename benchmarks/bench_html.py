"""`html` reader throughput: pages/s per core from a tar.gz of saved pages and from the same pages in a folder.

    .venv/bin/python -m benchmarks.bench_html [PAGES.tar.gz] [--repeat N]

Defaults to ../shared/corpus/html/trafilatura-cache-pages.tar.gz (109 news/blog pages, about 110 KB of
HTML each). Rates are per CPU-second of this process (time.process_time), so they do not depend on what
else shares the machine. Language id is on (the default), as in a real run.
"""

from __future__ import annotations

import argparse
import tarfile
import tempfile
import time
from pathlib import Path

from pajama.record import Doc
from pajama.sources.html import HtmlReader
from pajama.storage import InputFile

PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "html" / "trafilatura-cache-pages.tar.gz"


def run(reader: HtmlReader, inp: Path, repeat: int) -> tuple[float, int]:
    docs = 0
    start = time.process_time()
    for _ in range(repeat):
        source = InputFile(uri=str(inp), name=inp.name, source="pages", is_dir=inp.is_dir())
        docs += sum(isinstance(item, Doc) for item in reader.read(source))
    return time.process_time() - start, docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pages", nargs="?", type=Path, default=PAGES)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        with tarfile.open(args.pages) as tf:
            tf.extractall(tmp, filter="data")
        run(HtmlReader(extractor="resiliparse"), args.pages, 1)  # imports and the fastText model load: not timed
        for extractor in ("resiliparse", "trafilatura"):
            for label, inp in (("tar.gz", args.pages), ("folder", Path(tmp))):
                seconds, docs = run(HtmlReader(extractor=extractor), inp, args.repeat)  # type: ignore[arg-type]
                print(f"{extractor:<12} {label:<7}: {docs / seconds:7.1f} pages/s per core ({docs} documents)")


if __name__ == "__main__":
    main()
