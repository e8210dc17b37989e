"""`pajama list [sources|filters|presets|engines]`: what is registered, with versions and options."""

from __future__ import annotations

import argparse
import dataclasses
from typing import Any

from pajama import registry


def register(sub: Any) -> None:
    p = sub.add_parser("list", help="list registered sources, filters, presets and engines")
    p.add_argument("what", nargs="?", choices=["sources", "filters", "presets", "engines"], default=None)
    p.add_argument(
        "--language",
        metavar="CODE",
        help="with `filters`: the words, stop words, sentence ends and thresholds that apply to this language",
    )
    p.set_defaults(func=main)


def _fields(cls: type) -> str:
    parts = []
    for f in dataclasses.fields(cls):
        if f.init and not f.name.startswith("_"):
            default = (
                f.default
                if f.default is not dataclasses.MISSING
                else (f.default_factory() if f.default_factory is not dataclasses.MISSING else "required")
            )
            parts.append(f"{f.name}={default!r}")
    return ", ".join(parts)


def main(args: argparse.Namespace) -> int:
    if getattr(args, "language", None):
        from pajama.commands._list_language import print_language

        print_language(args.language)
        return 0
    if args.what in (None, "sources"):
        print("sources (readers):")
        for name, cls in registry.readers().items():
            print(f"  {name}@{getattr(cls, 'version', 1)}  {_fields(cls)}")
    if args.what in (None, "filters"):
        print("filters:")
        for name, cls in registry.filters().items():
            print(f"  {name}@{getattr(cls, 'version', 1)}  {_fields(cls)}")
    if args.what in (None, "presets"):
        print("presets:")
        for name, preset in registry.presets().items():
            print(f"  {name}@{preset.version}  {preset.description}")
            for spec in preset.filters:
                print(f"      - {spec}")
    if args.what in (None, "engines"):
        print("engines:")
        for name, cls in registry.engines().items():
            model = cls.options_model  # type: ignore[attr-defined]
            opts = ", ".join(f"{k}={f.get_default(call_default_factory=True)!r}" for k, f in model.model_fields.items())
            print(f"  {name}@{getattr(cls, 'version', 1)}  {opts}")
    return 0
