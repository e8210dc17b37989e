"""Token shards as two plain NumPy `.npy` files, for frameworks that memory-map arrays directly.

    <prefix>.npy       1-D array of every document's token ids back to back (dtype as for Megatron:
                       uint16 below 65500 ids, else int32), a standard .npy file (format 1.0)
    <prefix>.idx.npy   1-D int64 array of length documents + 1: document d is tokens[idx[d]:idx[d + 1]]

Read with `np.load(prefix + ".npy", mmap_mode="r")`. The tokens file is streamed: its header is written
first with numpy's own header writer, which leaves room for the length to grow (numpy does this so
that arrays can be appended in place), and is rewritten with the final length on close. The bytes equal
`np.save(path, tokens)`.
"""

from __future__ import annotations

import hashlib
import io
from typing import Any

import numpy as np

from pajama.tokenization.files import PendingFile


def npy_header(dtype: np.dtype[Any], length: int) -> bytes:
    buf = io.BytesIO()
    header = {"descr": np.lib.format.dtype_to_descr(dtype), "fortran_order": False, "shape": (length,)}
    np.lib.format.write_array_header_1_0(buf, header)
    return buf.getvalue()


class NumpyWriter:
    """Writes `<prefix>.npy` (tokens) and `<prefix>.idx.npy` (document offsets)."""

    def __init__(self, prefix: str, dtype: np.dtype[Any]) -> None:
        self.prefix = prefix
        self.dtype = np.dtype(dtype).newbyteorder("<")
        self.tokens = PendingFile(prefix + ".npy")
        self.header_size = len(npy_header(self.dtype, 0))
        self.tokens.file.write(b"\0" * self.header_size)  # placeholder, rewritten on close
        self.count = 0
        self.lengths: list[np.ndarray] = []

    def add(self, flat: np.ndarray, lengths: np.ndarray) -> None:
        self.tokens.file.write(flat.astype(self.dtype, copy=False).tobytes())
        self.count += int(flat.size)
        self.lengths.append(lengths.astype(np.int64))

    def offsets(self) -> np.ndarray:
        lengths = np.concatenate(self.lengths) if self.lengths else np.zeros(0, np.int64)
        out = np.zeros(lengths.size + 1, dtype="<i8")
        np.cumsum(lengths, out=out[1:])
        return out

    def close(self) -> list[dict[str, Any]]:
        header = npy_header(self.dtype, self.count)
        if len(header) != self.header_size:
            raise RuntimeError(f"npy header grew from {self.header_size} to {len(header)} bytes")
        self.tokens.file.seek(0)
        self.tokens.file.write(header)
        idx = PendingFile(self.prefix + ".idx.npy")
        try:
            buf = io.BytesIO()
            np.save(buf, self.offsets(), allow_pickle=False)
            idx.write(buf.getvalue())
        except BaseException:
            idx.abort()
            raise
        tokens_entry: dict[str, Any] = {"path": self.tokens.path, "sha256": _sha256_file(self.tokens)}
        tokens_entry["format"] = "numpy"
        tokens_entry["bytes"] = self.header_size + self.count * self.dtype.itemsize
        idx_entry = {"path": idx.path, "sha256": idx.sha.hexdigest(), "bytes": idx.size, "format": "numpy"}
        self.tokens.commit()
        idx.commit()
        return [tokens_entry, idx_entry]

    def abort(self) -> None:
        self.tokens.abort()


def _sha256_file(f: PendingFile) -> str:
    f.file.flush()
    h = hashlib.sha256()
    f.file.seek(0)
    while data := f.file.read(1 << 20):
        h.update(data)
    return h.hexdigest()


class NumpyShard:
    """Read access to one numpy token shard."""

    format = "numpy"

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.offsets = np.load(prefix + ".idx.npy", allow_pickle=False)
        self._tokens: np.ndarray | None = None

    def _array(self) -> np.ndarray:
        if self._tokens is None:
            self._tokens = np.load(self.prefix + ".npy", mmap_mode="r", allow_pickle=False)
        return self._tokens

    @property
    def dtype(self) -> np.dtype[Any]:
        return self._array().dtype

    def __len__(self) -> int:
        return int(self.offsets.size - 1)

    @property
    def tokens(self) -> int:
        return int(self.offsets[-1])

    def document(self, i: int) -> np.ndarray:
        return np.asarray(self._array()[int(self.offsets[i]) : int(self.offsets[i + 1])])
