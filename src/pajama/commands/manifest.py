"""`pajama manifest verify|show ...`: read, check and explain a release's manifest."""

from __future__ import annotations

import argparse
import importlib
import pkgutil
from typing import Any

from pajama.errors import CheckFailed


def register(sub: Any) -> None:
    p = sub.add_parser("manifest", help="verify, show and explain a release")
    verbs = p.add_subparsers(dest="verb", metavar="VERB")
    verbs.required = True
    v = verbs.add_parser("verify", help="check schema, checksums and the accounting law (exit 1 on mismatch)")
    v.add_argument("release")
    v.add_argument("--key", default=None, help="also check the manifest signature with this public key")
    v.set_defaults(func=verify_main)
    s = verbs.add_parser("show", help="readable summary: per-source funnel and drops by reason")
    s.add_argument("release")
    s.set_defaults(func=show_main)
    # Further verbs (trace, diff, datasheet, report, schema, sign) live in pajama.commands._manifest_*.
    import pajama.commands as commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if info.name.startswith("_manifest_"):
            importlib.import_module(f"pajama.commands.{info.name}").register(verbs)


def verify_main(args: argparse.Namespace) -> int:
    from pajama.manifests.verify import verify

    problems = verify(args.release)
    if args.key and not problems:
        from pajama.manifests.signing import verify_signature

        problems += verify_signature(args.release, args.key)
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        raise CheckFailed(f"{args.release}: {len(problems)} problem(s)")
    signed = " and the signature" if args.key else ""
    print(f"OK {args.release}: schema, checksums and accounting{signed} verified")
    return 0


def show_main(args: argparse.Namespace) -> int:
    from pajama.manifests.show import print_details
    from pajama.manifests.verify import load_manifest

    print_details(load_manifest(args.release))
    return 0
