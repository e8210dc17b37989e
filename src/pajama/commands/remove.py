"""`pajama remove RELEASE --version V --reason TEXT [--ids F] [--urls F] [--domains F] [--repos F] [--texts F]`."""

from __future__ import annotations

import argparse
import sys
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser("remove", help="make a new release version without the documents a removal request names")
    p.add_argument("release", help="the release folder to remove documents from (the new version's parent)")
    p.add_argument("--version", required=True, help="semver of the new release")
    p.add_argument("--reason", required=True, help="why (recorded in the manifest, e.g. 'opt-out request #12')")
    p.add_argument("--ids", help="file: one document id per line")
    p.add_argument("--urls", help="file: one URL per line (compared after URL normalization)")
    p.add_argument("--domains", help="file: one domain per line (subdomains included)")
    p.add_argument("--repos", help="file: one repository name per line (meta.repo)")
    p.add_argument("--texts", help='JSONL of {"text": ...} objects, or a text file holding one text')
    p.add_argument("--output", default=None, help="folder for the new version (default: beside RELEASE)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.build.removal import KINDS, load_request
    from pajama.build.remove import remove
    from pajama.manifests.show import print_summary
    from pajama.storage import join

    request = load_request(args.reason, {kind: getattr(args, kind) for kind in KINDS})
    manifest = remove(args.release, request, version=args.version, output=args.output)
    if manifest is None:
        print(
            f"pajama: warning: the request ({request.sha256[:12]}) matched no document; no new version", file=sys.stderr
        )
        return 0
    base = args.output or args.release.rstrip("/").rsplit("/", 2)[0]
    print_summary(manifest, join(base, manifest["dataset"], manifest["version"]))
    last = manifest["removals"][-1]
    print(f"removed {last['documents']} documents: " + ", ".join(f"{k} {v}" for k, v in last["removed"].items()))
    return 0 if manifest["accounting"]["balanced"] else 1
