"""`pajama manifest keygen KEY` and `pajama manifest sign RELEASE --key KEY` (Ed25519); see verify --key."""

from __future__ import annotations

import argparse
from typing import Any

from pajama.errors import CheckFailed


def register(verbs: Any) -> None:
    k = verbs.add_parser("keygen", help="create an Ed25519 key pair for signing releases (KEY and KEY.pub)")
    k.add_argument("key", metavar="KEY", help="path of the private key to create; the public key goes to KEY.pub")
    k.set_defaults(func=keygen_main)
    s = verbs.add_parser("sign", help="sign a verified release: writes manifest.sig and lists it in SHA256SUMS")
    s.add_argument("release")
    s.add_argument("--key", required=True, metavar="KEY", help="private key made by `pajama manifest keygen`")
    s.set_defaults(func=sign_main)


def keygen_main(args: argparse.Namespace) -> int:
    from pajama.manifests.signing import keygen

    private, public = keygen(args.key)
    print(f"private key: {private} (keep it secret)\npublic key:  {public} (publish it with your releases)")
    return 0


def sign_main(args: argparse.Namespace) -> int:
    from pajama.manifests.signing import sign
    from pajama.manifests.verify import verify

    problems = verify(args.release)
    for problem in problems:
        print(f"FAIL {problem}")
    if problems:
        raise CheckFailed(f"{args.release}: not signed, {len(problems)} problem(s) found by verify")
    print(f"signed: {sign(args.release, args.key)}")
    return 0
