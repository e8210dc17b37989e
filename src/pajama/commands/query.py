"""`pajama query RELEASE (--id ID | --url URL | --text-file F | --repo R) [--json] [--all-versions]`."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pajama.errors import ConfigError


def register(sub: Any) -> None:
    p = sub.add_parser("query", help="is a document in the release? kept, dropped (why), duplicate, removed, absent")
    p.add_argument("release", help="the release folder")
    what = p.add_mutually_exclusive_group(required=True)
    what.add_argument("--id", help="a document id")
    what.add_argument("--url", help="a URL (compared after URL normalization)")
    what.add_argument("--text-file", help="a file holding a text (exact match after normalization, and near match)")
    what.add_argument("--repo", help="a repository name (meta.repo)")
    p.add_argument("--all-versions", action="store_true", help="also ask every ancestor version")
    p.add_argument("--json", action="store_true", help="print the answer as JSON")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.build.query import query

    text = None
    if args.text_file:
        try:
            text = Path(args.text_file).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as e:
            raise ConfigError("--text-file", f"cannot read {args.text_file}: {e}") from None
    answers = query(args.release, id=args.id, url=args.url, text=text, repo=args.repo, all_versions=args.all_versions)
    if args.json:
        print(json.dumps(answers if args.all_versions else answers[0], indent=2))
        return 0
    for answer in answers:
        print(f"{answer['version']}: " + (answer.get("status") or f"{len(answer['matches'])} match(es)"))
        if "note" in answer:
            print(f"  {answer['note']}")
        for m in answer["matches"]:
            print(f"  {m['id']}  {_summary(m)}")
    return 0


def _summary(m: dict[str, Any]) -> str:
    if m["status"] == "kept":
        return f"kept in {m['path']}"
    if m["status"] == "duplicate":
        return f"duplicate ({m['reason']}) of {m['duplicate_of']}"
    if m["status"] == "removed":
        by = m["removed_by"]
        return f"removed in {by['version']} by request {str(by['request_sha256'])[:12]} ({by['reason']!r})"
    signals = ", ".join(f"{k}={v}" for k, v in sorted((m.get("signals") or {}).items()))
    return f"dropped by {m['stage']}: {m['reason']}" + (f" ({signals})" if signals else "")
