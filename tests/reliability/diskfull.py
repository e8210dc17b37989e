"""An injected full disk, for a child process: writes below `root` fail with ENOSPC once `budget` bytes
were written there. Installed by patching `open`, `io.open` and `os.fdopen` (how pajama opens every file
it writes from Python; Parquet files written natively by pyarrow are not covered: the tmpfs test is)."""

from __future__ import annotations

import builtins
import errno
import io
import os
from typing import Any


class _Meter:
    def __init__(self, root: str, budget: int, report: str | None) -> None:
        self.root = os.path.realpath(root) + os.sep
        self.budget = budget
        self.written = 0
        self.report = os.open(report, os.O_WRONLY | os.O_CREAT | os.O_TRUNC) if report else None

    def charge(self, n: int) -> None:
        if self.written + n > self.budget:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        self.written += n
        if self.report is not None:  # the running total, for a test to size its budgets
            os.pwrite(self.report, f"{self.written:>20}".encode(), 0)


class _FullDisk:
    """A file object whose writes draw on the meter; everything else is the real file's."""

    def __init__(self, f: Any, meter: _Meter) -> None:
        self._f = f
        self._meter = meter

    def write(self, data: Any) -> int:
        self._meter.charge(len(data))
        return int(self._f.write(data))

    def writelines(self, lines: Any) -> None:
        for line in lines:
            self.write(line)

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self._f.close()

    def __iter__(self) -> Any:
        return iter(self._f)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._f, name)


def install(root: str, budget: int, report: str | None = None) -> _Meter:
    meter = _Meter(root, budget, report)
    real_open, real_fdopen = builtins.open, os.fdopen

    def wrap(f: Any, path: Any, mode: str) -> Any:
        writing = any(c in mode for c in "wax+")
        if writing and isinstance(path, str) and os.path.realpath(path).startswith(meter.root):
            return _FullDisk(f, meter)
        return f

    def patched_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return wrap(real_open(file, mode, *args, **kwargs), file, mode)

    def patched_fdopen(fd: int, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        return wrap(real_fdopen(fd, mode, *args, **kwargs), os.readlink(f"/proc/self/fd/{fd}"), mode)

    builtins.open = patched_open
    io.open = patched_open
    os.fdopen = patched_fdopen
    return meter
