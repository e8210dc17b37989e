"""`pajama dedup RELEASE --threshold T`: re-cluster a release's stored signatures at another threshold."""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from typing import Any


def register(sub: Any) -> None:
    p = sub.add_parser(
        "dedup",
        help="re-cluster a release's stored MinHash signatures at another threshold (no text is read)",
    )
    p.add_argument("release", metavar="RELEASE", help="release folder with minhash/<source>/part-*.parquet")
    p.add_argument("--threshold", type=float, required=True, help="Jaccard threshold in (0, 1]")
    p.add_argument("--output", help="folder for removed.parquet and stats.json (default: ./dedup-t<T>)")
    p.add_argument("--scope", choices=["source", "global"], help="default: the release's own scope")
    p.add_argument("--bands", type=int, help="LSH bands (with --rows); default: derived from the threshold")
    p.add_argument("--rows", type=int, help="rows per band (with --bands)")
    p.add_argument("--workers", type=int, default=1, help="processes for the partition phase")
    p.set_defaults(func=main)


def _summary(stats: dict[str, Any], out: str) -> list[str]:
    mh = stats.get("minhash", {})
    params = mh.get("params", {})
    lines = [
        f"documents       {stats['documents']}",
        f"removed         {stats['removed']}  {json.dumps(stats['removed_by_reason'], sort_keys=True)}",
        f"threshold       {params.get('threshold')}  bands x rows = {params.get('bands')} x {params.get('rows')}",
        f"pairs           {mh.get('candidate_pairs', 0)} candidates, {mh.get('verified_pairs', 0)} verified",
        f"clusters        {mh.get('clusters', 0)}  sizes {json.dumps(mh.get('cluster_sizes', {}))}",
    ]
    largest = mh.get("largest_cluster")
    if largest:
        lines.append(f"largest cluster {largest['size']} documents, kept {largest['kept']}")
    lines.append(f"written         {out}")
    return lines


def main(args: argparse.Namespace) -> int:
    from pajama.dedup.recluster import recluster
    from pajama.errors import ConfigError

    if not 0 < args.threshold <= 1:
        raise ConfigError("--threshold", f"must be in (0, 1], got {args.threshold}")
    if (args.bands is None) != (args.rows is None):
        raise ConfigError("--bands", "give --bands and --rows together")
    out = args.output or f"dedup-t{args.threshold:g}"
    os.makedirs(out, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="pajama-dedup-") as work:
        result = recluster(
            args.release,
            args.threshold,
            work_dir=work,
            workers=args.workers,
            scope=args.scope,
            bands=args.bands,
            rows=args.rows,
        )
    result.save(os.path.join(out, "removed.parquet"))
    with open(os.path.join(out, "stats.json"), "w", encoding="utf-8") as f:
        json.dump(result.stats, f, indent=2, sort_keys=True)
    for line in _summary(result.stats, out):
        print(line)
    for warning in result.stats.get("warnings", []):
        print(f"WARNING: {warning}", file=sys.stderr)
    return 0
