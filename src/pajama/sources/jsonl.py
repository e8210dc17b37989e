"""Readers for existing datasets: JSONL (plain, .gz, .zst, .bz2, .xz) and Parquet, with configurable fields."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

import orjson

from pajama.errors import InputError
from pajama.raw import RawRecord, decode, open_decompressed
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.registry import register_reader
from pajama.storage import InputFile, decompressed


@dataclass(frozen=True, kw_only=True)
class _Fields:
    text_field: str = "text"
    id_field: str | None = "id"
    meta_field: str | None = "meta"
    #: other top-level fields copied into meta (e.g. ["url", "title"])
    meta_fields: tuple[str, ...] = ()

    def to_doc(self, row: dict[str, Any], locator: dict[str, Any]) -> ReadItem:
        text = row.get(self.text_field)
        if text is None:
            return Skip("jsonl.no_text", locator)
        if not isinstance(text, str):
            return Failure("jsonl.text_not_string", locator, type(text).__name__)
        meta = row.get(self.meta_field) if self.meta_field else None
        meta = dict(meta) if isinstance(meta, dict) else {}
        for name in self.meta_fields:
            if name in row:
                meta[name] = row[name]
        key = None
        if self.id_field and row.get(self.id_field) is not None:
            key = f"id:{row[self.id_field]}"
            meta.setdefault("source_id", row[self.id_field])
        return Doc(text=text, meta=meta, locator=locator, key=key)


@register_reader("jsonl")
@dataclass(frozen=True, kw_only=True)
class JsonlReader(_Fields):
    """One JSON object per line. A record's id is its `id_field` value when present, else file + line.

    Note: with `id_field`, the id depends only on that value, so two inputs repeating an id give one
    document (the second counts as `dedup.same_id`).
    """

    accepts_dirs: ClassVar[bool] = False
    max_line_bytes: int = 256 << 20

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        stream = decompressed(inp.open(), inp.name)
        for lineno, line in enumerate(_lines(stream, self.max_line_bytes), start=1):
            locator = {"line": lineno}
            if line is None:
                yield Failure("jsonl.line_too_long", locator)
                continue
            if not line.strip():
                continue
            try:
                row = orjson.loads(line)
            except orjson.JSONDecodeError as e:
                reason = "jsonl.invalid_utf8" if "utf-8" in str(e).lower() else "jsonl.malformed_json"
                yield Failure(reason, locator, str(e)[:200])
                continue
            if not isinstance(row, dict):
                yield Failure("jsonl.not_an_object", locator)
                continue
            yield self.to_doc(row, locator)

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord:
        """The raw line {line} (1-based), for `pajama manifest trace`."""
        line_no = int(locator["line"])
        with open_decompressed(path) as stream:
            for n, line in enumerate(stream, start=1):
                if n == line_no:
                    text, encoding = decode(line.rstrip(b"\r\n"))
                    return RawRecord("jsonl line", text, {"line": n, "encoding": encoding})
        raise LookupError(f"no line {line_no}")


def _lines(stream: Any, limit: int) -> Iterator[bytes | None]:
    """Lines of a binary stream; a line longer than `limit` yields None (and is skipped whole)."""
    while True:
        line = stream.readline(limit + 1)
        if not line:
            return
        if len(line) > limit and not line.endswith(b"\n"):
            while True:
                rest = stream.readline(limit)
                if not rest or rest.endswith(b"\n"):
                    break
            yield None
            continue
        yield line


@register_reader("parquet")
@dataclass(frozen=True, kw_only=True)
class ParquetReader(_Fields):
    """Parquet files, read one row group at a time (bounded memory)."""

    accepts_dirs: ClassVar[bool] = False

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        import pyarrow as pa
        import pyarrow.parquet as pq

        path = inp.local_path  # Parquet needs seeks; the engine still hashes every byte when done
        try:
            pf = pq.ParquetFile(path) if path else pq.ParquetFile(pa.BufferReader(inp.open().read()))
        except (pa.ArrowInvalid, OSError) as e:
            raise InputError("parquet.invalid", str(e)) from e
        row = 0
        for group in range(pf.num_row_groups):
            try:
                table = pf.read_row_group(group)
            except (pa.ArrowInvalid, OSError) as e:
                raise InputError("parquet.bad_row_group", f"row group {group}: {e}") from e
            for record in table.to_pylist():
                yield self.to_doc(record, {"row": row})
                row += 1

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord:
        """The raw row {row} (0-based, across row groups) as JSON, for `pajama manifest trace`."""
        import json

        import fsspec

        from pajama.arrowcols import parquet_file

        row = int(locator["row"])
        with fsspec.open(path, "rb") as f:
            pf = parquet_file(f)
            first = 0
            for group in range(pf.num_row_groups):
                n = pf.metadata.row_group(group).num_rows
                if first <= row < first + n:
                    values = pf.read_row_group(group).slice(row - first, 1).to_pylist()[0]
                    text = json.dumps(values, ensure_ascii=False, indent=2, default=str)
                    return RawRecord("parquet row", text, {"row": row, "row_group": group})
                first += n
        raise LookupError(f"no row {row} (the file has {first})")
