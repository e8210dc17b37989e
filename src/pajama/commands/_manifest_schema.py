"""`pajama manifest schema`: print the JSON Schema of manifest.json."""

from __future__ import annotations

import argparse
from typing import Any


def register(verbs: Any) -> None:
    p = verbs.add_parser("schema", help="print the JSON Schema of manifest.json")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.manifests.schema import schema_text

    print(schema_text(), end="")
    return 0
