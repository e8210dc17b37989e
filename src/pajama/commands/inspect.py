"""`pajama inspect READER FILE`: what a reader makes of one input, as JSONL (skips and errors included)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pajama.storage import InputFile


def register(sub: Any) -> None:
    p = sub.add_parser("inspect", help="show what a reader makes of one input, as JSONL")
    p.add_argument("reader", help="a registered reader (pajama list sources)")
    p.add_argument("file", help="the input file, folder or URI")
    p.add_argument("--limit", type=int, default=None, help="stop after N items")
    p.add_argument("--option", "-o", action="append", default=[], metavar="KEY=VALUE", help="a reader option")
    p.add_argument("--source", default="inspect", help="source name used for ids")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    import orjson  # here, not at the top: `pajama --help` stays light

    from pajama import options, registry
    from pajama.build.config import parse_overrides
    from pajama.errors import InputError
    from pajama.storage import InputFile

    cls = registry.get_reader(args.reader, "READER")
    reader: Any = options.build(cls, dict(parse_overrides(args.option)), "--option")
    inp = InputFile(
        uri=args.file, name=os.path.basename(args.file.rstrip("/")), source=args.source, is_dir=os.path.isdir(args.file)
    )
    out = sys.stdout.buffer
    try:
        for n, item in enumerate(reader.read(inp)):
            if args.limit is not None and n >= args.limit:
                break
            out.write(orjson.dumps(_row(item, args.source, inp), option=orjson.OPT_NON_STR_KEYS) + b"\n")
    except InputError as e:
        out.write(orjson.dumps({"status": "input_error", "reason": e.reason, "detail": e.message}) + b"\n")
    out.flush()
    return 0


def _row(item: Any, source: str, inp: InputFile) -> dict[str, Any]:
    from pajama.record import Doc, Failure, Skip, canonical_json, make_id, normalize_text

    if isinstance(item, Doc):
        identity = (item.key,) if item.key else (inp.name, canonical_json(item.locator))
        return {
            "status": "document",
            "id": make_id(source, *identity),
            "text": normalize_text(item.text),
            "meta": item.meta,
            "locator": item.locator,
        }
    if isinstance(item, Skip):
        return {"status": "skipped", "reason": item.reason, "locator": item.locator, "detail": item.detail}
    if isinstance(item, Failure):
        return {"status": "error", "reason": item.reason, "locator": item.locator, "detail": item.detail}
    raise TypeError(f"reader yielded {type(item).__name__}")
