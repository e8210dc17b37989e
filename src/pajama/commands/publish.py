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
    p.add_argument(
        "--include",
        action="append",
        default=[],
        choices=["rejected", "signals", "minhash"],
        help="also publish this kind of shard (repeatable; default: data, tokens, manifest, card and report only)",
    )
    p.add_argument(
        "--include-license-rejected",
        action="store_true",
        help="with --include rejected: keep the documents a license rule dropped (left out otherwise)",
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.publish import publish

    try:
        result = publish(
            args.release,
            args.to,
            private=args.private,
            workers=args.workers,
            include=args.include,
            include_license_rejected=args.include_license_rejected,
        )
    except OSError as e:  # network, permissions, Hub HTTP errors
        raise PajamaError(f"{args.to}: {e}") from e
    if result.already and result.updated:
        print(f"already published: version {result.version} at {result.location}; updated {', '.join(result.updated)}")
    elif result.already:
        print(f"already published: version {result.version} at {result.location} (same release_digest)")
    else:
        print(f"published version {result.version}: {result.files} files, {result.bytes:,} bytes -> {result.location}")
    if result.withheld:
        print(withheld_summary(result.withheld))
    return 0


def withheld_summary(record: dict[str, Any]) -> str:
    """One line per kind left out, and the license-dropped documents (all listed in PUBLISHED.json)."""
    kinds: dict[str, int] = {}
    for entry in record["withheld_files"]:
        kinds[entry["kind"]] = kinds.get(entry["kind"], 0) + 1
    lines = [
        f"withheld: {n} {kind} file(s) (publish --include {kind} to add them)" for kind, n in sorted(kinds.items())
    ]
    docs = record["withheld_license_documents"]
    if docs:
        what = ", ".join(f"{n} {reason}" for reason, n in docs.items())
        lines.append(f"withheld: {sum(docs.values())} license-dropped document(s) from rejected/ ({what})")
    return "\n".join([*lines, "(listed in PUBLISHED.json beside the manifest)"])
