"""`pajama tokens inspect PATH`: decode token shards back to text (and check them against the release)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from pajama.errors import CheckFailed, ConfigError


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("tokens", help="inspect token shards")
    verbs = parser.add_subparsers(dest="tokens_command", metavar="VERB")
    verbs.required = True
    inspect = verbs.add_parser(
        "inspect",
        help="decode documents of token shards back to text, as JSONL",
        description="PATH is a shard file (.bin/.idx/.npy/.idx.npy), a shard prefix, or a folder of shards.",
    )
    inspect.add_argument("path", metavar="PATH")
    inspect.add_argument("--limit", type=int, default=5, metavar="N", help="documents to print in all (5)")
    inspect.add_argument(
        "--tokenizer", metavar="SPEC", help="tokenizer to decode with (default: the release manifest's config)"
    )
    inspect.add_argument(
        "--check",
        action="store_true",
        help="decode every document and compare with the release data shard it came from; exit 1 on a mismatch",
    )
    inspect.set_defaults(func=run_inspect)


def run_inspect(args: argparse.Namespace) -> int:
    from pajama.tokenization.load import load_tokenizer
    from pajama.tokenization.read import find_shards, open_shard, tokenizer_spec_for

    shards = find_shards(args.path)
    if not shards:
        raise ConfigError("PATH", f"{args.path}: no token shards (.bin+.idx or .npy+.idx.npy) there")
    spec = args.tokenizer or tokenizer_spec_for(shards[0][0])
    if spec is None:
        raise ConfigError("--tokenizer", "cannot tell which tokenizer wrote these shards; name it with --tokenizer")
    tokenizer = load_tokenizer(spec)
    if args.check:
        return _check(tokenizer, [(p, open_shard(p, f)) for p, f in shards])
    left = args.limit
    for prefix, fmt in shards:
        if left <= 0:
            break
        left -= _print_documents(tokenizer, prefix, open_shard(prefix, fmt), left)
    return 0


def _print_documents(tokenizer: Any, prefix: str, shard: Any, limit: int) -> int:
    from pajama.tokenization.read import decoded

    printed = 0
    for i, n, text in decoded(tokenizer, shard, limit):
        row = {"shard": prefix, "format": shard.format, "document": i, "tokens": n, "text": text}
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
        printed += 1
    return printed


def _check(tokenizer: Any, shards: list[tuple[str, Any]]) -> int:
    from pajama.tokenization.read import decoded
    from pajama.tokenization.texts import data_shard_for, iter_texts

    failed = []
    for prefix, shard in shards:
        source = data_shard_for(Path(prefix))
        report: dict[str, Any] = {"shard": prefix, "format": shard.format, "documents": len(shard)}
        report.update(tokens=shard.tokens, data=str(source) if source else None)
        if source is None:
            failed.append(prefix)
            report["error"] = "no data shard for it (expected <release>/data/<source>/<name>.*)"
        else:
            texts = list(iter_texts(source))
            mismatches = [i for i, _, text in decoded(tokenizer, shard) if i >= len(texts) or texts[i] != text]
            report.update(
                data_documents=len(texts), mismatches=len(mismatches), first_mismatch=next(iter(mismatches), None)
            )
            if mismatches or len(texts) != len(shard):
                failed.append(prefix)
        print(json.dumps(report))
    if failed:
        raise CheckFailed(f"{len(failed)} of {len(shards)} token shards do not decode to their release text")
    return 0
