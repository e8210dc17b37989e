"""`pajama run CONFIG`: build a release."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from pajama.build import config as config_mod
from pajama.build import plan as plan_mod


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="build a release from a pipeline config")
    p.add_argument("config", help="YAML pipeline config")
    p.add_argument("--engine", choices=["local", "beam", "spark"], default="local")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument("--output", default=None, help="override `output`")
    p.add_argument(
        "--set",
        dest="overrides",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="override a config key, e.g. --set shards=8 --set sources.web.options.extractor=resiliparse",
    )
    p.add_argument("--fresh", action="store_true", help="ignore checkpoints of an earlier attempt")
    p.add_argument("--overwrite", action="store_true", help="replace an existing release of the same version")
    p.add_argument("--dry-run", action="store_true", help="print the resolved config and plan, do nothing")
    p.add_argument("--runner", default=None, help="Beam runner (DirectRunner, FlinkRunner, SparkRunner, ...)")
    p.add_argument("--master", default=None, help="Spark master (local[2], spark://host:7077, yarn)")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.jobs import get_executor

    config = config_mod.load(args.config, args.overrides)
    plan = plan_mod.build(config, output=args.output)
    if args.dry_run:
        json.dump({"config": config.resolved(), "plan": plan.describe()}, sys.stdout, indent=2)
        print()
        return 0
    engine_opts: dict[str, Any] = {}
    if args.engine == "beam":
        engine_opts = {"runner": args.runner, "pipeline_args": list(getattr(args, "engine_args", []))}
    elif args.engine == "spark":
        engine_opts = {"master": args.master, "conf": _spark_conf(getattr(args, "engine_args", []))}
    executor = get_executor(args.engine, workers=args.workers, **engine_opts)
    from pajama.build.driver import run
    from pajama.manifests.show import print_summary
    from pajama.progress import Progress

    with Progress() as progress:
        manifest = run(plan, executor, fresh=args.fresh, overwrite=args.overwrite, progress=progress)
    print_summary(manifest, plan.release_uri)
    return 0 if manifest["accounting"]["balanced"] else 1


def _spark_conf(pairs: list[str]) -> dict[str, str]:
    """`-- spark.executor.memory=4g spark.submit.pyFiles=dist/pajama.whl`: Spark settings after `--`."""
    from pajama.errors import ConfigError

    conf = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.startswith("spark."):
            raise ConfigError("--", f"Spark settings after -- are spark.key=value, got {pair!r}")
        conf[key] = value
    return conf
