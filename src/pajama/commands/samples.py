"""`pajama samples DIR`: build the quickstart's sample inputs (deterministic, offline).

The generators are not part of the package: they live in the source checkout under examples/samples/.
This command finds them in the current folder's checkout or in the one pajama is installed from
(an editable install), and says what to do when there is none (pajama installed from a wheel).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from pathlib import Path
from typing import Any

import pajama

GENERATORS = Path("examples") / "samples" / "__init__.py"


def register(sub: Any) -> None:
    p = sub.add_parser("samples", help="build the quickstart sample inputs into DIR (from a source checkout)")
    p.add_argument("dir", nargs="?", default="samples")
    p.set_defaults(func=main)


def checkout() -> Path | None:
    """The repository root holding examples/samples/: the current folder's, else the installed package's."""
    here = Path.cwd().resolve()
    package_root = Path(pajama.__file__).resolve().parents[2]  # src/pajama/__init__.py in a checkout
    for root in (here, *here.parents, package_root):
        if (root / GENERATORS).is_file():
            return root
    return None


def main(args: argparse.Namespace) -> int:
    root = checkout()
    if root is None:
        print(
            "pajama samples: the sample generators are not installed with the package (they live in the source "
            "checkout, examples/samples/). Clone the pajama repository and run `pajama samples DIR` inside it.",
            file=sys.stderr,
        )
        return 1
    if str(root) not in sys.path:
        sys.path.insert(0, str(root))
    built = importlib.import_module("examples.samples").build_all(Path(args.dir))
    print(f"samples in {args.dir}/: {', '.join(built)}")
    return 0
