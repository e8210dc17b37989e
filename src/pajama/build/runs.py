"""Sorted run files: the map phase's output, merged by id into shards by the write phase.

A run line is `id \\t status \\t facts \\t json`:
- status: `K` (kept so far) or `D<reason>` (dropped by a stage),
- facts: compact JSON [chars, language, license] so the write phase can count without parsing records,
- json: the record exactly as a release stores it, except `origin.sha256`, which is `null` until the
  write phase (which parses each line once) fills in the input's digest (the input is hashed while it streams).
Lines never contain raw newlines or tabs outside JSON strings (JSON escapes both).
"""

from __future__ import annotations

import heapq
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import zstandard

from pajama.sharding import shard_of

RUN_BUDGET_BYTES = 48 << 20
ZSTD_LEVEL = 1  # runs are temporary: speed over size


@dataclass(frozen=True, slots=True)
class RunLine:
    id: str
    status: str
    facts: bytes
    json: bytes

    @property
    def dropped(self) -> bool:
        return self.status != "K"

    @property
    def reason(self) -> str:
        return self.status[1:]


class RunWriter:
    """Buffers lines per shard; flushes each shard's buffer as one id-sorted zstd run file."""

    def __init__(self, out_dir: str, shards: int) -> None:
        self.out_dir = out_dir
        self.shards = shards
        self._buffers: dict[int, list[tuple[str, bytes]]] = {}
        self._bytes = 0
        self._flushes = 0
        self.files: list[tuple[int, str]] = []
        os.makedirs(out_dir, exist_ok=True)

    def add(self, record_id: str, status: str, facts: bytes, json_line: bytes) -> None:
        line = b"\t".join((record_id.encode(), status.encode(), facts, json_line)) + b"\n"
        self._buffers.setdefault(shard_of(record_id, self.shards), []).append((record_id, line))
        self._bytes += len(line)
        if self._bytes >= RUN_BUDGET_BYTES:
            self.flush()

    def flush(self) -> None:
        cctx = zstandard.ZstdCompressor(level=ZSTD_LEVEL)
        for shard in sorted(self._buffers):
            lines = self._buffers[shard]
            lines.sort()
            path = os.path.join(self.out_dir, f"s{shard:05d}-r{self._flushes:04d}.run.zst")
            with open(path, "wb") as f:
                f.write(cctx.compress(b"".join(line for _, line in lines)))
            self.files.append((shard, os.path.basename(path)))
        self._buffers.clear()
        self._bytes = 0
        self._flushes += 1


def read_run(path: str) -> Iterator[RunLine]:
    with open(path, "rb") as raw:
        reader = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw), 1 << 20)  # type: ignore[arg-type]
        for line in reader:
            rid, status, facts, body = line.rstrip(b"\n").split(b"\t", 3)
            yield RunLine(rid.decode(), status.decode(), facts, body)


def merge_runs(paths: Iterable[tuple[str, str]]) -> Iterator[tuple[str, RunLine]]:
    """Merge id-sorted runs (tagged with their input's digest) into one id-sorted stream.

    Ties (the same id from two inputs) are broken by the digest and then the bytes, never by file order.
    """

    def tagged(sha: str, path: str) -> Iterator[tuple[str, str, bytes, int, RunLine]]:
        for n, line in enumerate(read_run(path)):
            yield line.id, sha, line.json, n, line

    streams = [tagged(sha, path) for sha, path in paths]
    for _, sha, _, _, line in heapq.merge(*streams):
        yield sha, line
