"""`pajama manifest report RELEASE`: (re)write the release's report.html (inline SVG plots) from its manifest."""

from __future__ import annotations

import argparse
from typing import Any


def register(verbs: Any) -> None:
    p = verbs.add_parser("report", help="write report.html (self-contained plots) from the manifest")
    p.add_argument("release")
    p.add_argument("--output", default=None, help="write here instead of RELEASE/report.html")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.manifests.card import render_report, write_release_file

    write_release_file(args.release, "report.html", render_report, args.output)
    return 0
