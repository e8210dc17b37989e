"""The write phase for one (source, shard): one merge of the id-sorted runs feeds typed sinks.

Each run line is parsed once into the record a release stores (its input digest filled in), the dedup
decision is taken on it, and the record goes to the sinks: `DataSink` (the release format, signals
split off when they are kept separately), `RejectedSink` (dropped and removed records with why),
`SignalSink` (signals/<source>/part-N.parquet) and `TokenSink` (batches kept records through the
tokenizer before they reach the data, so `meta.tokens` can be set). No sink splices bytes.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from pajama import faults
from pajama.build.pipeline import license_of
from pajama.build.plan import Plan
from pajama.build.runs import RunLine, merge_runs
from pajama.manifests.schema import LENGTH_BUCKETS
from pajama.sharding import shard_name
from pajama.shardio import JsonlZstWriter, ParquetWriter, write_signal_table, writer_for
from pajama.storage import join

if TYPE_CHECKING:
    from pajama.tokenization.stage import ShardTokens

log = logging.getLogger(__name__)


@dataclass
class ShardResult:
    source: str
    shard: int
    files: list[dict[str, Any]] = field(default_factory=list)
    kept: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    duplicates: Counter[str] = field(default_factory=Counter)
    dup_licenses: Counter[str] = field(default_factory=Counter)
    kept_licenses: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)
    lengths: Counter[int] = field(default_factory=Counter)
    chars: int = 0
    tokens: int | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "shard": self.shard,
            "files": self.files,
            "kept": self.kept,
            "dropped": dict(sorted(self.dropped.items())),
            "duplicates": dict(sorted(self.duplicates.items())),
            "dup_licenses": dict(sorted(self.dup_licenses.items())),
            "kept_licenses": dict(sorted(self.kept_licenses.items())),
            "languages": dict(sorted(self.languages.items())),
            "lengths": {str(k): v for k, v in sorted(self.lengths.items())},
            "chars": self.chars,
            "tokens": self.tokens,
        }

    def counters(self) -> dict[str, int]:
        """What engines tally on their own (accumulators, metrics) to check the results against."""
        return {"kept": self.kept}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> ShardResult:
        r = cls(d["source"], d["shard"], d["files"], d["kept"])
        for name in ("dropped", "duplicates", "dup_licenses", "kept_licenses", "languages"):
            getattr(r, name).update(d[name])
        r.lengths.update({int(k): v for k, v in d["lengths"].items()})
        r.chars, r.tokens = d["chars"], d["tokens"]
        return r


def length_bucket(chars: int) -> int:
    bucket = 0
    for edge in LENGTH_BUCKETS:
        if chars >= edge:
            bucket = edge
    return bucket


Json = dict[str, Any]


def _file_entry(kind: str, path: str, sha: str, size: int, documents: int) -> dict[str, Any]:
    return {"kind": kind, "path": path, "sha256": sha, "bytes": size, "documents": documents}


class SignalSink:
    """Per-document signals of the kept records, written as one Parquet table when the shard closes."""

    def __init__(self, release_uri: str, source: str, name: str) -> None:
        self.path = f"signals/{source}/{name}.parquet"
        self.uri = join(release_uri, self.path)
        self.rows: list[Json] = []

    def add(self, record_id: str, signals: Json) -> None:
        self.rows.append({"id": record_id, **signals})

    def close(self) -> list[dict[str, Any]]:
        sha, size = write_signal_table(self.uri, self.rows)
        return [_file_entry("signals", self.path, sha, size, len(self.rows))]


class DataSink:
    """Kept records in the release format; with a `SignalSink`, their signals go there instead."""

    def __init__(self, release_uri: str, fmt: str, source: str, name: str, signals: SignalSink | None) -> None:
        self.source, self.name = source, name
        self.writer: JsonlZstWriter | ParquetWriter = writer_for(fmt, join(release_uri, "data", source, name))
        self.signals = signals

    def add(self, record: Json) -> None:
        if self.signals is not None:
            self.signals.add(record["id"], record["signals"])
            record["signals"] = {}
        self.writer.write(record)

    def close(self) -> list[dict[str, Any]]:
        sha, size = self.writer.close()
        path = f"data/{self.source}/{self.name}.{self.writer.suffix}"
        return [_file_entry("data", path, sha, size, self.writer.documents)]


class RejectedSink:
    """Dropped and removed records, each with a `rejected` object (keys sorted); opened on first use."""

    def __init__(self, release_uri: str, source: str, name: str) -> None:
        self.path = f"rejected/{source}/{name}.jsonl.zst"
        self.uri = join(release_uri, self.path)
        self.writer: JsonlZstWriter | None = None

    def add(self, record: Json, why: Json) -> None:
        if self.writer is None:
            self.writer = JsonlZstWriter(self.uri)
        record["rejected"] = orjson.Fragment(orjson.dumps(why, option=orjson.OPT_SORT_KEYS))
        self.writer.write(record)

    def close(self) -> list[dict[str, Any]]:
        if self.writer is None:
            return []
        sha, size = self.writer.close()
        return [_file_entry("rejected", self.path, sha, size, self.writer.documents)]


class TokenSink:
    """Counts (and writes) tokens for kept records in batches, then hands them on to the data sink."""

    def __init__(self, tokens: ShardTokens, data: DataSink, *, batch_size: int, per_document: bool) -> None:
        self.tokens, self.data = tokens, data
        self.batch_size, self.per_document = batch_size, per_document
        self.pending: list[Json] = []
        self.total = 0

    def add(self, record: Json) -> None:
        self.pending.append(record)
        if len(self.pending) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        counts = self.tokens.add([r["text"] for r in self.pending])
        self.total += sum(counts)
        for record, n in zip(self.pending, counts, strict=True):
            if self.per_document:
                record["meta"]["tokens"] = n
            self.data.add(record)
        self.pending.clear()

    def close(self) -> list[dict[str, Any]]:
        self.flush()
        self.tokens.close()
        return [{**entry, "kind": "tokens"} for entry in self.tokens.files]


def write_shard(
    plan: Plan, source: str, shard: int, runs: list[tuple[str, str]], removed: dict[str, Any], tokens: Any = None
) -> ShardResult:
    """Merge the id-sorted runs of one (source, shard) into its release files."""
    return write_rows(plan, source, shard, merge_runs(runs), removed, tokens)


def write_rows(
    plan: Plan,
    source: str,
    shard: int,
    rows: Iterable[tuple[str, RunLine]],
    removed: dict[str, Any],
    tokens: ShardTokens | None = None,
) -> ShardResult:
    """Write one (source, shard) from rows sorted by (id, input digest, json): data, rejected, signals, tokens.

    Every engine ends here: the local engine merges run files into `rows`, Beam and Spark sort in their shuffle.
    """
    config = plan.config
    result = ShardResult(source, shard)
    name = shard_name(shard, "")[:-1]
    signals = SignalSink(plan.release_uri, source, name) if config.signals == "separate" else None
    data = DataSink(plan.release_uri, config.format, source, name, signals)
    rejected = RejectedSink(plan.release_uri, source, name)
    counted = None
    if tokens is not None:
        cfg = config.tokens
        counted = TokenSink(tokens, data, batch_size=cfg.batch_size, per_document=cfg.per_document)
    keep = counted.add if counted is not None else data.add
    for record, why in _decided(rows, removed, result, keep_removed=config.rejected):
        if why is None:
            keep(record)
        else:
            rejected.add(record, why)
    if counted is not None:
        counted.flush()
    result.files = [*(signals.close() if signals else []), *data.close(), *rejected.close()]
    if counted is not None:
        result.files.extend(counted.close())
        result.tokens = counted.total
    return result


def _decided(
    rows: Iterable[tuple[str, RunLine]], removed: dict[str, Any], result: ShardResult, *, keep_removed: bool
) -> Iterator[tuple[Json, Json | None]]:
    """(record, None) to keep or (record, why) to reject, counted in `result`; removed ones only if kept."""
    seen_id: str | None = None
    for sha, line in rows:
        faults.checkpoint("write.row")
        record: Json = orjson.loads(line.json)
        origin = record.get("origin")
        if isinstance(origin, dict) and "sha256" in origin and origin["sha256"] is None:
            origin["sha256"] = sha  # the input is hashed while it streams: the map phase could not know it
        if line.dropped:
            result.dropped[line.reason] += 1
            yield record, {"reason": line.reason}
            continue
        dup: Json | None
        if line.id == seen_id:  # the same record read twice (one input listed twice, a repeated id field)
            dup = {"reason": "dedup.same_id", "duplicate_of": line.id}
        else:
            seen_id = line.id
            dup = removed.get(line.id)
        if dup is None:
            _count_kept(result, record)
            yield record, None
            continue
        result.duplicates[dup["reason"]] += 1
        result.dup_licenses[license_of(record["meta"])] += 1
        if keep_removed:
            yield record, dup


def _count_kept(result: ShardResult, record: Json) -> None:
    chars, meta = len(record["text"]), record["meta"]
    result.kept += 1
    result.chars += chars
    result.kept_licenses[license_of(meta)] += 1
    result.languages[meta.get("language") or "unknown"] += 1
    result.lengths[length_bucket(chars)] += 1
