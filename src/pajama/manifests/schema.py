"""The JSON Schema of manifest.json (`manifest.schema.json`, shipped as package data) and its validation.

`pajama manifest verify` calls validate_manifest; `pajama manifest schema` prints the schema.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

SCHEMA_FILE = "manifest.schema.json"

#: Lower edges (characters) of the `lengths` histogram a manifest keeps per source: the write phase
#: counts into them, the report draws them.
LENGTH_BUCKETS = [0, 100, 300, 1_000, 3_000, 10_000, 30_000, 100_000, 300_000, 1_000_000]


def schema_text() -> str:
    return resources.files("pajama.manifests").joinpath(SCHEMA_FILE).read_text(encoding="utf-8")


@functools.cache
def manifest_schema() -> dict[str, Any]:
    return json.loads(schema_text())  # type: ignore[no-any-return]


@functools.cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    schema = manifest_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def validate_manifest(manifest: Any) -> list[str]:
    """One line per schema violation, naming the key path ("sources.web.kept") and what is wrong."""
    errors = sorted(_validator().iter_errors(manifest), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"manifest.json: {_where(e.absolute_path)}: {_message(e)}" for e in errors]


def _where(path: Any) -> str:
    parts = [f"[{p}]" if isinstance(p, int) else f".{p}" for p in path]
    return "".join(parts).lstrip(".") or "(top level)"


def _message(error: Any) -> str:
    message = str(error.message)
    return message if len(message) <= 200 else message[:197] + "..."
