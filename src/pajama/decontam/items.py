"""Benchmark test items: read once from local JSONL/Parquet files (or fsspec URIs), validated up front.

A file that does not parse, a row without one of the named fields, or a field that holds no text is a
ConfigError naming the file, the row and the field: it is found before any input is read (exit 2).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import fsspec
import orjson

from pajama.decontam.config import BenchmarkSpec
from pajama.errors import ConfigError
from pajama.storage import decompressed


@dataclass(frozen=True, slots=True)
class Item:
    benchmark: str
    id: str
    text: str


def benchmark_digest(spec: BenchmarkSpec) -> str:
    """sha256 of the benchmark file's bytes: recorded in the manifest, and part of the index's name."""
    h = hashlib.sha256()
    try:
        with fsspec.open(spec.path, "rb") as f:
            while chunk := f.read(1 << 20):
                h.update(chunk)
    except (OSError, ValueError) as e:
        raise ConfigError(f"decontaminate.benchmarks.{spec.name}.path", f"cannot read {spec.path}: {e}") from None
    return h.hexdigest()


def read_items(spec: BenchmarkSpec, key: str) -> list[Item]:
    """Every item of one benchmark, in file order."""
    items = []
    for row_no, row in enumerate(_rows(spec, key)):
        where = f"{key}: {spec.path} row {row_no + 1}"
        parts = [_field_text(row, name, where) for name in spec.text_fields]
        item_id = str(_field(row, spec.id_field, where)) if spec.id_field else str(row_no)
        items.append(Item(spec.name, item_id, "\n".join(p for p in parts if p)))
    return items


def _rows(spec: BenchmarkSpec, key: str) -> Iterator[dict[str, Any]]:
    path = spec.path
    if path.endswith(".parquet"):
        yield from _parquet_rows(path, key)
        return
    try:
        with fsspec.open(path, "rb") as raw:
            for line_no, line in enumerate(decompressed(raw, path), start=1):
                if not line.strip():
                    continue
                try:
                    row = orjson.loads(line)
                except orjson.JSONDecodeError as e:
                    raise ConfigError(key, f"{path} line {line_no} is not JSON: {e}") from None
                if not isinstance(row, dict):
                    raise ConfigError(key, f"{path} line {line_no} is not a JSON object")
                yield row
    except OSError as e:
        raise ConfigError(key, f"cannot read {path}: {e}") from None


def _parquet_rows(path: str, key: str) -> Iterator[dict[str, Any]]:
    import pyarrow.lib

    from pajama import arrowcols

    try:
        with fsspec.open(path, "rb") as f:
            table = arrowcols.read_parquet(f)
    except (OSError, pyarrow.lib.ArrowException) as e:
        raise ConfigError(key, f"{path} is not a readable Parquet file: {e}") from None
    yield from table.to_pylist()


def _field(row: dict[str, Any], name: str, where: str) -> Any:
    if name not in row:
        raise ConfigError(where, f"no field {name!r} (fields: {', '.join(sorted(row)) or 'none'})")
    return row[name]


def _field_text(row: dict[str, Any], name: str, where: str) -> str:
    value = _field(row, name, where)
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "\n".join(str(v) for v in value)  # multiple choices: each choice on its own line
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise ConfigError(where, f"field {name!r} holds {type(value).__name__}, not text or a list of texts")
