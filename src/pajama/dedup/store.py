"""Stored signatures: minhash/<source>/part-NNNNN.parquet in a release.

Rows are the documents that went into dedup (kept and removed, so that `pajama dedup RELEASE
--threshold T` can re-cluster at any threshold), sharded like the data (pajama.sharding.shard_of) and
sorted by id. Columns: id, source, source_rank, length, exact, url, date, n_shingles, signature
(num_perm x uint32, datasketch-compatible hash values), and, when a DedupResult is given,
duplicate_of and dedup_reason (null for kept documents; a later release dedups only against the
documents this one kept). Shards with no document get no file.

Memory: shards are written in groups whose rows fit SHARD_GROUP_BYTES; each group reads the feature
files once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from pajama import arrowcols
from pajama.sharding import shard_name, shard_of

if TYPE_CHECKING:
    from pajama.dedup.stage import DedupResult

SHARD_GROUP_BYTES = 256 << 20
DROP = ("shingles",)


def _shards(path: str, shards: int) -> np.ndarray:
    ids = arrowcols.read_parquet(path, columns=["id"]).column(0).to_pylist()
    return np.array([shard_of(i, shards) for i in ids], dtype=np.int64)


def _groups(sizes: np.ndarray, row_bytes: int) -> Iterator[tuple[int, int]]:
    budget = max(1, SHARD_GROUP_BYTES // max(row_bytes, 1))
    lo, rows = 0, 0
    for shard, n in enumerate(sizes.tolist()):
        if rows and rows + n > budget:
            yield lo, shard
            lo, rows = shard, 0
        rows += n
    yield lo, len(sizes)


def _annotate(table: pa.Table, result: DedupResult | None) -> pa.Table:
    if result is None:
        return table
    infos = [result.removed.get(i) for i in table.column("id").to_pylist()]
    table = table.append_column("duplicate_of", arrowcols.strings([d.duplicate_of if d else None for d in infos]))
    return table.append_column("dedup_reason", arrowcols.strings([d.reason if d else None for d in infos]))


def write_signatures(
    feature_files: list[str], out_dir: str, *, shards: int, result: DedupResult | None = None
) -> list[str]:
    """Write out_dir/minhash/<source>/part-NNNNN.parquet from feature files; returns the paths written."""
    files = sorted(feature_files)
    by_source: dict[str, list[tuple[str, np.ndarray]]] = {}
    for path in files:
        source = arrowcols.read_parquet(path, columns=["source"]).column(0)
        if len(source) == 0 or "signature" not in pq.read_schema(path).names:
            continue
        by_source.setdefault(source[0].as_py(), []).append((path, _shards(path, shards)))
    written = []
    for source, parts in sorted(by_source.items()):
        folder = os.path.join(out_dir, "minhash", source)
        os.makedirs(folder, exist_ok=True)
        sizes = np.bincount(np.concatenate([s for _, s in parts]), minlength=shards)
        schema = pq.read_schema(parts[0][0])
        row_bytes = 4 * int(schema.field("signature").type.list_size) + 200
        for lo, hi in _groups(sizes, row_bytes):
            tables = []
            for path, shard in parts:
                keep = (shard >= lo) & (shard < hi)
                if keep.any():
                    columns = [c for c in pq.read_schema(path).names if c not in DROP]
                    table = arrowcols.read_parquet(path, columns=columns).filter(arrowcols.mask(keep))
                    tables.append(table.append_column("_shard", arrowcols.numbers(shard[keep])))
            if not tables:
                continue
            group = pa.concat_tables(tables)
            group = group.take(
                arrowcols.numbers(np.lexsort((np.arange(group.num_rows), arrowcols.to_numpy(group.column("_shard")))))
            )
            written.extend(_write_group(group, folder, schema.metadata, result))
    return written


def _write_group(
    group: pa.Table, folder: str, metadata: dict[bytes, bytes] | None, result: DedupResult | None
) -> list[str]:
    shard_col = arrowcols.to_numpy(group.column("_shard"))
    group = group.drop_columns(["_shard"])
    out = []
    for shard in np.unique(shard_col).tolist():
        part = group.filter(arrowcols.mask(shard_col == shard))
        part = part.sort_by("id")
        part = _annotate(part, result).replace_schema_metadata(metadata)
        path = os.path.join(folder, shard_name(shard, "parquet"))
        pq.write_table(part, path, compression="zstd")
        out.append(path)
    return out
