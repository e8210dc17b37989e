"""`pajama list [sources|filters|presets|engines]`: what is registered, with versions and options."""

from __future__ import annotations

import argparse
from typing import Any

from pajama import _catalog, registry

HEADERS = {"sources": "sources (readers):", "filters": "filters:", "presets": "presets:", "engines": "engines:"}


def register(sub: Any) -> None:
    p = sub.add_parser("list", help="list registered sources, filters, presets and engines")
    p.add_argument("what", nargs="?", choices=["sources", "filters", "presets", "engines"], default=None)
    p.add_argument(
        "--language",
        metavar="CODE",
        help="with `filters`: the words, stop words, sentence ends and thresholds that apply to this language",
    )
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    if getattr(args, "language", None):
        from pajama.commands._list_language import print_language

        print_language(args.language)
        return 0
    listing = listed()
    for kind, header in HEADERS.items():
        if args.what in (None, kind):
            print(header)
            for lines in listing[kind].values():
                print("\n".join(lines))
    return 0


def listed() -> _catalog.Listing:
    """The built-ins from the generated catalog, their modules (and numpy, pydantic, ICU) left unimported; with
    a plugin installed, everything from the real registry, since a plugin may add to the built-ins or clash."""
    if not registry.plugins_installed():
        return _catalog.BUILTINS
    registry.discover()
    return _catalog.render(registry.registered())
