"""`pajama manifest trace RELEASE DOC_ID`: where a document came from and everything that happened to it.

The record is found by its id alone: the id names its source, shard_of(id, shard_count) names the part
file, and records are sorted by id inside a part, so one data file (then its rejected/ twin) is read.
The trace holds the record's origin (input URI, digest, locator), each stage of its source in order
(passed / dropped / not reached, with the signals it computed), meta.edits, the license evidence, its
duplicate cluster (from rejected/), and the raw record re-read from the input when it is reachable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson

from pajama.manifests.diff import flatten
from pajama.manifests.reread import Reread, reread
from pajama.manifests.verify import load_manifest
from pajama.sharding import shard_of
from pajama.storage import join, local_path

MAX_CLUSTER_MEMBERS = 20


@dataclass
class Step:
    """One stage of the document's source, in pipeline order."""

    name: str
    filter: str
    version: int | None
    params: dict[str, Any]
    outcome: str  # passed | dropped | not reached
    reason: str | None = None
    signals: dict[str, Any] = field(default_factory=dict)


@dataclass
class Trace:
    id: str
    source: str
    status: str  # kept | dropped | duplicate | not_found
    reason: str | None = None
    file: str | None = None
    record: dict[str, Any] | None = None
    reader: str | None = None
    input: dict[str, Any] | None = None
    steps: list[Step] = field(default_factory=list)
    license: dict[str, Any] = field(default_factory=dict)
    edits: list[Any] = field(default_factory=list)
    cluster: dict[str, Any] | None = None
    reread: Reread | None = None
    note: str = ""
    #: further records with the same id (an input that repeats an identity), with why each was not kept
    others: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def trace(release: str, doc_id: str, *, roots: tuple[str, ...] = (), reread_raw: bool = True) -> Trace:
    """Everything the release knows about `doc_id`, plus its raw record when the input is reachable."""
    manifest = load_manifest(release)
    source = doc_id.rsplit("/", 1)[0]
    if source not in manifest["sources"]:
        raise LookupError(f"{doc_id}: no source {source!r} in this release (sources: {', '.join(manifest['sources'])})")
    out = Trace(id=doc_id, source=source, status="not_found", reader=manifest["sources"][source]["reader"])
    found = find_records(release, manifest, doc_id)
    if not found:
        out.note = _not_found_note(manifest, doc_id)
        return out
    out.file, record = found[0]
    out.others = [
        {"file": path, "locator": (r.get("origin") or {}).get("locator"), **(r.get("rejected") or {"reason": None})}
        for path, r in found[1:]
    ]
    out.record = record
    rejected = record.pop("rejected", None)
    if rejected is None:
        out.status = "kept"
        record["signals"] = record.get("signals") or _separate_signals(release, manifest, out.file, doc_id)
    else:
        out.reason = rejected.get("reason")
        out.status = "duplicate" if rejected.get("duplicate_of") or _is_dedup(out.reason) else "dropped"
    meta = record.get("meta") or {}
    out.steps = _steps(manifest, source, record.get("signals") or {}, out.status, out.reason)
    out.license = {k: v for k, v in meta.items() if k.startswith("license")}
    out.edits = list(meta.get("edits") or [])
    out.cluster = _cluster(release, manifest, doc_id, rejected)
    origin = record.get("origin") or {}
    out.input = next((i for i in manifest["inputs"] if i["source"] == source and i["uri"] == origin.get("uri")), None)
    if reread_raw and out.reader:
        hints = {"commit": meta["commit"]} if meta.get("commit") else None
        options = ((manifest["config"].get("sources") or {}).get(source) or {}).get("options")
        where = (*roots, *_release_ancestors(release))
        out.reread = reread(out.reader, origin, roots=where, hints=hints, options=options)
    return out


def find_records(release: str, manifest: dict[str, Any], doc_id: str) -> list[tuple[str, dict[str, Any]]]:
    """Every (release-relative path, record) with this id: in the data part, then the rejected part, of its shard.

    One id is one record, except where an input repeats an identity (two pages with one page id): the
    later ones are then in rejected/ (`dedup.same_id`, or whatever dropped them first).
    """
    source = doc_id.rsplit("/", 1)[0]
    shard = shard_of(doc_id, int(manifest["shard_count"]))
    found = []
    for kind in ("data", "rejected"):
        for f in manifest["shards"]:
            if f["kind"] != kind or f.get("source") != source or f.get("shard") != shard:
                continue
            found += [(f["path"], r) for r in _records_with_id(join(release, f["path"]), doc_id)]
    return found


def _records_with_id(path: str, doc_id: str) -> list[dict[str, Any]]:
    """The records of one part with this id. Parts are sorted by id: the scan stops past it; JSONL lines
    start with their id, so only the matching lines are parsed; Parquet row groups are pruned by statistics."""
    if path.endswith(".parquet"):
        return _parquet_records(path, doc_id)
    import io

    import fsspec
    import zstandard

    prefix, key = b'{"id":' + orjson.dumps(doc_id), doc_id.encode()
    out = []
    with fsspec.open(path, "rb") as raw:
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        for line in io.BufferedReader(reader, 1 << 20):  # type: ignore[arg-type]
            if line.startswith(prefix) or not line.startswith(b'{"id":'):
                record = orjson.loads(line) if line.strip() else {"id": ""}
                if record["id"] == doc_id:
                    out.append(record)
                elif record["id"] > doc_id:
                    break
            elif line[7 : 7 + len(key)] > key:  # 7 = len('{"id":"')
                break
    return out


def _parquet_records(path: str, doc_id: str) -> list[dict[str, Any]]:
    import fsspec

    from pajama.arrowcols import parquet_file

    rows = []
    with fsspec.open(path, "rb") as f:
        pf = parquet_file(f)  # not pq.read_table(filters=...): it holds the Python file on pyarrow's threads
        for group in range(pf.num_row_groups):
            ids = pf.read_row_group(group, columns=["id"]).column(0).to_pylist()
            at = [i for i, x in enumerate(ids) if x == doc_id]
            if at:
                table = pf.read_row_group(group)
                rows += [table.slice(i, 1).to_pylist()[0] for i in at]
    decoded = []
    for row in rows:
        origin = row.get("origin") or {}
        decoded.append(
            {
                **row,
                "meta": orjson.loads(row.get("meta") or "{}"),
                "origin": {**origin, "locator": orjson.loads(origin.get("locator") or "{}")},
                "signals": orjson.loads(row.get("signals") or "{}"),
            }
        )
    return decoded


def find_record(release: str, manifest: dict[str, Any], doc_id: str) -> tuple[str, dict[str, Any]] | None:
    found = find_records(release, manifest, doc_id)
    return found[0] if found else None


def _not_found_note(manifest: dict[str, Any], doc_id: str) -> str:
    shard = shard_of(doc_id, int(manifest["shard_count"]))
    where = f"part {shard:05d} of source {doc_id.rsplit('/', 1)[0]}"
    if not manifest["config"].get("rejected"):
        return (
            f"not in the data {where}; this release did not keep rejected/ (config rejected: false), so a "
            "dropped document cannot be told apart from one that was never read"
        )
    return f"not in the data or rejected/ {where}: no input of this release produced this id"


def _is_dedup(reason: str | None) -> bool:
    return bool(reason and reason.startswith("dedup."))


def _steps(
    manifest: dict[str, Any], source: str, signals: dict[str, Any], status: str, reason: str | None
) -> list[Step]:
    stages = [s for s in manifest["stages"] if s["source"] == source]
    dropped_at = len(stages)
    if status == "dropped":
        dropped_at = next(
            (i for i, s in enumerate(stages) if reason in s["dropped"] or (reason or "").startswith(f"{s['name']}.")),
            len(stages) - 1,
        )
    steps = []
    for i, s in enumerate(stages):
        outcome = "passed" if i < dropped_at else "dropped" if i == dropped_at else "not reached"
        prefix = f"{s['name']}."
        steps.append(
            Step(
                name=s["name"],
                filter=s.get("filter", s["name"]),
                version=s.get("version"),
                params=s.get("params") or {},
                outcome=outcome,
                reason=reason if outcome == "dropped" else None,
                signals={k: v for k, v in signals.items() if k.startswith(prefix)},
            )
        )
    if manifest.get("dedup") is not None:
        outcome = "dropped" if status == "duplicate" else "not reached" if status == "dropped" else "passed"
        params = flatten(manifest["config"].get("dedup") or {})
        steps.append(Step("dedup", "dedup", None, params, outcome, reason if outcome == "dropped" else None))
    return steps


def _separate_signals(release: str, manifest: dict[str, Any], data_path: str, doc_id: str) -> dict[str, Any]:
    """signals: separate puts a kept document's signals in signals/<source>/part-N.parquet."""
    if manifest["config"].get("signals") != "separate":
        return {}
    name = os.path.basename(data_path).split(".", 1)[0]
    path = f"signals/{doc_id.rsplit('/', 1)[0]}/{name}.parquet"
    if not any(f["path"] == path for f in manifest["shards"]):
        return {}
    import pyarrow.compute as pc

    from pajama import arrowcols

    table = arrowcols.read_parquet(join(release, path))
    rows = table.filter(pc.equal(table["id"], doc_id)).to_pylist()
    return {k: v for k, v in rows[0].items() if k != "id" and v is not None} if rows else {}


def _cluster(
    release: str, manifest: dict[str, Any], doc_id: str, rejected: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The duplicate cluster the document belongs to, with the other members rejected/ holds."""
    dedup = manifest.get("dedup")
    if dedup is None or (rejected is not None and not rejected.get("duplicate_of")):
        return None
    kept = rejected["duplicate_of"] if rejected else doc_id
    cluster_id = rejected.get("cluster_id") if rejected else None
    scope = (manifest["config"].get("dedup") or {}).get("scope", "source")
    sources = None if scope == "global" else {doc_id.rsplit("/", 1)[0]}
    wanted = {"duplicate_of": kept, **({"cluster_id": cluster_id} if cluster_id else {})}
    members: list[dict[str, Any]] = []
    count = 0
    for f in manifest["shards"]:
        if f["kind"] != "rejected" or (sources is not None and f.get("source") not in sources):
            continue
        for record in _rejected_matching(join(release, f["path"]), wanted):
            count += 1
            info = record["rejected"]
            cluster_id = cluster_id or info.get("cluster_id")
            if len(members) < MAX_CLUSTER_MEMBERS:
                members.append({"id": record["id"], "reason": info.get("reason")})
    if rejected is None and count == 0:
        return None
    return {"cluster_id": cluster_id, "kept": kept, "removed": count, "members": members}


def _rejected_matching(path: str, wanted: dict[str, str]) -> Iterator[dict[str, Any]]:
    """Records of a rejected/ part whose "rejected" object has one of the wanted values. Only lines that hold
    the value's JSON are parsed, so a large rejected/ is scanned at decompression speed."""
    import io

    import fsspec
    import zstandard

    needles = [orjson.dumps(v) for v in wanted.values()]
    with fsspec.open(path, "rb") as raw:
        reader = zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True)
        for line in io.BufferedReader(reader, 1 << 20):  # type: ignore[arg-type]
            if any(n in line for n in needles):
                record = orjson.loads(line)
                info = record.get("rejected") or {}
                if any(info.get(k) == v for k, v in wanted.items()):
                    yield record


def _release_ancestors(release: str) -> list[str]:
    """Relative input URIs are relative to where `pajama run` ran; the default output is below that folder."""
    path = local_path(release)
    if path is None:
        return []
    out = []
    current = os.path.abspath(path)
    while os.path.dirname(current) != current:
        current = os.path.dirname(current)
        out.append(current)
    return out
