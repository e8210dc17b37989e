"""Shard files: zstd JSONL (orjson lines) and Parquet (pyarrow, zstd), hashed as they are written."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import IO, Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq
import zstandard

from pajama import arrowcols
from pajama.storage import atomic_write

ZSTD_LEVEL = 3
WRITE_BUFFER = 1 << 20
PARQUET_ROW_GROUP = 10_000
PARQUET_SCHEMA = pa.schema(
    [
        ("id", pa.string()),
        ("text", pa.string()),
        ("source", pa.string()),
        ("meta", pa.string()),
        ("origin", pa.struct([("uri", pa.string()), ("sha256", pa.string()), ("locator", pa.string())])),
        ("signals", pa.string()),
    ]
)


class _HashingSink:
    """A write-only file wrapper that hashes and counts what passes through."""

    closed = False

    def __init__(self, f: IO[bytes]) -> None:
        self._f = f
        self.sha = hashlib.sha256()
        self.bytes = 0

    def tell(self) -> int:
        return self.bytes

    def writable(self) -> bool:
        return True

    def close(self) -> None:  # the atomic writer owns the real file
        self.closed = True

    def write(self, data: bytes) -> int:
        self.sha.update(data)
        self.bytes += len(data)
        return self._f.write(data)

    def flush(self) -> None:
        self._f.flush()


class JsonlZstWriter:
    """One JSON object per line, zstd level 3 single-threaded: the same lines give the same bytes."""

    suffix = "jsonl.zst"

    def __init__(self, uri: str) -> None:
        self._ctx = atomic_write(uri)
        self._sink = _HashingSink(self._ctx.__enter__())
        self._z = zstandard.ZstdCompressor(level=ZSTD_LEVEL).stream_writer(self._sink, closefd=False)  # type: ignore[arg-type]
        self._buffer: list[bytes] = []
        self._buffered = 0
        self.documents = 0

    def write_line(self, line: bytes) -> None:
        self._buffer.append(line)
        self._buffered += len(line)
        self.documents += 1
        if self._buffered >= WRITE_BUFFER:
            self._drain()

    def _drain(self) -> None:
        if self._buffer:
            self._buffer.append(b"")
            self._z.write(b"\n".join(self._buffer))
            self._buffer, self._buffered = [], 0

    def write(self, record: dict[str, Any]) -> None:
        self.write_line(orjson.dumps(record, option=orjson.OPT_NON_STR_KEYS))

    def close(self) -> tuple[str, int]:
        self._drain()
        self._z.flush(zstandard.FLUSH_FRAME)
        self._z.close()
        self._ctx.__exit__(None, None, None)
        return self._sink.sha.hexdigest(), self._sink.bytes

    def abort(self, exc: BaseException) -> None:
        self._ctx.__exit__(type(exc), exc, exc.__traceback__)


def _dumps(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()


class ParquetWriter:
    """Parquet with the record's columns; meta, locator and signals as JSON strings (their keys vary)."""

    suffix = "parquet"

    def __init__(self, uri: str) -> None:
        self._ctx = atomic_write(uri)
        self._sink = _HashingSink(self._ctx.__enter__())
        self._pq = pq.ParquetWriter(
            pa.PythonFile(self._sink, mode="w"), PARQUET_SCHEMA, compression="zstd", write_statistics=True
        )
        self._rows: list[dict[str, Any]] = []
        self.documents = 0

    def write_line(self, line: bytes) -> None:
        self.write(orjson.loads(line))

    def write(self, record: dict[str, Any]) -> None:
        origin = record.get("origin") or {}
        self._rows.append(
            {
                "id": record["id"],
                "text": record["text"],
                "source": record["source"],
                "meta": _dumps(record.get("meta") or {}),
                "origin": {
                    "uri": origin.get("uri"),
                    "sha256": origin.get("sha256"),
                    "locator": _dumps(origin.get("locator") or {}),
                },
                "signals": _dumps(record.get("signals") or {}),
            }
        )
        self.documents += 1
        if len(self._rows) >= PARQUET_ROW_GROUP:
            self._flush()

    def _flush(self) -> None:
        if self._rows:
            self._pq.write_table(pa.Table.from_pylist(self._rows, schema=PARQUET_SCHEMA))
            self._rows = []

    def close(self) -> tuple[str, int]:
        self._flush()
        self._pq.close()
        self._ctx.__exit__(None, None, None)
        return self._sink.sha.hexdigest(), self._sink.bytes

    def abort(self, exc: BaseException) -> None:
        self._ctx.__exit__(type(exc), exc, exc.__traceback__)


def write_signal_table(uri: str, rows: list[dict[str, Any]]) -> tuple[str, int]:
    """signals/<source>/part-N.parquet: one row per kept document (id first), one column per signal."""
    keys = sorted({k for row in rows for k in row if k != "id"})
    columns = {"id": pa.array([row["id"] for row in rows], pa.string())}
    for key in keys:
        values = [row.get(key) for row in rows]
        try:
            columns[key] = pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            columns[key] = pa.array([None if v is None else _dumps(v) for v in values], pa.string())
    table = pa.table(columns)
    with atomic_write(uri) as f:
        sink = _HashingSink(f)
        pq.write_table(table, pa.PythonFile(sink, mode="w"), compression="zstd")
    return sink.sha.hexdigest(), sink.bytes


def writer_for(fmt: str, uri_without_suffix: str) -> JsonlZstWriter | ParquetWriter:
    cls = ParquetWriter if fmt == "parquet" else JsonlZstWriter
    return cls(f"{uri_without_suffix}.{cls.suffix}")


def read_shard(path: str) -> Iterator[dict[str, Any]]:
    """Records of one data shard, in file order (either format)."""
    import fsspec

    if path.endswith(".parquet"):
        with fsspec.open(path, "rb") as f:
            table = arrowcols.read_parquet(f)
        for row in table.to_pylist():
            origin = row["origin"] or {}
            yield {
                "id": row["id"],
                "text": row["text"],
                "source": row["source"],
                "meta": orjson.loads(row["meta"] or "{}"),
                "origin": {
                    "uri": origin.get("uri"),
                    "sha256": origin.get("sha256"),
                    "locator": orjson.loads(origin.get("locator") or "{}"),
                },
                "signals": orjson.loads(row["signals"] or "{}"),
            }
        return
    with fsspec.open(path, "rb") as raw:
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        import io

        for line in io.BufferedReader(reader, 1 << 20):  # type: ignore[arg-type]
            if line.strip():
                yield orjson.loads(line)
