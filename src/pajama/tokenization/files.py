"""Shard files written under a temporary name and renamed into place only when complete."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from typing import BinaryIO

from pajama.storage import is_remote


def local_prefix(out_prefix: str) -> str:
    """Token shards are memory-mapped by training code, so they are written to a local path."""
    if is_remote(out_prefix):
        raise ValueError(f"token shards need a local path, got {out_prefix!r}")
    return out_prefix[len("file://") :] if out_prefix.startswith("file://") else out_prefix


class PendingFile:
    """A file open under a hidden temporary name beside `path`; `commit` fsyncs and renames it.

    `sha256` covers the bytes passed to `write` (callers that seek back must not rely on it).
    """

    def __init__(self, path: str) -> None:
        self.path = path
        directory = os.path.dirname(path) or "."
        os.makedirs(directory, exist_ok=True)
        fd, self.tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        os.chmod(self.tmp, 0o644)  # mkstemp makes 0600; release files are for everyone to read
        self.file: BinaryIO = os.fdopen(fd, "w+b")
        self.sha = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | memoryview) -> None:
        self.file.write(data)
        self.sha.update(data)
        self.size += len(data)

    def commit(self) -> str:
        self.file.flush()
        os.fsync(self.file.fileno())
        self.file.close()
        os.replace(self.tmp, self.path)
        return self.path

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.tmp)
