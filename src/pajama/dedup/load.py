"""Load feature files (this release) and stored signatures (previous releases) for resolve().

Documents get one canonical index: rows sorted by (id, release), where release 0 is the new release
and 1, 2 ... the previous ones in the order given. Nothing downstream depends on the order of the
files. Small per-document columns stay in memory (about 60 bytes plus the id and url per document);
signatures (4 x num_perm bytes per document) go to a memory-mapped .npy in the work folder, indexed
canonically, and are read back partition by partition.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from pajama import arrowcols
from pajama.dedup.features import file_parameters, signature_matrix
from pajama.dedup.normalize import EXACT_HASH_BYTES

LIGHT = ["id", "source", "source_rank", "length", "exact", "url", "date", "n_shingles"]
MINHASH_KEYS = ("num_perm", "seed", "hash", "scheme", "unit", "ngram")
READ_BATCH = 65_536


@dataclass
class Docs:
    """Every document that takes part in dedup, in canonical order."""

    ids: pa.Array
    source_names: list[str]
    source: np.ndarray  # int32 code into source_names
    rank: np.ndarray  # int32 source_rank
    length: np.ndarray  # int64
    previous: np.ndarray  # bool: from a previous release (never removed, always kept first)
    exact: np.ndarray | None  # (n, 2) uint64, None when no file has exact hashes
    has_exact: np.ndarray  # bool: the document has an exact hash comparable with this run's
    url: pa.Array
    date: pa.Array
    n_shingles: np.ndarray  # int32
    signature_path: str | None  # (n, num_perm) uint32 .npy, canonical order
    shingle_path: str | None  # flat uint32 .npy of distinct shingle hashes (verify == "exact")
    shingle_start: np.ndarray | None  # int64 offsets into shingle_path, canonical order
    shingle_count: np.ndarray | None
    params: dict[str, Any]

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class Part:
    """One file that takes part: a feature file (release 0) or stored signatures of a previous release."""

    path: str
    release: int
    keep: np.ndarray | None  # row mask (previous releases: only the documents they kept)


def exact_matrix(column: pa.Array) -> np.ndarray | None:
    """A binary(16) column of exact hashes as an (n, 2) uint64 matrix (nulls as zeros); None if all null."""
    if column.null_count == len(column):
        return None
    column = column.cast(pa.binary(EXACT_HASH_BYTES))
    raw = np.frombuffer(column.buffers()[1], dtype=np.uint8)
    start = column.offset * EXACT_HASH_BYTES
    matrix = raw[start : start + len(column) * EXACT_HASH_BYTES].view("<u8").reshape(-1, 2).copy()
    if column.null_count:
        matrix[~arrowcols.to_numpy(pc.is_valid(column))] = 0
    return matrix


def _check(params: dict[str, Any], found: dict[str, Any], path: str) -> None:
    for key in MINHASH_KEYS:
        if key in params and key in found and params[key] != found[key]:
            raise ValueError(f"{path}: made with {key}={found[key]!r}, but this run uses {params[key]!r}")


def read_light(part: Part, params: dict[str, Any]) -> pa.Table:
    """The small per-document columns of one file (rows in file order, masked by part.keep), plus release."""
    found = file_parameters(part.path)
    _check(params, found, part.path)
    schema = pq.read_schema(part.path)
    comparable = found.get("normalize") == params.get("normalize")
    columns = [c for c in LIGHT if c in schema.names and (c != "exact" or comparable)]
    table = arrowcols.read_parquet(part.path, columns=columns)
    if part.keep is not None:
        table = table.filter(arrowcols.mask(part.keep))
    for name, typ in (("exact", pa.binary(EXACT_HASH_BYTES)), ("url", pa.string()), ("date", pa.string())):
        if name not in table.column_names:
            table = table.append_column(name, pa.nulls(table.num_rows, typ))
    return table.select(LIGHT).append_column(
        "release", arrowcols.numbers(np.full(table.num_rows, part.release), pa.int32())
    )


def _read_light(parts: list[Part], params: dict[str, Any]) -> pa.Table:
    return pa.concat_tables([read_light(part, params) for part in parts]).combine_chunks()


def _first_of_each_id(parts: list[Part]) -> list[Part]:
    """One row per id: an id read twice (an input listed twice, a repeated id field) is one document here;
    the write phase counts the repeat as `dedup.same_id`."""
    seen: set[str] = set()
    out = []
    for part in parts:
        ids = arrowcols.read_parquet(part.path, columns=["id"]).column(0).to_pylist()
        keep = np.ones(len(ids), dtype=bool) if part.keep is None else part.keep.copy()
        for i, doc_id in enumerate(ids):
            if keep[i]:
                if doc_id in seen:
                    keep[i] = False
                else:
                    seen.add(doc_id)
        out.append(part if keep.all() else Part(part.path, part.release, keep))
    return out


def previous_files(folders: list[str] | tuple[str, ...]) -> list[tuple[str, int]]:
    """(path, release number) of the stored signature files of previous releases, numbered from 1."""
    files = []
    for number, folder in enumerate(folders, start=1):
        root = os.path.join(folder, "minhash")
        for source in sorted(os.listdir(root)) if os.path.isdir(root) else []:
            for name in sorted(os.listdir(os.path.join(root, source))):
                if name.endswith(".parquet"):
                    files.append((os.path.join(root, source, name), number))
    return files


def previous_part(path: str, release: int) -> Part:
    """A previous release's signature file: only the documents that release kept take part."""
    keep = None
    if "duplicate_of" in pq.read_schema(path).names:
        dup = arrowcols.read_parquet(path, columns=["duplicate_of"]).column(0)
        keep = arrowcols.to_numpy(pc.is_null(dup))
    return Part(path, release, keep)


def previous_parts(folders: list[str] | tuple[str, ...]) -> list[Part]:
    """Stored signatures of previous releases: only the documents each release kept."""
    return [previous_part(path, release) for path, release in previous_files(folders)]


def load(
    feature_files: list[str], previous: list[str] | tuple[str, ...], params: dict[str, Any], work_dir: str
) -> Docs:
    """Read the light columns of every file, index documents canonically, spill signatures to disk."""
    parts = _first_of_each_id([Part(p, 0, None) for p in feature_files]) + previous_parts(previous)
    table = _read_light(parts, params)
    order = arrowcols.to_numpy(pc.sort_indices(table, sort_keys=[("id", "ascending"), ("release", "ascending")]))
    table = table.take(arrowcols.numbers(order))
    release = arrowcols.to_numpy(table.column("release"))
    new_ids = table.filter(arrowcols.mask(release == 0)).column("id").combine_chunks()
    if len(new_ids) > 1 and pc.any(pc.equal(new_ids.slice(1), new_ids.slice(0, len(new_ids) - 1))).as_py():
        raise ValueError("the same document id appears twice in the feature files")
    position = np.empty(len(order), dtype=np.int64)
    position[order] = np.arange(len(order))
    names = sorted(set(table.column("source").to_pylist()))
    source = arrowcols.to_numpy(pc.index_in(table.column("source"), value_set=arrowcols.strings(names)))
    docs = Docs(
        ids=table.column("id").combine_chunks(),
        source_names=names,
        source=source.astype(np.int32),
        rank=arrowcols.to_numpy(table.column("source_rank")).astype(np.int32),
        length=arrowcols.to_numpy(table.column("length")).astype(np.int64),
        previous=release > 0,
        exact=exact_matrix(table.column("exact").combine_chunks()),
        has_exact=arrowcols.to_numpy(pc.is_valid(table.column("exact"))),
        url=table.column("url").combine_chunks(),
        date=table.column("date").combine_chunks(),
        n_shingles=arrowcols.to_numpy(table.column("n_shingles")).astype(np.int32),
        signature_path=None,
        shingle_path=None,
        shingle_start=None,
        shingle_count=None,
        params=params,
    )
    if "num_perm" in params:
        _spill_signatures(docs, parts, position, work_dir)
    return docs


def signature_blocks(part: Part, num_perm: int, with_shingles: bool) -> Iterator[tuple[np.ndarray, pa.Array | None]]:
    """The signatures of one file in blocks of rows (file order, masked by part.keep): an (n x num_perm)
    uint32 matrix and, with `with_shingles`, the list column of shingle hashes."""
    columns = ["signature", "shingles"] if with_shingles else ["signature"]
    local = 0
    for batch in pq.ParquetFile(part.path).iter_batches(batch_size=READ_BATCH, columns=columns):
        block = signature_matrix(batch.column(0), num_perm)
        lists = batch.column(1) if with_shingles else None
        if part.keep is not None:
            mask = part.keep[local : local + len(block)]
            block = block[mask]
            lists = lists.filter(arrowcols.mask(mask)) if lists is not None else None
        local += batch.num_rows
        yield block, lists


def _spill_signatures(docs: Docs, parts: list[Part], position: np.ndarray, work_dir: str) -> None:
    """Signatures (and, for verify == "exact", this release's shingle sets) to disk, canonical order."""
    num_perm = int(docs.params["num_perm"])
    docs.signature_path = os.path.join(work_dir, "signatures.npy")
    sig = np.lib.format.open_memmap(docs.signature_path, mode="w+", dtype=np.uint32, shape=(len(docs), num_perm))
    exact_verify = docs.params.get("verify") == "exact"
    if exact_verify:
        docs.shingle_path = os.path.join(work_dir, "shingles.u32")
        docs.shingle_start = np.zeros(len(docs), dtype=np.int64)
        docs.shingle_count = np.zeros(len(docs), dtype=np.int64)
    row = 0
    with open(docs.shingle_path or os.devnull, "wb") as shingle_file:
        written = 0
        for part in parts:
            for block, lists in signature_blocks(part, num_perm, exact_verify and part.release == 0):
                where = position[row : row + len(block)]
                row += len(block)
                sig[where] = block
                if lists is not None and docs.shingle_start is not None and docs.shingle_count is not None:
                    counts = arrowcols.to_numpy(pc.list_value_length(lists)).astype(np.int64)
                    docs.shingle_start[where] = written + np.cumsum(counts) - counts
                    docs.shingle_count[where] = counts
                    flat = arrowcols.to_numpy(lists.flatten()).astype(np.uint32)
                    shingle_file.write(flat.tobytes())
                    written += len(flat)
    sig.flush()
    del sig
