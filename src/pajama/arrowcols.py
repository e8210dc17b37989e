"""Arrow columns and Parquet reads that leave pandas unimported.

pyarrow imports pandas (about 0.5 s and 300 modules) the first time `pa.array` or `pa.table` converts a
Python list or a numpy array, and `pq.read_table` imports it through `pyarrow.dataset`. A pajama run uses
neither pandas nor datasets, so its Arrow columns are built here from buffers (`Array.from_buffers`, the
string builder) and its Parquet files read with `ParquetFile`. The arrays are the ones `pa.array` would
build: same types, values and null counts, so files written from them are byte-identical.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from numpy.typing import ArrayLike

_NUMPY: dict[str, np.dtype[Any]] = {  # Arrow type name -> numpy dtype (`DataType.to_pandas_dtype` imports pandas)
    name: np.dtype(name) for name in ("int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
} | {"float": np.dtype(np.float32), "double": np.dtype(np.float64), "bool": np.dtype(bool)}


def strings(values: Iterable[str | None]) -> pa.Array:
    """A `string` array; None becomes null."""
    builder = pa.lib.StringBuilder()
    builder.append_values(list(values))
    return builder.finish()


def numbers(values: ArrayLike, type: pa.DataType | None = None) -> pa.Array:
    """A primitive array of `type` (default: the numpy dtype of `values`), no nulls."""
    dtype = _NUMPY[str(type)] if type is not None else None
    data = np.ascontiguousarray(np.asarray(values, dtype=dtype))
    if data.ndim != 1:
        raise ValueError(f"numbers: expected a 1-D array, got shape {data.shape}")
    arrow_type = type if type is not None else pa.from_numpy_dtype(data.dtype)
    if arrow_type == pa.bool_():
        return mask(data)
    return pa.Array.from_buffers(arrow_type, len(data), [None, pa.py_buffer(data)], null_count=0)


def mask(values: ArrayLike) -> pa.Array:
    """A `bool` array (a filter mask), no nulls."""
    flags = np.asarray(values, dtype=bool)
    bits = np.packbits(flags, bitorder="little")
    return pa.Array.from_buffers(pa.bool_(), len(flags), [None, pa.py_buffer(bits)], null_count=0)


def fixed_binary(values: Sequence[bytes | None], width: int) -> pa.Array:
    """A `binary(width)` array; None becomes null."""
    if any(v is not None and len(v) != width for v in values):
        raise ValueError(f"fixed_binary: every value must be {width} bytes")
    valid = np.fromiter((v is not None for v in values), dtype=bool, count=len(values))
    nulls = int(len(values) - valid.sum())
    data = b"".join(v if v is not None else bytes(width) for v in values)
    validity = pa.py_buffer(np.packbits(valid, bitorder="little")) if nulls else None
    return pa.Array.from_buffers(pa.binary(width), len(values), [validity, pa.py_buffer(data)], null_count=nulls)


def uint32_lists(lists: Sequence[np.ndarray]) -> pa.Array:
    """A `list<uint32>` array, one list per numpy array."""
    offsets = np.zeros(len(lists) + 1, dtype=np.int32)
    np.cumsum([len(x) for x in lists], out=offsets[1:])
    values = np.concatenate(lists).astype(np.uint32) if lists else np.zeros(0, np.uint32)
    return pa.ListArray.from_arrays(numbers(offsets), numbers(values))


def column(values: Sequence[Any], type: pa.DataType) -> pa.Array:
    """`values` as an array of `type`: strings (with nulls) or primitives (without)."""
    if type == pa.string():
        return strings(values)
    return numbers(values, type)


def table(columns: dict[str, pa.Array]) -> pa.Table:
    """A table from named arrays (in order)."""
    return pa.Table.from_arrays(list(columns.values()), names=list(columns))


def table_of(rows: Mapping[str, Sequence[Any]], schema: pa.Schema) -> pa.Table:
    """A table of `schema` from {name: values}, each converted by `column`."""
    return pa.Table.from_arrays([column(rows[f.name], f.type) for f in schema], schema=schema)


def parquet_file(source: Any) -> pq.ParquetFile:
    """A Parquet file from a local path (also that of a local file opened through fsspec), or from an open
    binary file read into memory first.

    pyarrow wraps a Python file object for its I/O threads, and the last of them to let go of it may do so
    while the interpreter shuts down: it then needs the GIL, cannot have it, and the process aborts with
    "terminate called without an active exception" after its work is done (apache/arrow#34314; seen here
    in about half the runs of `pajama manifest diff` on Parquet releases, through `pq.read_table`). Bytes
    in an Arrow buffer hold no Python object.
    """
    if isinstance(source, str | os.PathLike):
        return pq.ParquetFile(source)
    from fsspec.implementations.local import LocalFileOpener  # the caller opened it through fsspec

    if isinstance(source, LocalFileOpener):  # a local file: pyarrow reads it from its path
        return pq.ParquetFile(source.path)
    return pq.ParquetFile(pa.BufferReader(source.read()))


def read_parquet(source: Any, columns: list[str] | None = None) -> pa.Table:
    """One Parquet file (a path or an open binary file, see `parquet_file`) as a table, `columns` only when
    given."""
    with parquet_file(source) as f:
        return f.read(columns=columns)


def to_numpy(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """A primitive or bool column without nulls as a numpy array (`Array.to_numpy` imports pandas): a
    read-only view of the Arrow buffer where it can be, a copy for bool and chunked columns."""
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    if values.null_count:
        raise ValueError(f"to_numpy: {values.null_count} nulls in a {values.type} column")
    if values.type == pa.bool_():
        if len(values) == 0:
            return np.zeros(0, dtype=bool)
        bits = np.frombuffer(values.buffers()[1], dtype=np.uint8)
        flags = np.unpackbits(bits, count=values.offset + len(values), bitorder="little")
        return flags[values.offset :].astype(bool)
    dtype = _NUMPY[str(values.type)]
    if len(values) == 0:
        return np.zeros(0, dtype=dtype)
    return np.frombuffer(values.buffers()[1], dtype=dtype, count=len(values), offset=values.offset * dtype.itemsize)


def to_objects(values: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Any column as a numpy object array of Python values (None for null)."""
    out = np.empty(len(values), dtype=object)
    out[:] = values.to_pylist()
    return out
