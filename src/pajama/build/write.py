"""The write phase for one (source, shard): merge runs by id, apply dedup, write data/rejected/signals."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson

from pajama import faults
from pajama.build.plan import Plan
from pajama.build.runs import RunLine, fill_sha, merge_runs
from pajama.manifests.schema import LENGTH_BUCKETS
from pajama.sharding import shard_name
from pajama.shardio import JsonlZstWriter, write_signal_table, writer_for
from pajama.storage import join

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


class _Outputs:
    """Lazily opened writers for one shard: data always, rejected and signals only when configured."""

    def __init__(self, plan: Plan, source: str, shard: int) -> None:
        self.plan = plan
        self.source = source
        self.name = shard_name(shard, "")[:-1]
        self.data = writer_for(plan.config.format, join(plan.release_uri, "data", source, self.name))
        self.rejected: JsonlZstWriter | None = None
        self.signal_rows: list[dict[str, Any]] = []

    def reject(self, line: bytes, info: dict[str, Any]) -> None:
        if self.rejected is None:
            self.rejected = JsonlZstWriter(
                join(self.plan.release_uri, "rejected", self.source, f"{self.name}.jsonl.zst")
            )
        self.rejected.write_line(line[:-1] + b',"rejected":' + orjson.dumps(info, option=orjson.OPT_SORT_KEYS) + b"}")

    def close(self) -> list[dict[str, Any]]:
        files = []
        if self.plan.config.signals == "separate":
            path = f"signals/{self.source}/{self.name}.parquet"
            sha, size = write_signal_table(join(self.plan.release_uri, path), self.signal_rows)
            files.append(
                {"kind": "signals", "path": path, "sha256": sha, "bytes": size, "documents": len(self.signal_rows)}
            )
        for kind, writer in (("data", self.data), ("rejected", self.rejected)):
            if writer is None:
                continue
            sha, size = writer.close()
            suffix = writer.suffix
            files.append(
                {
                    "kind": kind,
                    "path": f"{kind}/{self.source}/{self.name}.{suffix}",
                    "sha256": sha,
                    "bytes": size,
                    "documents": writer.documents,
                }
            )
        return files


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
    tokens: Any = None,
) -> ShardResult:
    """Write one (source, shard) from rows sorted by (id, input digest, json): data, rejected, signals, tokens.

    Every engine ends here: the local engine merges run files into `rows`, Beam and Spark sort in their shuffle.
    """
    result = ShardResult(source, shard)
    out = _Outputs(plan, source, shard)
    signals = plan.config.signals
    seen_id: str | None = None
    pending: list[bytes] = []
    per_doc_tokens = tokens is not None and plan.config.tokens.per_document

    def flush_tokens() -> None:
        if tokens is None or not pending:
            return
        texts = [orjson.loads(p)["text"] for p in pending]
        counts = tokens.add(texts)
        result.tokens = (result.tokens or 0) + sum(counts)
        for body, n in zip(pending, counts, strict=True):
            _emit(out, body, n if per_doc_tokens else None, signals)
        pending.clear()

    for sha, line in rows:
        faults.checkpoint("write.row")
        body = fill_sha(line.json, sha)
        if line.dropped:
            result.dropped[line.reason] += 1
            out.reject(body, {"reason": line.reason})
            continue
        if line.id == seen_id:  # the same record read twice (one input listed twice, a repeated id field)
            _count_dup(result, line, "dedup.same_id")
            if plan.config.rejected:
                out.reject(body, {"reason": "dedup.same_id", "duplicate_of": line.id})
            continue
        seen_id = line.id
        dup = removed.get(line.id)
        if dup is not None:
            _count_dup(result, line, dup["reason"])
            if plan.config.rejected:
                out.reject(body, dup)
            continue
        _count_kept(result, line)
        if tokens is None:
            _emit(out, body, None, signals)
        else:
            pending.append(body)
            if len(pending) >= plan.config.tokens.batch_size:
                flush_tokens()
    flush_tokens()
    result.files = out.close()
    if tokens is not None:
        tokens.close()
        result.files.extend({**entry, "kind": "tokens"} for entry in tokens.files)
    return result


def _emit(out: _Outputs, body: bytes, n_tokens: int | None, signals: str) -> None:
    if n_tokens is None and signals == "inline":
        out.data.write_line(body)
        return
    record = orjson.loads(body)
    if n_tokens is not None:
        record["meta"]["tokens"] = n_tokens
    if signals == "separate":
        out.signal_rows.append({"id": record["id"], **record["signals"]})
        record["signals"] = {}
    out.data.write(record)


def _count_kept(result: ShardResult, line: RunLine) -> None:
    chars, language, lic = orjson.loads(line.facts)
    result.kept += 1
    result.chars += chars
    result.kept_licenses[lic] += 1
    result.languages[language or "unknown"] += 1
    result.lengths[length_bucket(chars)] += 1


def _count_dup(result: ShardResult, line: RunLine, reason: str) -> None:
    result.duplicates[reason] += 1
    result.dup_licenses[orjson.loads(line.facts)[2]] += 1
