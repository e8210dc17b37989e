"""Quickstart sample inputs, built deterministically on the user's machine (no network, no corpus copies).

They live beside the package, not in it (a wheel ships no WARC or dump generators): `pajama samples DIR`
runs them from a checkout, and so does `python -m examples.samples DIR` from the repository root.

Each module here defines `build(out: Path) -> None`, writing its inputs below `out/<module name>/`
from text every Python installation has (the standard library's pydoc topics, license files ...).
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path


def build_all(out: Path) -> list[str]:
    built = []
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        importlib.import_module(f"{__name__}.{info.name}").build(out)
        built.append(info.name)
    return built
