"""The work folder of one run: where checkpoints live, what marks a task done, how results are kept.

    <work_dir>/map/<source>/<input-key>/         one input's id-sorted runs and dedup features
    <work_dir>/map/<source>/<input-key>/result.json   written last: the input is done
    <work_dir>/write/<source>/<shard>.json       one shard's result: the shard is done
    <work_dir>/dedup.result                      the dedup decision (Parquet), renamed into place when whole
    <work_dir>/dedup/                            dedup spill files
    <work_dir>/engine/<name>/                    an engine's scratch space (results its workers hand back)

Every marker and result goes through fsspec and `storage.atomic_write`, so a crash never leaves a
half-written marker and `work_dir` may be any folder every worker reaches. The layout is written here
once; the driver, the engines and refilter ask this object for paths instead of joining them.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

import fsspec

from pajama.storage import InputFile, atomic_write

MAP_DONE = "result.json"


def input_key(inp: InputFile) -> str:
    """A checkpoint key for one input: its URI plus size and modification time (or ETag) where known."""
    stat: Any = ""
    path = inp.local_path
    if path is not None and os.path.exists(path):
        st = os.stat(path)
        stat = f"{st.st_size}:{st.st_mtime_ns}"
    return hashlib.sha256(f"{inp.source}\0{inp.uri}\0{stat}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class WorkDir:
    root: str

    @property
    def fs(self) -> fsspec.AbstractFileSystem:
        return fsspec.core.url_to_fs(self.root)[0]

    def path(self, *parts: str) -> str:
        return "/".join([self.root.rstrip("/"), *parts])

    # ------------------------------------------------------------------------------ layout

    def map_dir(self, source: str, inp: InputFile) -> str:
        return self.path("map", source, input_key(inp))

    def map_done(self, map_dir: str) -> str:
        return f"{map_dir.rstrip('/')}/{MAP_DONE}"

    def shard_done(self, source: str, shard: int) -> str:
        return self.path("write", source, f"{shard:05d}.json")

    @property
    def dedup_result(self) -> str:
        return self.path("dedup.result")

    @property
    def dedup_scratch(self) -> str:
        return self.path("dedup")

    def engine_scratch(self, engine: str, *parts: str) -> str:
        return self.path("engine", engine, *parts)

    # ------------------------------------------------------------------------------ files

    def exists(self, path: str) -> bool:
        return bool(self.fs.exists(path))

    def save_json(self, path: str, value: Any) -> None:
        """Write JSON atomically: the name appears only once the content is whole (a done marker)."""
        with atomic_write(path, "w") as f:
            json.dump(value, f)

    def load_json(self, path: str) -> Any:
        with self.fs.open(path, "r") as f:
            return json.load(f)

    def load_if_done(self, path: str) -> Any | None:
        """The JSON at a done marker, or None when the task has not finished."""
        return self.load_json(path) if self.exists(path) else None

    def rename(self, src: str, dst: str) -> None:
        self.fs.mv(src, dst)

    def clear(self) -> None:
        """Forget every checkpoint (`--fresh`)."""
        if self.exists(self.root):
            self.fs.rm(self.root, recursive=True)
