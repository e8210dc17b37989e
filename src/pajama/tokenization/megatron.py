"""Megatron-LM's indexed dataset (`<prefix>.bin` + `<prefix>.idx`), byte for byte as Megatron writes it.

Reference: NVIDIA/Megatron-LM, megatron/core/datasets/indexed_dataset.py (`_IndexWriter`,
`IndexedDatasetBuilder`, `DType`). `.bin` is the token ids of every document back to back, in the index
dtype, little-endian. `.idx` is, all little-endian:

    9 bytes   b"MMIDIDX\\x00\\x00"                 header
    u64       1                                   version
    u8        dtype code (DType: uint8=1 int8=2 int16=3 int32=4 int64=5 float64=6 float32=7 uint16=8)
    u64       S, the number of sequences
    u64       D, the number of entries of doc_idx (documents + 1)
    i32[S]    sequence lengths, in tokens
    i64[S]    sequence pointers: byte offset of each sequence in .bin
    i64[D]    doc_idx: sequence index where each document starts, 0 first, S last

pajama writes one sequence per document (what Megatron's preprocess_data.py does without
--split-sentences), so doc_idx is 0, 1, ..., S. The dtype is Megatron's `DType.optimal_dtype(vocab size)`:
uint16 when the vocabulary has fewer than 65500 ids, else int32.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

import numpy as np

from pajama.tokenization.files import PendingFile

INDEX_HEADER = b"MMIDIDX\x00\x00"
INDEX_VERSION = 1
DTYPE_CODES: dict[str, int] = {
    "uint8": 1,
    "int8": 2,
    "int16": 3,
    "int32": 4,
    "int64": 5,
    "float64": 6,
    "float32": 7,
    "uint16": 8,
}
MAX_SEQUENCE = 2**31 - 1  # lengths are int32


def optimal_dtype(vocab_size: int | None) -> np.dtype[Any]:
    """Megatron's `DType.optimal_dtype`: uint16 below 65500 ids, else int32."""
    return np.dtype(np.uint16) if vocab_size is not None and vocab_size < 65500 else np.dtype(np.int32)


class MegatronWriter:
    """Writes one Megatron indexed dataset; documents arrive as (flat token array, per-document lengths)."""

    def __init__(self, prefix: str, dtype: np.dtype[Any]) -> None:
        self.dtype = np.dtype(dtype).newbyteorder("<")
        self.prefix = prefix
        self.bin = PendingFile(prefix + ".bin")
        self.lengths: list[np.ndarray] = []

    def add(self, flat: np.ndarray, lengths: np.ndarray) -> None:
        if lengths.size and int(lengths.max()) > MAX_SEQUENCE:
            raise ValueError("a document longer than 2**31-1 tokens does not fit Megatron's int32 lengths")
        self.bin.write(flat.astype(self.dtype, copy=False).tobytes())
        self.lengths.append(lengths.astype(np.int32))

    def index_bytes(self) -> bytes:
        lengths = np.concatenate(self.lengths) if self.lengths else np.zeros(0, np.int32)
        itemsize = self.dtype.itemsize
        pointers = np.zeros(lengths.size, dtype="<i8")
        if lengths.size > 1:
            np.cumsum(lengths[:-1].astype(np.int64) * itemsize, out=pointers[1:])
        doc_idx = np.arange(lengths.size + 1, dtype="<i8")
        head = INDEX_HEADER + struct.pack("<Q", INDEX_VERSION) + struct.pack("<B", DTYPE_CODES[self.dtype.name])
        counts = struct.pack("<Q", lengths.size) + struct.pack("<Q", doc_idx.size)
        return head + counts + lengths.astype("<i4").tobytes() + pointers.tobytes() + doc_idx.tobytes()

    def close(self) -> list[dict[str, Any]]:
        idx = PendingFile(self.prefix + ".idx")
        try:
            idx.write(self.index_bytes())
        except BaseException:
            idx.abort()
            raise
        files = [_entry(self.bin), _entry(idx)]
        self.bin.commit()
        idx.commit()
        return files

    def abort(self) -> None:
        self.bin.abort()


def _entry(f: PendingFile) -> dict[str, Any]:
    return {"path": f.path, "sha256": f.sha.hexdigest(), "bytes": f.size, "format": "megatron"}


@dataclass
class MegatronIndex:
    dtype: np.dtype[Any]
    lengths: np.ndarray
    pointers: np.ndarray
    doc_idx: np.ndarray


def read_index(path: str) -> MegatronIndex:
    """Parse a `.idx` file (version 1, without Megatron's multimodal `modes` section)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:9] != INDEX_HEADER:
        raise ValueError(f"{path}: not a Megatron index (header {data[:9]!r})")
    (version,) = struct.unpack_from("<Q", data, 9)
    if version != INDEX_VERSION:
        raise ValueError(f"{path}: index version {version}, only {INDEX_VERSION} is known")
    code = data[17]
    names = {v: k for k, v in DTYPE_CODES.items()}
    if code not in names:
        raise ValueError(f"{path}: unknown dtype code {code}")
    sequences, documents = struct.unpack_from("<QQ", data, 18)
    offset = 34
    lengths = np.frombuffer(data, "<i4", sequences, offset)
    pointers = np.frombuffer(data, "<i8", sequences, offset + lengths.nbytes)
    doc_idx = np.frombuffer(data, "<i8", documents, offset + lengths.nbytes + pointers.nbytes)
    return MegatronIndex(np.dtype(names[code]).newbyteorder("<"), lengths, pointers, doc_idx)


class MegatronShard:
    """Read access to one indexed dataset: document i as an array of token ids."""

    format = "megatron"

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.index = read_index(prefix + ".idx")
        self.dtype = self.index.dtype
        self._bin: np.ndarray | None = None

    def _tokens(self) -> np.ndarray:
        if self._bin is None:
            self._bin = np.memmap(self.prefix + ".bin", dtype=np.uint8, mode="r")
        return self._bin

    def __len__(self) -> int:
        return int(self.index.doc_idx.size - 1)

    @property
    def tokens(self) -> int:
        return int(self.index.lengths.sum(dtype=np.int64))

    def document(self, i: int) -> np.ndarray:
        first, last = int(self.index.doc_idx[i]), int(self.index.doc_idx[i + 1])
        if last == first:
            return np.zeros(0, self.dtype)
        start = int(self.index.pointers[first])
        count = int(self.index.lengths[first:last].sum(dtype=np.int64))
        return np.frombuffer(self._tokens(), self.dtype, count, start)
