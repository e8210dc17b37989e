"""`pajama remove`: a new release version without the documents a removal request names.

The new version's parent is the release it was made from. Matched documents move to `rejected/` with
reason `removal.<kind>` (and the request's sha256); the data shards holding them are rewritten, their
token shards regenerated; every other file is copied byte for byte. The manifest records the request
(reason, sha256, how many entries of each kind, what was removed), never the requester's data; the
counts, licenses, token totals and the accounting law are updated so `verify` passes. Requests compose:
the new version starts from its parent's data, and lists the parent's removals before its own.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import logging
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import fsspec

from pajama.build.release_index import write_index
from pajama.build.removal import Request, match_kind, minhash_params, near_text_ids, signature_files
from pajama.build.token_files import relative_paths, tokens_for
from pajama.build.write import length_bucket
from pajama.errors import ConfigError
from pajama.manifests.builder import accounting, outcome_digest, release_digest, seal_release
from pajama.manifests.verify import load_manifest
from pajama.record import canonical_json
from pajama.shardio import JsonlZstWriter, read_shard, writer_for
from pajama.storage import atomic_write, join

log = logging.getLogger(__name__)


@dataclass
class _Removed:
    """The documents one (source, shard) loses, by id, with what each one counted for."""

    rows: dict[str, dict[str, Any]] = field(default_factory=dict)
    kinds: dict[str, str] = field(default_factory=dict)


def remove(release: str, request: Request, *, version: str, output: str | None = None) -> dict[str, Any] | None:
    """Write the new version; returns its manifest, or None (and writes nothing) when nothing matched."""
    old = load_manifest(release)
    target = _target(release, old, version, output)
    found = _find(release, old, request)
    if not found:
        log.warning("removal request %s matched no document of %s: no new version", request.sha256[:12], release)
        return None
    new = _write(release, target, old, found, request, version)
    index = write_index if old["config"].get("index", True) else None
    seal_release(target, new, report=bool(old["config"].get("report", True)), before_manifest=index)
    return new


def _target(release: str, old: dict[str, Any], version: str, output: str | None) -> str:
    from pajama.build.config import SEMVER

    if not SEMVER.match(version):
        raise ConfigError("--version", f"{version!r} is not a semver string like 1.0.1")
    if version == old["version"]:
        raise ConfigError("--version", f"the release is already version {version}; name the new one")
    base = output or release.rstrip("/").rsplit("/", 2)[0]
    target = join(base, old["dataset"], version)
    fs, path = fsspec.core.url_to_fs(target)
    if fs.exists(f"{path}/manifest.json"):
        raise ConfigError("--version", f"release {target} already exists")
    return target


def _find(release: str, old: dict[str, Any], request: Request) -> dict[tuple[str, int], _Removed]:
    cfg = old["config"].get("dedup") or {}
    normalize = sorted((cfg.get("exact") or {}).get("normalize") or ["whitespace"])
    exact = request.exact_hashes(normalize)
    near = near_text_ids(request.texts, signature_files(release, old), minhash_params(old))
    found: dict[tuple[str, int], _Removed] = {}
    for shard in old["shards"]:
        if shard["kind"] != "data":
            continue
        for row in read_shard(join(release, shard["path"])):
            kind = match_kind(row, request, exact, normalize) or ("texts" if row["id"] in near else None)
            if kind is not None:
                entry = found.setdefault((shard["source"], shard["shard"]), _Removed())
                entry.rows[row["id"]] = row
                entry.kinds[row["id"]] = kind
    return found


def _write(
    release: str, target: str, old: dict[str, Any], found: dict[tuple[str, int], _Removed], req: Request, version: str
) -> dict[str, Any]:
    new = copy.deepcopy(old)
    shards: list[dict[str, Any]] = []
    token_counts: dict[tuple[str, int], int] = {}
    rejected_done: set[tuple[str, int]] = set()
    for entry in old["shards"]:
        key = (entry["source"], entry.get("shard"))
        removed = found.get(key)  # type: ignore[arg-type]
        if removed is None or entry["kind"] in ("minhash", "signals"):
            shards.append(_copy(release, target, entry))
        elif entry["kind"] == "data":
            shards.append(_rewrite_data(release, target, entry, removed, old["format"]))
        elif entry["kind"] == "rejected":
            shards.append(_rewrite_rejected(release, target, entry["path"], entry, removed, req, version))
            rejected_done.add(key)  # type: ignore[arg-type]
        # token shards of a rewritten data shard are made again below
    for (source, shard), removed in sorted(found.items()):
        if (source, shard) not in rejected_done:
            path = f"rejected/{source}/part-{shard:05d}.jsonl.zst"
            shards.append(_rewrite_rejected(release, target, path, None, removed, req, version, source, shard))
        files, count = _tokens(target, old, source, shard)
        shards.extend(files)
        if count is not None:
            token_counts[(source, shard)] = count
    new["shards"] = sorted(shards, key=lambda f: f["path"])
    _update_counts(new, found, token_counts)
    _update_head(new, old, found, req, version)
    return new


def _copy(release: str, target: str, entry: dict[str, Any]) -> dict[str, Any]:
    with fsspec.open(join(release, entry["path"]), "rb") as src, atomic_write(join(target, entry["path"])) as dst:
        while chunk := src.read(1 << 20):
            dst.write(chunk)
    return dict(entry)


def _rewrite_data(release: str, target: str, entry: dict[str, Any], removed: _Removed, fmt: str) -> dict[str, Any]:
    stem = entry["path"].rsplit(".", 2 if entry["path"].endswith(".jsonl.zst") else 1)[0]
    writer = writer_for(fmt, join(target, stem))
    for row in read_shard(join(release, entry["path"])):
        if row["id"] not in removed.rows:
            writer.write(row)
    sha, size = writer.close()
    return dict(entry, sha256=sha, bytes=size, documents=writer.documents)


def _rewrite_rejected(
    release: str,
    target: str,
    path: str,
    entry: dict[str, Any] | None,
    removed: _Removed,
    req: Request,
    version: str,
    source: str | None = None,
    shard: int | None = None,
) -> dict[str, Any]:
    rows = list(read_shard(join(release, path))) if entry is not None else []
    for doc_id, row in removed.rows.items():
        info = {"reason": f"removal.{removed.kinds[doc_id]}", "request": req.sha256, "version": version}
        rows.append(dict(row, rejected=info))
    writer = JsonlZstWriter(join(target, path))
    for row in sorted(rows, key=lambda r: r["id"]):
        writer.write(row)
    sha, size = writer.close()
    base = dict(entry) if entry is not None else {"kind": "rejected", "path": path, "source": source, "shard": shard}
    return dict(base, sha256=sha, bytes=size, documents=writer.documents)


def _tokens(target: str, old: dict[str, Any], source: str, shard: int) -> tuple[list[dict[str, Any]], int | None]:
    """Token counts (and token shards, when the release has them) of the rewritten data shard."""
    from pajama.tokenization.config import TokensConfig

    cfg = TokensConfig.model_validate(old["config"].get("tokens") or {})
    tokens = tokens_for(old["config"].get("tokenizer"), cfg, target, source, shard)
    if tokens is None:
        return [], None
    data = next(
        s["path"] for s in old["shards"] if s["kind"] == "data" and (s["source"], s.get("shard")) == (source, shard)
    )
    tokens.add([row["text"] for row in read_shard(join(target, data))])
    tokens.close()
    files = [{**f, "kind": "tokens", "source": source, "shard": shard} for f in tokens.files]
    relative_paths(target, files)
    return files, tokens.tokens


def _update_counts(
    new: dict[str, Any], found: dict[tuple[str, int], _Removed], token_counts: dict[tuple[str, int], int]
) -> None:
    for (source, shard), removed in found.items():
        src = new["sources"][source]
        lic = new["licenses"].setdefault(source, {})
        for doc_id, row in removed.rows.items():
            meta = row.get("meta") or {}
            reason = f"removal.{removed.kinds[doc_id]}"
            src["kept"] -= 1
            src["dropped"][reason] = src["dropped"].get(reason, 0) + 1
            src["chars"] -= len(row["text"])
            _decrement(src["languages"], str(meta.get("language") or "unknown"))
            _decrement(src["lengths"], str(length_bucket(len(row["text"]))))
            entry = lic.setdefault(str(meta.get("license") or "unknown"), {"kept": 0, "dropped": 0, "duplicates": 0})
            entry["kept"] -= 1
            entry["dropped"] += 1
        if new.get("tokens") and (source, shard) in token_counts:
            per_shard = new["tokens"]["per_shard"]
            per_shard[f"{source}/{shard:05d}"] = token_counts[(source, shard)]
    if new.get("tokens"):
        per_shard = new["tokens"]["per_shard"]
        for source, src in new["sources"].items():
            src["tokens"] = sum(v for k, v in per_shard.items() if k.split("/")[0] == source)
            new["tokens"]["per_source"][source] = src["tokens"]
        new["tokens"]["total"] = sum(per_shard.values())
    new["accounting"] = accounting(new["inputs"], new["sources"])


def _decrement(counts: dict[str, int], key: str) -> None:
    counts[key] = counts.get(key, 0) - 1
    if counts[key] <= 0:
        del counts[key]


def _update_head(
    new: dict[str, Any], old: dict[str, Any], found: dict[tuple[str, int], _Removed], req: Request, version: str
) -> None:
    removed = Counter(f"removal.{k}" for r in found.values() for k in r.kinds.values())
    by_source = Counter(source for (source, _), r in found.items() for _ in r.rows)
    new["version"] = version
    new["parent"] = old["version"]
    new["config"] = dict(old["config"], version=version, parent=old["version"])
    new["config_sha256"] = hashlib.sha256(canonical_json(new["config"]).encode()).hexdigest()
    new["created"] = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    new["engine"] = {"name": "remove", "workers": 1}
    new["release_digest"] = release_digest(new["shards"])
    new["outcome_digest"] = outcome_digest(new["shards"])
    new["removals"] = [
        *old.get("removals", []),
        {
            "version": version,
            "reason": req.reason,
            "request_sha256": req.sha256,
            "requested": dict(sorted(req.requested.items())),
            "removed": dict(sorted(removed.items())),
            "by_source": dict(sorted(by_source.items())),
            "documents": sum(removed.values()),
        },
    ]
