"""Wikipedia and arXiv reader throughput, one core each (reader only: no filters, no writing).

    python -m benchmarks.bench_arxiv_wiki --pages 3000 --submissions 600

Wikipedia: each real dump of the shared corpus (or the quickstart sample) has its pages cycled under new
page ids into one --pages-page .xml.bz2, read by the wikipedia reader (bz2, safe XML streaming, wikitext
to text). Reports pages/s (every page: articles, redirects, other namespaces), articles/s and MB/s of
wikitext per core, and the peak RSS, which stays flat as the dump grows (one page in memory).
arXiv: the corpus's submissions (or the quickstart samples) cycled into one monthly-bundle tar of
--submissions gzipped submissions, read by the arxiv reader (tar, gunzip, main file, includes,
cleaning). Reports submissions/s per core and peak RSS.
Each measurement runs in a fresh child process so its peak RSS is its own; rates are per CPU second of that
process (one core), so a busy shared machine distorts them less than wall time would.
"""

from __future__ import annotations

import argparse
import bz2
import gzip
import io
import json
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from benchmarks.corpus import CORPUS

PAGE = re.compile(rb"<page>.*?</page>", re.DOTALL)
PAGE_ID = re.compile(rb"(<page>.*?<id>)(\d+)(</id>)", re.DOTALL)


def wiki_dumps() -> list[tuple[str, bytes]]:
    """(name, decompressed UTF-8 XML) of each UTF-8 corpus dump with enough pages, or of the quickstart sample."""
    found = []
    for path in sorted((CORPUS / "wiki").glob("*")) if CORPUS.is_dir() else []:
        xml = bz2.decompress(path.read_bytes()) if path.suffix == ".bz2" else path.read_bytes()
        if xml.startswith(b"<") and xml.count(b"<page>") >= 100:
            found.append((path.name, xml))
    if not found:
        from pajama.samples import wiki as sample

        found.append(("sample-pages-articles.xml", sample.export().encode()))
    return found


def write_dump(path: Path, xml: bytes, pages_wanted: int) -> tuple[int, int]:
    """A dump of pages_wanted pages cycled from xml under fresh ids; (pages, wikitext bytes)."""
    head, tail = xml[: xml.index(b"<page>")], b"</mediawiki>\n"
    pages = PAGE.findall(xml)
    written = chars = 0
    with bz2.open(path, "wb") as out:
        out.write(head)
        while written < pages_wanted:
            for page in pages[: pages_wanted - written]:
                written += 1
                new_id = str(written).encode()
                page = PAGE_ID.sub(lambda m: m[1] + new_id + m[3], page, count=1)  # noqa: B023 - used at once
                chars += sum(len(t) for t in re.findall(rb"<text[^>]*>(.*?)</text>", page, re.DOTALL))
                out.write(b"  " + page + b"\n")
        out.write(tail)
    return written, chars


def arxiv_submissions() -> list[bytes]:
    paths = sorted((CORPUS / "arxiv" / "src").glob("*")) if CORPUS.is_dir() else []
    if not paths:
        from pajama.samples import arxiv as sample

        with tempfile.TemporaryDirectory() as tmp:
            sample.build(Path(tmp))
            paths_data = [p.read_bytes() for p in sorted((Path(tmp) / "arxiv").iterdir())]
        return paths_data
    blobs = [p.read_bytes() for p in paths]
    return [b if b[:2] == b"\x1f\x8b" else gzip.compress(b) for b in blobs]


def write_bundle(path: Path, wanted: int) -> int:
    blobs = arxiv_submissions()
    with tarfile.open(path, "w") as tf:
        for i in range(wanted):
            data = blobs[i % len(blobs)]
            info = tarfile.TarInfo(f"2001/2001.{i:05d}.gz")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return wanted


CHILD = """
import json, resource, sys, time
from collections import Counter
from pajama.record import Doc
from pajama.storage import InputFile
from pajama.sources.{module} import {cls} as Reader
path = sys.argv[1]
start, cpu = time.perf_counter(), time.process_time()
kinds = Counter()
for item in Reader().read(InputFile(uri=path, name=path.rsplit("/", 1)[-1], source="bench")):
    kinds["doc" if isinstance(item, Doc) else item.reason] += 1
seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({{"seconds": seconds, "cpu": cpu, "kinds": kinds, "rss_mb": rss}}))
"""


def measure(module: str, cls: str, path: Path) -> dict[str, Any]:
    code = CHILD.format(module=module, cls=cls)
    out = subprocess.run([sys.executable, "-c", code, str(path)], check=True, capture_output=True, text=True)
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=3000, help="pages per wiki dump")
    parser.add_argument("--submissions", type=int, default=600, help="submissions in the arXiv bundle")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        for name, xml in wiki_dumps():
            path = Path(tmp) / f"{name.split('.')[0]}.xml.bz2"
            pages, chars = write_dump(path, xml, args.pages)
            r = measure("wikipedia", "WikipediaReader", path)
            secs, docs = float(r["cpu"]), r["kinds"].get("doc", 0)
            print(
                f"wikipedia {name}: {pages} pages ({docs} articles, {chars / 1e6:.1f} MB wikitext) "
                f"in {secs:.1f} CPU s ({r['seconds']:.1f}s wall): "
                f"{pages / secs:.0f} pages/s, {docs / secs:.0f} articles/s, {chars / 1e6 / secs:.2f} MB/s per core; "
                f"peak RSS {r['rss_mb']:.0f} MB"
            )
        bundle = Path(tmp) / "arXiv_src_2001_001.tar"
        n = write_bundle(bundle, args.submissions)
        r = measure("arxiv", "ArxivReader", bundle)
        secs = float(r["cpu"])
        print(
            f"arxiv bundle: {n} submissions ({bundle.stat().st_size / 1e6:.1f} MB, {dict(r['kinds'])}) "
            f"in {secs:.1f} CPU s ({r['seconds']:.1f}s wall): "
            f"{n / secs:.1f} submissions/s per core; peak RSS {r['rss_mb']:.0f} MB"
        )


if __name__ == "__main__":
    main()
