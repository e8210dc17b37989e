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
    argv = list(sys.argv[1:] if argv is None else argv)
    extra: list[str] = []
    if "--" in argv:  # `pajama run CONFIG --engine beam -- --option value`: the rest goes to the engine
        at = argv.index("--")
        argv, extra = argv[:at], argv[at + 1 :]
    parser = build_parser()
    args = parser.parse_args(argv)
    args.engine_args = extra
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
    except OSError as e:  # disk full, permissions: the run stops; a rerun resumes from its checkpoints
        print(f"pajama: {e.strerror or e}: {e.filename or ''} (rerun to resume once fixed)", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
