"""Registry of readers, filters, presets and engines under stable, versioned names (`gopher_quality@1`).

Built-in modules in `pajama.sources` and `pajama.filters` register themselves on import, the engines when
`pajama.jobs` is imported; third-party plugins come in through the entry-point groups `pajama.readers`,
`pajama.filters`, `pajama.presets` and `pajama.engines`. `pajama list` prints the built-ins from pajama._catalog
(generated from this registry) and comes here only when `plugins_installed()`.
"""

from __future__ import annotations

import difflib
import importlib
import importlib.machinery
import logging
import os
import pkgutil
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from pajama.errors import ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")

_READERS: dict[str, type] = {}
_FILTERS: dict[str, type] = {}
_PRESETS: dict[str, Preset] = {}
_ENGINES: dict[str, type] = {}
_builtins_imported = False
_plugins_loaded = False

PLUGIN_GROUPS = ("pajama.readers", "pajama.filters", "pajama.presets", "pajama.engines")
# A section header of entry_points.txt naming one of them (importlib.metadata strips blanks inside the brackets).
_PLUGIN_SECTION = re.compile(rf"^\s*\[\s*({'|'.join(map(re.escape, PLUGIN_GROUPS))})\s*\]\s*$", re.M)


@dataclass(frozen=True)
class Preset:
    """A named bundle of filter specs (each exactly as a config's `filters:` entry)."""

    name: str
    filters: list[Any]
    description: str
    version: int = 1
    citation: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


def _register(table: dict[str, type], kind: str, name: str, version: int) -> Callable[[type[T]], type[T]]:
    def deco(cls: type[T]) -> type[T]:
        if name in table and table[name] is not cls:
            raise ValueError(f"{kind} {name!r} registered twice ({table[name]} and {cls})")
        cls.name = name  # type: ignore[attr-defined]
        cls.version = version  # type: ignore[attr-defined]
        table[name] = cls
        return cls

    return deco


def register_reader(name: str, *, version: int = 1) -> Callable[[type[T]], type[T]]:
    return _register(_READERS, "reader", name, version)


def register_filter(name: str, *, version: int = 1) -> Callable[[type[T]], type[T]]:
    return _register(_FILTERS, "filter", name, version)


def register_engine(name: str, *, options: type | None = None, version: int = 1) -> Callable[[type[T]], type[T]]:
    """An engine class (pajama.engine.Executor), built as `cls(workers=N, **options)`; `options` is the
    pydantic model that validates its `engine.options` (none: it takes no options)."""

    def deco(cls: type[T]) -> type[T]:
        from pajama.engine import NoOptions

        cls.options_model = options or NoOptions  # type: ignore[attr-defined]
        return _register(_ENGINES, "engine", name, version)(cls)

    return deco


def register_preset(preset: Preset) -> Preset:
    _PRESETS[preset.name] = preset
    return preset


def discover() -> None:
    """Import every built-in source and filter module once, then the entry-point plugins."""
    global _plugins_loaded
    discover_builtins()
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from importlib.metadata import entry_points  # here: importing it costs more than a `pajama list`

    for group in PLUGIN_GROUPS:
        for ep in entry_points(group=group):
            try:
                ep.load()
            except Exception:  # a broken plugin must not take the built-ins down with it
                log.exception("could not load plugin %s from %s", ep.name, group)


def builtin_modules() -> list[str]:
    """The modules whose import registers every built-in: the public modules of pajama.sources and
    pajama.filters, then pajama.jobs (the engines)."""
    out = []
    for package in ("pajama.sources", "pajama.filters"):
        pkg = importlib.import_module(package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                out.append(f"{package}.{info.name}")
    return [*out, "pajama.jobs"]


def discover_builtins() -> None:
    """Import every built-in source and filter module and the engines once; no plugins."""
    global _builtins_imported
    if _builtins_imported:
        return
    _builtins_imported = True
    for module in builtin_modules():
        importlib.import_module(module)


_CATALOG_KINDS = {"reader": "sources", "filter": "filters", "preset": "presets", "engine": "engines"}
_plugins_on_path: dict[tuple[str, ...], bool] = {}


def _plugins() -> bool:
    """plugins_installed(), once per sys.path."""
    key = tuple(sys.path)
    if key not in _plugins_on_path:
        _plugins_on_path[key] = plugins_installed()
    return _plugins_on_path[key]


def _builtin_modules_of(kind: str) -> dict[str, str]:
    """{name: the built-in module that defines it} for `kind` ("reader", "filter", "preset", "engine"),
    from pajama._catalog.MODULES; with a plugin installed, which may add any name, everything is
    discovered instead and the answer is empty."""
    if _plugins():
        discover()
        return {}
    from pajama._catalog import MODULES

    return MODULES[_CATALOG_KINDS[kind]]


def _load(kind: str, name: str) -> None:
    """Register `name` of `kind` by importing only its module, so that a run imports the readers and
    filters its config names and not the 40 others."""
    module = _builtin_modules_of(kind).get(name)
    if module is not None:
        importlib.import_module(module)


def registered() -> dict[str, dict[str, Any]]:
    """What is registered so far, discovering nothing: {"sources": readers, "filters", "presets", "engines"},
    each sorted by name."""
    tables: dict[str, dict[str, Any]] = {
        "sources": _READERS,
        "filters": _FILTERS,
        "presets": _PRESETS,
        "engines": _ENGINES,
    }
    return {kind: dict(sorted(table.items())) for kind, table in tables.items()}


def plugins_installed() -> bool:
    """Whether an installed distribution may declare an entry point in PLUGIN_GROUPS. It reads the
    `entry_points.txt` of each dist-info and egg-info folder on sys.path, as importlib.metadata's path finder
    does, without importing importlib.metadata; a zip on sys.path or another distribution finder answers yes."""
    if any(hasattr(f, "find_distributions") and f is not importlib.machinery.PathFinder for f in sys.meta_path):
        return True
    for entry in sys.path:
        root = entry or "."
        if os.path.isfile(root):
            return True
        if root.lower().endswith(".egg") and _declares_plugin(os.path.join(root, "EGG-INFO")):
            return True
        try:
            children = os.listdir(root)
        except OSError:
            continue
        for child in children:
            if child.lower().endswith((".dist-info", ".egg-info")) and _declares_plugin(os.path.join(root, child)):
                return True
    return False


def _declares_plugin(info_dir: str) -> bool:
    try:
        with open(os.path.join(info_dir, "entry_points.txt"), encoding="utf-8", errors="replace") as f:
            return _PLUGIN_SECTION.search(f.read()) is not None
    except OSError:  # no entry points (or an egg-info file, not a folder)
        return False


def _split(spec: str) -> tuple[str, int | None]:
    name, _, ver = spec.partition("@")
    return name, (int(ver) if ver.isdigit() else None)


def _lookup(table: dict[str, Any], kind: str, spec: str, key: str) -> Any:
    name, version = _split(spec)
    if name not in table:
        _load(kind, name)
    if name not in table:
        discover()  # every name, for the message (or a plugin's)
    if name not in table:
        known = ", ".join(sorted(table)) or "none"
        extra = f"; presets: {', '.join(sorted(_PRESETS))}" if kind == "filter" else ""
        near = difflib.get_close_matches(name, [*table, *(_PRESETS if kind == "filter" else ())], n=1)
        hint = f"; did you mean {near[0]!r}?" if near else ""
        raise ConfigError(key, f"unknown {kind} {name!r}{hint} (known {kind}s: {known}{extra})")
    found = table[name]
    if version is not None and getattr(found, "version", 1) != version:
        raise ConfigError(key, f"{kind} {name!r} is at version {found.version}, not {version}")
    return found


def get_reader(spec: str, key: str = "reader") -> type:
    return _lookup(_READERS, "reader", spec, key)  # type: ignore[no-any-return]


def get_filter(spec: str, key: str = "filters") -> type:
    return _lookup(_FILTERS, "filter", spec, key)  # type: ignore[no-any-return]


def get_preset(spec: str, key: str = "filters") -> Preset:
    return _lookup(_PRESETS, "preset", spec, key)  # type: ignore[no-any-return]


def get_engine(spec: str, key: str = "engine") -> tuple[type, type]:
    """The engine class and its options model."""
    cls = _lookup(_ENGINES, "engine", spec, key)
    return cls, cls.options_model


def engines() -> dict[str, type]:
    discover()
    return dict(sorted(_ENGINES.items()))


def is_preset(name: str) -> bool:
    base = _split(name)[0]
    for kind, table in (("preset", _PRESETS), ("filter", _FILTERS)):
        if base not in table:
            _load(kind, base)
    return base in _PRESETS and base not in _FILTERS


def readers() -> dict[str, type]:
    discover()
    return dict(sorted(_READERS.items()))


def filters() -> dict[str, type]:
    discover()
    return dict(sorted(_FILTERS.items()))


def presets() -> dict[str, Preset]:
    """Every preset: the modules that define the built-in ones (everything with a plugin installed)."""
    for module in sorted(set(_builtin_modules_of("preset").values())):
        importlib.import_module(module)
    return dict(sorted(_PRESETS.items()))
