"""pajama.arrowcols builds the arrays pyarrow's own conversions build, without importing pandas."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from pajama import arrowcols


@pytest.mark.parametrize(
    ("values", "type"),
    [
        ([1, -2, 3], pa.int64()),
        ([0, 7], pa.int32()),
        ([2**32 - 1, 0], pa.uint32()),
        ([1.5, -0.25], pa.float32()),
        ([1.5, -0.25], pa.float64()),
        ([True, False, True], pa.bool_()),
        ([], pa.int64()),
    ],
)
def test_numbers_equal_pa_array(values: list[object], type: pa.DataType) -> None:
    built = arrowcols.numbers(values, type)
    assert built.type == type
    assert built.equals(pa.array(values, type))
    assert arrowcols.to_numpy(built).tolist() == values


def test_numbers_take_the_numpy_dtype() -> None:
    assert arrowcols.numbers(np.array([3, 4], dtype=np.uint16)).equals(pa.array([3, 4], pa.uint16()))


def test_strings_and_fixed_binary_keep_their_nulls() -> None:
    assert arrowcols.strings(["a", None, "ü"]).equals(pa.array(["a", None, "ü"], pa.string()))
    values = [b"ab", None, b"cd"]
    built = arrowcols.fixed_binary(values, 2)
    assert built.equals(pa.array(values, pa.binary(2))) and built.null_count == 1
    with pytest.raises(ValueError, match="2 bytes"):
        arrowcols.fixed_binary([b"abc"], 2)


def test_uint32_lists() -> None:
    lists = [np.array([1, 2], np.uint32), np.zeros(0, np.uint32), np.array([5], np.uint32)]
    assert arrowcols.uint32_lists(lists).equals(pa.array([[1, 2], [], [5]], pa.list_(pa.uint32())))


def test_to_numpy_reads_slices_and_chunks() -> None:
    ints = pa.array(list(range(10)), pa.int64()).slice(3, 4)
    assert arrowcols.to_numpy(ints).tolist() == [3, 4, 5, 6]
    flags = pa.array([True, False] * 7).slice(5, 6)
    assert arrowcols.to_numpy(flags).tolist() == [False, True, False, True, False, True]
    chunked = pa.chunked_array([pa.array([1], pa.int32()), pa.array([2, 3], pa.int32())])
    assert arrowcols.to_numpy(chunked).tolist() == [1, 2, 3]
    with pytest.raises(ValueError, match="nulls"):
        arrowcols.to_numpy(pa.array([1, None], pa.int64()))


def test_to_objects_and_table_of() -> None:
    assert arrowcols.to_objects(pa.array(["x", None])).tolist() == ["x", None]
    schema = pa.schema([("id", pa.string()), ("row", pa.uint32())])
    built = arrowcols.table_of({"id": ["a", None], "row": [1, 2]}, schema)
    assert built.equals(pa.table({"id": ["a", None], "row": [1, 2]}, schema=schema))
