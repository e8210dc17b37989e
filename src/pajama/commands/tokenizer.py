"""`pajama tokenizer train`: train a byte-level BPE tokenizer on files, folders or a release."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("tokenizer", help="train a tokenizer")
    verbs = parser.add_subparsers(dest="tokenizer_command", metavar="VERB")
    verbs.required = True
    train = verbs.add_parser(
        "train",
        help="byte-level BPE (GPT-2 style) with Hugging Face tokenizers",
        description="Train a byte-level BPE tokenizer; use the output folder as `tokenizer: DIR` in a config.",
    )
    train.add_argument(
        "--input",
        action="extend",
        nargs="+",
        required=True,
        metavar="PATH",
        help="text/JSONL/Parquet files, globs, folders, or a release folder (its data/ shards)",
    )
    train.add_argument("--vocab-size", type=int, required=True, metavar="N", help="vocabulary size, specials included")
    train.add_argument("--output", required=True, metavar="DIR", help="folder for tokenizer.json and friends")
    train.add_argument("--min-frequency", type=int, default=2, metavar="N", help="least count for a merge (2)")
    train.set_defaults(func=run_train)


def run_train(args: argparse.Namespace) -> int:
    from pajama.tokenization.load import load_tokenizer
    from pajama.tokenization.train import train_tokenizer

    info = train_tokenizer(args.input, vocab_size=args.vocab_size, output=args.output, min_frequency=args.min_frequency)
    tokenizer = load_tokenizer(args.output)
    summary = {
        "output": args.output,
        "vocab_size": info["vocab_size"],
        "texts": info["texts"],
        "chars": info["chars"],
        "inputs": len(info["inputs"]),
        "digest": tokenizer.digest,
    }
    print(json.dumps(summary))
    return 0
