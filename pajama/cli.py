"""The `pajama` console script: discovers the verbs in pajama.commands."""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys

from pajama import __version__
from pajama.errors import CheckFailed, ConfigError, PajamaError


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="pajama", description="Build open pretraining datasets, audited.")
    parser.add_argument("--version", action="version", version=f"pajama {__version__}")
    parser.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    import pajama.commands as commands

    for info in sorted(pkgutil.iter_modules(commands.__path__), key=lambda m: m.name):
        if not info.name.startswith("_"):
            importlib.import_module(f"pajama.commands.{info.name}").register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    level = [logging.WARNING, logging.INFO, logging.DEBUG][min(args.verbose, 2)]
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")
    try:
        return int(args.func(args) or 0)
    except ConfigError as e:
        print(f"pajama: config error: {e}", file=sys.stderr)
        return 2
    except CheckFailed as e:
        print(f"pajama: {e}", file=sys.stderr)
        return 1
    except PajamaError as e:
        print(f"pajama: {e}", file=sys.stderr)
        return 1
    except BrokenPipeError:
        return 0


if __name__ == "__main__":
    sys.exit(main())
