"""`pajama classifier train`: a fastText quality classifier, RedPajama-v1's way.

Positives come from a reference source (Wikipedia, books, a release of them), negatives from raw web
text; both are sampled to the same size, a share is held out, and the held-out accuracy is reported.
The model file is what the `quality_classifier` filter loads (`model: PATH`).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pajama.errors import ConfigError, InputError

log = logging.getLogger(__name__)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser("classifier", help="train a fastText quality classifier")
    verbs = parser.add_subparsers(dest="classifier_command", metavar="VERB")
    verbs.required = True
    train = verbs.add_parser(
        "train",
        help="positives from a reference source, negatives from raw web text (RedPajama-v1 recipe)",
        description="Train a fastText classifier; use the model as `quality_classifier: {model: PATH}`.",
    )
    paths = {"action": "extend", "nargs": "+", "required": True, "metavar": "PATH"}
    train.add_argument("--positive", **paths, help="JSONL(.zst/.gz)/Parquet files, folders or releases")
    train.add_argument("--negative", **paths, help="the same, for the negative class")
    train.add_argument("--positive-reader", metavar="READER", help="read --positive with this reader (e.g. wikipedia)")
    train.add_argument("--negative-reader", metavar="READER", help="read --negative with this reader (e.g. warc)")
    train.add_argument("--output", required=True, metavar="MODEL", help="where to write the model (.bin)")
    train.add_argument("--positive-label", default="wiki", help="label of the positive class (wiki)")
    train.add_argument("--negative-label", default="cc", help="label of the negative class (cc)")
    train.add_argument("--max-docs", type=int, default=100_000, metavar="N", help="documents per class (100000)")
    train.add_argument(
        "--positive-min-chars", type=int, default=1000, metavar="N", help="skip shorter positives (1000, as RPv1)"
    )
    train.add_argument("--holdout", type=float, default=0.1, metavar="FRAC", help="share held out for accuracy (0.1)")
    train.add_argument("--seed", type=int, default=0, help="sampling, split and training seed (0)")
    train.add_argument("--epoch", type=int, default=5, help="fastText epochs (5)")
    train.add_argument("--lr", type=float, default=0.1, help="fastText learning rate (0.1)")
    train.add_argument("--word-ngrams", type=int, default=1, help="fastText word n-grams (1)")
    train.add_argument("--dim", type=int, default=100, help="fastText vector size (100)")
    train.add_argument("--threads", type=int, default=1, help="fastText threads; 1 is reproducible (1)")
    train.set_defaults(func=run_train)


def texts(paths: list[str], reader: str | None, key: str) -> Iterator[str]:
    """Texts of the named inputs: the `text` of JSONL/Parquet records (files, folders, releases),
    or, with a reader, the documents that registered reader makes of each input."""
    if reader is not None:
        yield from _reader_texts(paths, reader, key)
        return
    from pajama.tokenization.texts import DATA_SUFFIXES, data_files, iter_texts

    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise ConfigError(key, f"no such file or folder: {raw}")
        for file in data_files(path):
            if file.name.endswith(DATA_SUFFIXES):
                yield from iter_texts(file)
            else:
                log.warning("skipping %s: not JSONL(.zst/.gz) or Parquet (name a --*-reader for raw sources)", file)


def _reader_texts(paths: list[str], name: str, key: str) -> Iterator[str]:
    from pajama import options, registry
    from pajama.record import Doc
    from pajama.storage import InputFile

    cls = registry.get_reader(name, f"{key}-reader")
    reader: Any = options.build(cls, {}, f"{key}-reader")
    for raw in paths:
        if not os.path.exists(raw):
            raise ConfigError(key, f"no such file or folder: {raw}")
        inp = InputFile(uri=raw, name=os.path.basename(raw), source="classifier", is_dir=os.path.isdir(raw))
        try:
            for item in reader.read(inp):
                if isinstance(item, Doc) and item.text.strip():
                    yield item.text
        except InputError as e:
            log.warning("%s: %s (using what was read)", raw, e)


def run_train(args: argparse.Namespace) -> int:
    from pajama.filters.classifier import TrainSettings, train_classifier

    if not 0.0 <= args.holdout < 1.0:
        raise ConfigError("--holdout", "must be in [0, 1)")
    settings = TrainSettings(
        positive_label=args.positive_label,
        negative_label=args.negative_label,
        max_docs=args.max_docs,
        positive_min_chars=args.positive_min_chars,
        holdout=args.holdout,
        seed=args.seed,
        epoch=args.epoch,
        lr=args.lr,
        word_ngrams=args.word_ngrams,
        dim=args.dim,
        threads=args.threads,
    )
    positives = texts(args.positive, args.positive_reader, "--positive")
    negatives = texts(args.negative, args.negative_reader, "--negative")
    report = train_classifier(positives, negatives, args.output, settings)
    print(json.dumps(report.to_dict()))
    return 0
