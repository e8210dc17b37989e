"""`pajama manifest datasheet|report RELEASE`: (re)write README.md (the dataset card) or report.html
(inline SVG plots) from the release's manifest."""

from __future__ import annotations

import argparse
from typing import Any

#: verb -> (file written in the release, help)
VERBS = {
    "datasheet": ("README.md", "write the dataset card (README.md) from the manifest"),
    "report": ("report.html", "write report.html (self-contained plots) from the manifest"),
}


def register(verbs: Any) -> None:
    for verb, (name, help_text) in VERBS.items():
        p = verbs.add_parser(verb, help=help_text)
        p.add_argument("release")
        p.add_argument("--output", default=None, help=f"write here instead of RELEASE/{name}")
        p.set_defaults(func=main, file_name=name)


def main(args: argparse.Namespace) -> int:
    from pajama.manifests.card import render_card, render_report, write_release_file

    render = render_card if args.file_name == "README.md" else render_report
    write_release_file(args.release, args.file_name, render, args.output)
    return 0
