"""Typed options for readers and filters: keyword-only dataclasses validated once, at plan time."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

from pydantic import TypeAdapter, ValidationError

from pajama.errors import ConfigError

T = TypeVar("T")


def build(cls: type[T], options: dict[str, Any] | None, key: str) -> T:
    """Construct `cls` from config options; unknown keys and bad values fail naming the key."""
    options = dict(options or {})
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls} must be a dataclass")
    allowed = {f.name for f in dataclasses.fields(cls) if f.init}
    for name in options:
        if name not in allowed:
            raise ConfigError(f"{key}.{name}", f"unknown option; allowed: {', '.join(sorted(allowed)) or 'none'}")
    try:
        return TypeAdapter(cls).validate_python(options)
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{key}.{where}" if where else key, str(err["msg"]).removeprefix("Value error, ")) from None


def describe(obj: Any) -> dict[str, Any]:
    """Every parameter of a reader or filter, as recorded in the manifest."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name.startswith("_"):
            continue
        value = getattr(obj, f.name)
        out[f.name] = list(value) if isinstance(value, (tuple, frozenset, set)) else value
    return out
