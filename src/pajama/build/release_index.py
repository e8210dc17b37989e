"""The release's lookup index (`index/`), written with the release so `pajama query` answers at once.

For every document in `data/` and `rejected/`: one row of `index/docs.parquet` (in shard order: id,
shard file, row, status kept | dropped | duplicate | removed, reason, duplicate_of, the removal request
and version, the dropping stage's signals), and 64-bit hashes of its id, normalized URL and normalized
text, each sorted beside the document's row number. A query maps the hash arrays read-only,
binary-searches them and reads one row group of docs.parquet: milliseconds, whatever the release size.

    index/docs.parquet      one row per document (row groups of 65,536 rows)
    index/<key>.npy         sorted uint64 hashes, key = id | url | text | repo
    index/<key>.rows.npy    uint64 row in docs.parquet of each hash
    index/files.json        the shard files and the text normalization used
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from typing import Any

import numpy as np
import xxhash

from pajama.dedup.normalize import exact_hash, normalize_url
from pajama.shardio import read_shard
from pajama.storage import atomic_write, join, local_path

KEYS = ("id", "url", "text", "repo")
FOLDER = "index"
ROW_GROUP = 65_536
DOC_COLUMNS = ("id", "file", "row", "status", "reason", "duplicate_of", "request", "version", "signals")


def _doc_schema() -> Any:
    import pyarrow as pa

    text = pa.string()
    return pa.schema([("id", text), ("file", pa.uint32()), ("row", pa.uint32()), *((c, text) for c in DOC_COLUMNS[3:])])


def key_hash(value: str | bytes) -> int:
    data = value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
    return xxhash.xxh3_64_intdigest(data)


def url_key(url: str) -> int:
    return key_hash(normalize_url(url))


def repo_key(repo: str) -> int:
    return key_hash(repo.lower())


def text_key(text: str, normalize: list[str]) -> int:
    return key_hash(exact_hash(text, normalize))


def exact_normalization(manifest: dict[str, Any]) -> list[str]:
    cfg = (manifest["config"].get("dedup") or {}).get("exact") or {}
    return sorted(cfg.get("normalize") or ["whitespace"])


def indexed_files(manifest: dict[str, Any]) -> list[str]:
    return sorted(s["path"] for s in manifest["shards"] if s["kind"] in ("data", "rejected"))


def status_of(rejected: dict[str, Any] | None) -> str:
    if rejected is None:
        return "kept"
    reason = str(rejected.get("reason") or "")
    if reason.startswith("removal."):
        return "removed"
    if reason.startswith("dedup."):
        return "duplicate"
    return "dropped"


def _stage_signals(row: dict[str, Any], reason: str | None) -> str | None:
    """The signals of the stage that dropped the document (the reason's first part names it)."""
    if not reason:
        return None
    prefix = reason.split(".", 1)[0] + "."
    signals = {k: v for k, v in (row.get("signals") or {}).items() if k.startswith(prefix)}
    return json.dumps(signals, sort_keys=True, default=str) if signals else None


def known_text_hashes(feature_files: Iterable[str], normalize: list[str]) -> dict[str, bytes]:
    """{id: exact hash} from the dedup feature files made with the index's text normalization (the
    hash `text_key` would compute again), so the index does not normalize and hash those texts twice;
    empty when exact dedup was off or normalized otherwise."""
    from pajama import arrowcols
    from pajama.dedup.features import file_parameters

    out: dict[str, bytes] = {}
    for path in feature_files:
        if file_parameters(path).get("normalize") != normalize:
            return {}
        table = arrowcols.read_parquet(path, columns=["id", "exact"])
        out.update(zip(table.column("id").to_pylist(), table.column("exact").to_pylist(), strict=True))
    return out


def write_index(release: str, manifest: dict[str, Any], feature_files: Iterable[str] = ()) -> list[str]:
    """Write index/ for the release's data and rejected shards; returns the paths written (relative).
    `feature_files`: the run's dedup features, whose exact hashes stand in for `text_key` where they can."""
    import pyarrow.parquet as pq

    from pajama import arrowcols

    normalize = exact_normalization(manifest)
    known = known_text_hashes(feature_files, normalize)
    files = indexed_files(manifest)
    docs: dict[str, list[Any]] = {k: [] for k in DOC_COLUMNS}
    hashes: dict[str, list[tuple[int, int]]] = {k: [] for k in KEYS}
    for number, path in enumerate(files):
        for row_no, row in enumerate(read_shard(join(release, path))):
            g = len(docs["id"])
            rejected = row.get("rejected")
            reason = (rejected or {}).get("reason")
            values = {
                "id": row["id"],
                "file": number,
                "row": row_no,
                "status": status_of(rejected),
                "reason": reason,
                "duplicate_of": (rejected or {}).get("duplicate_of"),
                "request": (rejected or {}).get("request"),
                "version": (rejected or {}).get("version"),
                "signals": _stage_signals(row, reason),
            }
            for k, v in values.items():
                docs[k].append(v)
            hashes["id"].append((key_hash(row["id"]), g))
            url = (row.get("meta") or {}).get("url")
            if isinstance(url, str) and url:
                hashes["url"].append((url_key(url), g))
            exact = known.get(row["id"])
            hashes["text"].append((text_key(row["text"], normalize) if exact is None else key_hash(exact), g))
            repo = (row.get("meta") or {}).get("repo")
            if isinstance(repo, str) and repo:
                hashes["repo"].append((repo_key(repo), g))
    written = []
    for key, pairs in hashes.items():
        table = np.array(pairs, dtype=np.uint64).reshape(-1, 2)
        table = table[np.lexsort((table[:, 1], table[:, 0]))]
        for suffix, column in ((f"{key}.npy", 0), (f"{key}.rows.npy", 1)):
            rel = f"{FOLDER}/{suffix}"
            with atomic_write(join(release, rel)) as f:
                np.save(f, np.ascontiguousarray(table[:, column]))
            written.append(rel)
    with atomic_write(join(release, f"{FOLDER}/docs.parquet")) as f:
        pq.write_table(arrowcols.table_of(docs, _doc_schema()), f, row_group_size=ROW_GROUP, compression="zstd")
    with atomic_write(join(release, f"{FOLDER}/files.json"), "w") as f:
        json.dump({"files": files, "normalize": normalize}, f)
    return [*written, f"{FOLDER}/docs.parquet", f"{FOLDER}/files.json"]


class ReleaseIndex:
    """A release's index, mapped read-only."""

    def __init__(self, release: str) -> None:
        self.release = release
        base = local_path(join(release, FOLDER))
        if base is None or not os.path.isfile(os.path.join(base, "files.json")):
            raise FileNotFoundError(f"{release} has no {FOLDER}/ (made by pajama before queries existed?)")
        with open(os.path.join(base, "files.json"), encoding="utf-8") as f:
            meta = json.load(f)
        self.files: list[str] = meta["files"]
        self.normalize: list[str] = meta["normalize"]
        self._base = base
        self._docs: Any = None

    def rows(self, key: str, value: int) -> list[int]:
        """Rows of docs.parquet whose `key` hashes to `value`."""
        hashes = np.load(os.path.join(self._base, f"{key}.npy"), mmap_mode="r")
        rows = np.load(os.path.join(self._base, f"{key}.rows.npy"), mmap_mode="r")
        target = np.uint64(value)
        lo, hi = int(np.searchsorted(hashes, target, "left")), int(np.searchsorted(hashes, target, "right"))
        return [int(r) for r in rows[lo:hi].tolist()]

    def doc(self, row: int) -> dict[str, Any]:
        """Row `row` of docs.parquet, with its shard file's path."""
        import pyarrow.parquet as pq

        if self._docs is None:
            self._docs = pq.ParquetFile(os.path.join(self._base, "docs.parquet"))
        group = self._docs.read_row_group(row // ROW_GROUP)
        out = {name: group.column(name)[row % ROW_GROUP].as_py() for name in group.column_names}
        out["path"] = self.files[out.pop("file")]
        return out
