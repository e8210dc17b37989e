"""Registry of readers, filters, presets and engines under stable, versioned names (`gopher_quality@1`).

Built-in modules in `pajama.sources` and `pajama.filters` register themselves on import, the engines when
`pajama.jobs` is imported; third-party plugins come in through the entry-point groups `pajama.readers`,
`pajama.filters`, `pajama.presets` and `pajama.engines`.
"""

from __future__ import annotations

import difflib
import importlib
import logging
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from typing import Any, TypeVar

from pajama.errors import ConfigError

log = logging.getLogger(__name__)

T = TypeVar("T")

_READERS: dict[str, type] = {}
_FILTERS: dict[str, type] = {}
_PRESETS: dict[str, Preset] = {}
_ENGINES: dict[str, type] = {}
_discovered = False


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
    global _discovered
    if _discovered:
        return
    _discovered = True
    for package in ("pajama.sources", "pajama.filters"):
        pkg = importlib.import_module(package)
        for info in sorted(pkgutil.iter_modules(pkg.__path__), key=lambda m: m.name):
            if not info.name.startswith("_"):
                importlib.import_module(f"{package}.{info.name}")
    importlib.import_module("pajama.jobs")  # registers the built-in engines
    for group in ("pajama.readers", "pajama.filters", "pajama.presets", "pajama.engines"):
        for ep in entry_points(group=group):
            try:
                ep.load()
            except Exception:  # a broken plugin must not take the built-ins down with it
                log.exception("could not load plugin %s from %s", ep.name, group)


def _split(spec: str) -> tuple[str, int | None]:
    name, _, ver = spec.partition("@")
    return name, (int(ver) if ver.isdigit() else None)


def _lookup(table: dict[str, Any], kind: str, spec: str, key: str) -> Any:
    discover()
    name, version = _split(spec)
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
    discover()
    return _split(name)[0] in _PRESETS and _split(name)[0] not in _FILTERS


def readers() -> dict[str, type]:
    discover()
    return dict(sorted(_READERS.items()))


def filters() -> dict[str, type]:
    discover()
    return dict(sorted(_FILTERS.items()))


def presets() -> dict[str, Preset]:
    discover()
    return dict(sorted(_PRESETS.items()))
