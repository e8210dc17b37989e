"""`pajama manifest datasheet RELEASE`: (re)write the release's README.md dataset card from its manifest."""

from __future__ import annotations

import argparse
from typing import Any


def register(verbs: Any) -> None:
    p = verbs.add_parser("datasheet", help="write the dataset card (README.md) from the manifest")
    p.add_argument("release")
    p.add_argument("--output", default=None, help="write here instead of RELEASE/README.md")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.manifests.card import render_card, write_release_file

    write_release_file(args.release, "README.md", render_card, args.output)
    return 0
