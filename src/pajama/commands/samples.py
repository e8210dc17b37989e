"""`pajama samples DIR`: build the quickstart's sample inputs (deterministic, offline)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("samples", help="build the quickstart sample inputs into DIR")
    p.add_argument("dir", nargs="?", default="samples")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.samples import build_all

    built = build_all(Path(args.dir))
    print(f"samples in {args.dir}/: {', '.join(built)}")
    return 0
