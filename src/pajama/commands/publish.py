"""`pajama publish RELEASE --to URI`: verify a release, then upload it to the Hub, S3 or a folder."""

from __future__ import annotations

import argparse
from typing import Any

from pajama.errors import PajamaError


def register(sub: Any) -> None:
    p = sub.add_parser("publish", help="verify a release and upload it to the Hugging Face Hub, S3 or a folder")
    p.add_argument("release", help="the release folder (<output>/<dataset>/<version>)")
    p.add_argument(
        "--to",
        required=True,
        metavar="URI",
        help="the dataset's home: hf://datasets/ORG/NAME, s3://bucket/prefix, any fsspec URL or a folder; "
        "the release goes to <version>/ in it",
    )
    p.add_argument("--private", action="store_true", help="create the Hub repo as private")
    p.add_argument("--workers", type=int, default=4, help="parallel file copies (fsspec targets)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.publish import publish

    try:
        result = publish(args.release, args.to, private=args.private, workers=args.workers)
    except OSError as e:  # network, permissions, Hub HTTP errors
        raise PajamaError(f"{args.to}: {e}") from e
    if result.already:
        print(f"already published: version {result.version} at {result.location} (same release_digest)")
    else:
        print(f"published version {result.version}: {result.files} files, {result.bytes:,} bytes -> {result.location}")
    return 0
