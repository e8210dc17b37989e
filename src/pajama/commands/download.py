"""`pajama download URI --to DIR`: fetch a release (or some of its shards), verified file by file and as a whole."""

from __future__ import annotations

import argparse
import sys
import threading
from typing import Any

from pajama.errors import PajamaError


def register(sub: Any) -> None:
    p = sub.add_parser("download", help="fetch a published release, or some of its shards, and verify it")
    p.add_argument("uri", help="hf://datasets/ORG/NAME, https://mirror/.../, s3://..., or a folder")
    p.add_argument("--to", required=True, metavar="DIR", help="the folder that becomes the release folder")
    p.add_argument("--version", default=None, help="the version to fetch (default: the latest published)")
    p.add_argument(
        "--source", dest="sources", action="append", default=[], metavar="S", help="only this source (repeatable)"
    )
    p.add_argument(
        "--shards",
        dest="patterns",
        action="append",
        default=[],
        metavar="PATTERN",
        help="only shards whose path matches this glob, e.g. 'data/*/part-0000[0-3]*' (repeatable)",
    )
    p.add_argument(
        "--kind",
        dest="kinds",
        action="append",
        default=[],
        metavar="KIND",
        help="shards of this kind: data, rejected, signals, minhash, tokens, or all (repeatable; default: data, "
        "with manifest, SHA256SUMS, card and report)",
    )
    p.add_argument("--workers", type=int, default=4, metavar="N", help="parallel transfers (default 4)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.download import download

    try:
        with BytesProgress() as progress:
            result = download(
                args.uri,
                args.to,
                version=args.version,
                sources=args.sources,
                patterns=args.patterns,
                kinds=args.kinds,
                workers=args.workers,
                progress=progress,
            )
    except OSError as e:  # Hub HTTP errors, unwritable destination
        raise PajamaError(f"{args.uri}: {e}") from e
    m = result.manifest
    what = "subset verified (manifest checks + every downloaded file)" if result.subset else "manifest verify OK"
    print(
        f"downloaded {m['dataset']} {m['version']}: {result.files} files, {result.fetched_bytes:,} bytes "
        f"transferred -> {result.dest}; {what}"
    )
    return 0


class BytesProgress:
    """A rich bar over bytes on a terminal; one line per finished file elsewhere."""

    def __init__(self) -> None:
        self.tty = sys.stderr.isatty()
        self._bar: Any = None
        self._task: Any = None
        self._lock = threading.Lock()

    def __enter__(self) -> BytesProgress:
        if self.tty:
            from rich.progress import (
                BarColumn,
                DownloadColumn,
                Progress,
                TextColumn,
                TimeRemainingColumn,
                TransferSpeedColumn,
            )

            self._bar = Progress(
                TextColumn("download"),
                BarColumn(),
                DownloadColumn(),
                TransferSpeedColumn(),
                TimeRemainingColumn(),
                TextColumn("{task.fields[files]}"),
            )
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def start(self, total_bytes: int, files: int) -> None:
        self._files, self._done = files, 0
        if self._bar is not None:
            self._task = self._bar.add_task("download", total=total_bytes or None, files=f"0/{files} files")
        else:
            print(f"downloading {files} files ({total_bytes:,} bytes of shards)", file=sys.stderr)

    def advance(self, n: int) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=n)

    def file_done(self, rel: str, size: int, how: str) -> None:
        with self._lock:
            self._done += 1
            if self._bar is not None:
                self._bar.update(self._task, files=f"{self._done}/{self._files} files")
            else:
                print(f"{how} {rel} ({size:,} bytes)", file=sys.stderr)
