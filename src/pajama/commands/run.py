"""`pajama run CONFIG`: build a release."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pajama.build import config as config_mod


def register(sub: Any) -> None:
    p = sub.add_parser("run", help="build a release from a pipeline config")
    p.add_argument("config", help="YAML pipeline config")
    p.add_argument("--engine", default=None, help="a registered engine: local (default), beam, spark, a plugin")
    p.add_argument("--workers", type=int, default=None, help="worker processes (default: all cores)")
    p.add_argument(
        "--engine-opt",
        dest="engine_opts",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="an engine option (engine.options in the config), e.g. --engine-opt master=yarn",
    )
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
    p.add_argument(
        "--dry-run",
        action="store_true",
        help="print a summary of the plan (with --verbose: the resolved config and plan)",
    )
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging; with --dry-run the full plan")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.build import config as config_mod  # here, not at the top: `pajama --help` stays light
    from pajama.build import plan as plan_mod
    from pajama.engine import make_executor

    config = config_mod.load(args.config, args.overrides)
    plan = plan_mod.build(config, output=args.output)
    name, workers, options = engine_choice(config, args)
    executor = make_executor(name, workers=workers, options=options, args=getattr(args, "engine_args", []))
    if args.dry_run:
        if args.verbose:
            json.dump({"config": config.resolved(), "plan": plan.describe()}, sys.stdout, indent=2)
            print()
        else:
            print(dry_run_summary(plan.describe()))
        return 0
    if config.tokenizer:  # a Hub tokenizer is fetched now, before any input is read
        from pajama.tokenization.load import load_tokenizer

        load_tokenizer(config.tokenizer)
    from pajama.build.driver import run
    from pajama.manifests.show import print_summary
    from pajama.progress import Progress

    with Progress() as progress:
        manifest = run(plan, executor, fresh=args.fresh, overwrite=args.overwrite, progress=progress)
    print_summary(manifest, plan.release_uri)
    return 0 if manifest["accounting"]["balanced"] else 1


def engine_choice(config: config_mod.Config, args: argparse.Namespace) -> tuple[str, int | None, dict[str, Any]]:
    """The config's `engine:` section with the command line on top. Options the config gives for one
    engine do not follow `--engine` to another."""
    from pajama.build import config as config_mod

    section = config.engine or config_mod.EngineConfig.model_validate({})
    name = args.engine or section.name
    options = dict(section.options) if name == section.name else {}
    for key, value in config_mod.parse_overrides(args.engine_opts, flag="--engine-opt"):
        options[key] = value
    return name, args.workers or section.workers, options


def dry_run_summary(plan: dict[str, Any]) -> str:
    """A few lines a person reads before starting a long run: where, what, how many."""
    lines = [f"release  {plan['release']}", f"work dir {plan['work_dir']}"]
    for src in plan["sources"]:
        missing = sum(1 for i in src["inputs"] if i.endswith(" (missing)"))
        found = len(src["inputs"]) - missing
        lines.append(
            f"source   {src['name']}: {src['reader']}, {found} input(s)" + (f", {missing} missing" if missing else "")
        )
        stages = ", ".join(st["name"] for st in src["stages"]) or "none"
        lines.append(f"  filters {stages}")
    dedup = [k for k in ("exact", "minhash") if plan["dedup"].get(k) and plan["dedup"][k].get("enabled", True)]
    lines.append(f"dedup    {', '.join(dedup) or 'off'} (scope {plan['dedup']['scope']})")
    lines.append(f"tokenizer {plan['tokenizer'] or 'none'}")
    lines.append("(--dry-run --verbose prints the resolved config and plan as JSON)")
    return "\n".join(lines)
