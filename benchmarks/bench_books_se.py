"""Books and StackExchange reader throughput, one core each (reader only: no filters, no writing).

    python -m benchmarks.bench_books_se --books-mb 100 --posts 300000

Books: the shared corpus's Project Gutenberg files (or the quickstart samples) copied until --books-mb of
text, read by the books reader (decode, strip, metadata, unwrap). Reports MB/s of book text per core.
StackExchange: the corpus's real Posts.xml rows cycled under new Ids into one --posts-row Posts.xml, read
by the stackexchange reader (stream, sqlite index, group, HTML to text). Reports rows/s per core and the
reader process's peak RSS, which stays flat as the dump grows (the index lives on disk).
Each measurement runs in a fresh child process so its peak RSS is its own.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.corpus import CORPUS

ID_ATTRS = re.compile(rb'\b(Id|ParentId|AcceptedAnswerId)="(\d+)"')
ID_STEP = 10_000_000


def book_texts() -> list[tuple[str, bytes]]:
    books = sorted((CORPUS / "books").glob("*.txt.gz")) if CORPUS.is_dir() else []
    if books:
        return [(p.name.removesuffix(".gz"), gzip.decompress(p.read_bytes())) for p in books]
    from pajama.samples import books as sample

    with tempfile.TemporaryDirectory() as tmp:
        sample.build(Path(tmp))
        return [(p.name, p.read_bytes()) for p in sorted((Path(tmp) / "books").iterdir())]


def write_books(folder: Path, megabytes: float) -> int:
    folder.mkdir(parents=True, exist_ok=True)
    texts, total, copy = book_texts(), 0, 0
    while total < megabytes * 1e6:
        for name, data in texts:
            (folder / f"copy{copy:04d}-{name}").write_bytes(data)
            total += len(data)
        copy += 1
    return total


def post_rows() -> list[bytes]:
    dumps = sorted((CORPUS / "stackexchange").rglob("*Posts.xml.gz")) if CORPUS.is_dir() else []
    if not dumps:
        from pajama.samples import stackexchange as sample

        return [r.encode() for r in sample.posts()]
    rows = []
    for path in dumps:
        rows.extend(re.findall(rb"<row\b[^>]*/>", gzip.decompress(path.read_bytes())))
    return rows


def write_posts(path: Path, rows_wanted: int) -> int:
    rows = post_rows()
    written, copy = 0, 0
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<posts>\n')
        while written < rows_wanted:
            shift = copy * ID_STEP

            def renumber(m: re.Match[bytes], shift: int = shift) -> bytes:
                return b'%s="%d"' % (m[1], int(m[2]) + shift)

            for row in rows[: rows_wanted - written]:
                out.write(b"  " + ID_ATTRS.sub(renumber, row) + b"\n")
            written += min(len(rows), rows_wanted - written)
            copy += 1
        out.write(b"</posts>\n")
    return written


def child(kind: str, path: str) -> None:
    """Read one input with one reader in this process; print the counts and the time taken."""
    from pajama import options, registry
    from pajama.storage import InputFile

    reader: Any = options.build(registry.get_reader(kind), {}, "bench")
    root = Path(path)
    inputs = [InputFile(uri=str(p), name=p.name, source=kind) for p in sorted(root.iterdir())] if root.is_dir() else [
        InputFile(uri=path, name="bench.stackexchange.com-Posts.xml", source=kind)
    ]  # fmt: skip
    t = time.perf_counter()
    items = docs = 0
    for inp in inputs:
        for item in reader.read(inp):
            items += 1
            docs += type(item).__name__ == "Doc"
    wall = time.perf_counter() - t
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"items": items, "docs": docs, "wall_s": wall, "peak_rss_mb": rss}))


def measure(kind: str, path: Path) -> dict[str, float]:
    cmd = [sys.executable, "-m", "benchmarks.bench_books_se", "--child", kind, str(path)]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--books-mb", type=float, default=50)
    ap.add_argument("--posts", type=int, default=200_000)
    ap.add_argument("--child", nargs=2, metavar=("READER", "PATH"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(*args.child)
        return
    root = Path(tempfile.mkdtemp(prefix="pajama-bench-books-se-"))
    try:
        size = write_books(root / "books", args.books_mb)
        r = measure("books", root / "books")
        print(json.dumps({"stage": "books reader", "books": r["docs"], "MB": round(size / 1e6, 1),
                          "MB_per_s_per_core": round(size / 1e6 / r["wall_s"], 2),
                          "peak_rss_mb": round(r["peak_rss_mb"])}))  # fmt: skip
        posts = root / "Posts.xml"
        rows = write_posts(posts, args.posts)
        r = measure("stackexchange", posts)
        print(json.dumps({"stage": "stackexchange reader", "rows": rows, "questions": r["docs"],
                          "MB": round(posts.stat().st_size / 1e6, 1), "posts_per_s_per_core": round(rows / r["wall_s"]),
                          "peak_rss_mb": round(r["peak_rss_mb"])}))  # fmt: skip
    finally:
        shutil.rmtree(root)


if __name__ == "__main__":
    main()
