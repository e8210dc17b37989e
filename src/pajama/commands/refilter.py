"""`pajama refilter RELEASE --version V --set KEY=VALUE ...`: re-threshold from stored signals."""

from __future__ import annotations

import argparse
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("refilter", help="make a new release version by re-applying thresholds to stored signals")
    p.add_argument("release", help="the release folder whose signals are re-used")
    p.add_argument("--version", required=True, help="semver of the new release (its parent is RELEASE's)")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a new threshold, e.g. sources.web.filters.0.gopher_quality.min_words=100",
    )
    p.add_argument("--output", default=None, help="override `output`")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.build.refilter import refilter
    from pajama.manifests.show import print_summary

    manifest = refilter(args.release, args.overrides, version=args.version, output=args.output)
    from pajama.storage import join

    print_summary(manifest, join(args.output or manifest["config"]["output"], manifest["dataset"], manifest["version"]))
    return 0 if manifest["accounting"]["balanced"] else 1
