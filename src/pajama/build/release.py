"""manifest.json from one run's results: the plan's sources and stages, the per-input and per-shard counts.

The build layer is the one that knows plans and results; pajama.manifests.builder knows what every
manifest holds (digest, code facts, the accounting law) and seals the release.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from pajama.build.pipeline import InputResult
from pajama.build.plan import Plan
from pajama.build.write import ShardResult
from pajama.manifests.builder import SCHEMA, accounting, code_info, outcome_digest, release_digest, seal_release
from pajama.storage import local_path, sha256_file

if TYPE_CHECKING:
    from pajama.dedup.stage import DedupResult


def _sum(counters: Iterable[dict[str, int]]) -> dict[str, int]:
    total: Counter[str] = Counter()
    for c in counters:
        total.update(c)
    return dict(sorted(total.items()))


def _stages(plan: Plan, inputs: list[InputResult]) -> list[dict[str, Any]]:
    out = []
    for src in plan.sources:
        for stage in src.stages:
            counts = [r.stages[stage.label] for r in inputs if r.source == src.name and stage.label in r.stages]
            out.append(
                {
                    "source": src.name,
                    **stage.describe(),
                    "in": sum(c.inp for c in counts),
                    "out": sum(c.out for c in counts),
                    "dropped": _sum(dict(c.dropped) for c in counts),
                }
                | ({"languages": _sum(dict(c.languages) for c in counts)} if any(c.languages for c in counts) else {})
            )
    return out


def _source_summary(plan: Plan, inputs: list[InputResult], shards: list[ShardResult]) -> dict[str, Any]:
    out = {}
    for src in plan.sources:
        ins = [r for r in inputs if r.source == src.name]
        sh = [s for s in shards if s.source == src.name]
        dropped = _sum(dict(st.dropped) for r in ins for st in r.stages.values())
        tokens = [s.tokens for s in sh if s.tokens is not None]
        out[src.name] = {
            "reader": src.reader_name,
            "reader_version": src.reader.version,
            "inputs": len(ins),
            "records": sum(r.records for r in ins),
            "documents": sum(r.documents for r in ins),
            "skipped": _sum(dict(r.skipped) for r in ins),
            "errors": _sum(dict(r.errors) for r in ins),
            "kept": sum(s.kept for s in sh),
            "dropped": dropped,
            "duplicates": _sum(dict(s.duplicates) for s in sh),
            "chars": sum(s.chars for s in sh),
            "tokens": sum(tokens) if tokens else None,
            "languages": _sum(dict(s.languages) for s in sh),
            "lengths": _sum({str(k): v for k, v in s.lengths.items()} for s in sh),
        }
    return out


def _licenses(plan: Plan, inputs: list[InputResult], shards: list[ShardResult]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for src in plan.sources:
        table: dict[str, Counter[str]] = {}
        for r in (r for r in inputs if r.source == src.name):
            for lic, c in r.licenses.items():
                table.setdefault(lic, Counter()).update({"dropped": c.get("dropped", 0)})
        for s in (s for s in shards if s.source == src.name):
            for lic, n in s.kept_licenses.items():
                table.setdefault(lic, Counter())["kept"] += n
            for lic, n in s.dup_licenses.items():
                table.setdefault(lic, Counter())["duplicates"] += n
        out[src.name] = {
            lic: {k: c.get(k, 0) for k in ("kept", "dropped", "duplicates")} for lic, c in sorted(table.items())
        }
    return out


def build_manifest(
    plan: Plan,
    engine: dict[str, Any],
    inputs: list[InputResult],
    shards: list[ShardResult],
    dedup: dict[str, Any] | None,
    *,
    started: float,
    extra_files: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    files = sorted(
        [*(dict(f, source=s.source, shard=s.shard) for s in shards for f in s.files), *(extra_files or [])],
        key=lambda f: f["path"],
    )
    input_rows = [
        {k: v for k, v in r.to_json().items() if k not in ("runs", "features", "stages", "licenses", "contamination")}
        for r in inputs
    ]
    sources = _source_summary(plan, inputs, shards)
    tokens = None
    if any(s.tokens is not None for s in shards):
        tokens = {
            "tokenizer": plan.config.tokenizer,
            "total": sum(s.tokens or 0 for s in shards),
            "per_source": {n: v["tokens"] for n, v in sources.items()},
            "per_shard": {f"{s.source}/{s.shard:05d}": s.tokens for s in shards},
        }
    now = dt.datetime.now(dt.UTC)
    return {
        "schema": SCHEMA,
        "dataset": plan.config.dataset,
        "version": plan.config.version,
        "parent": plan.config.parent,
        "description": plan.config.description,
        "created": now.isoformat(timespec="seconds"),
        "duration_seconds": round(now.timestamp() - started, 3),
        "release_digest": release_digest(files),
        "outcome_digest": outcome_digest(files),
        "code": code_info(),
        "config": plan.config.resolved(),
        "config_sha256": plan.config_sha256,
        "engine": engine,
        "format": plan.config.format,
        "shard_count": plan.config.shards,
        "inputs": input_rows,
        "sources": sources,
        "stages": _stages(plan, inputs),
        "dedup": dedup,
        "decontamination": _decontamination(plan, inputs),
        "licenses": _licenses(plan, inputs, shards),
        "tokens": tokens,
        "shards": files,
        "accounting": accounting(input_rows, sources),
        # False when a wall-clock guard decided a record: the same config may keep other documents elsewhere
        "reproducible": all(r.reproducible for r in inputs),
    }


def finalize_release(
    plan: Plan,
    engine: dict[str, Any],
    inputs: list[InputResult],
    shards: list[ShardResult],
    dedup: dict[str, Any] | None,
    *,
    started: float,
    extra_files: list[dict[str, Any]] | None = None,
    feature_files: list[str] | None = None,
) -> dict[str, Any]:
    """The manifest from the run's results, then the release sealed (manifests.builder.seal_release),
    with the lookup index for `pajama query` written just before manifest.json when the config asks
    (reusing the exact hashes of the dedup `feature_files`)."""
    manifest = build_manifest(plan, engine, inputs, shards, dedup, started=started, extra_files=extra_files or [])
    hook = _index_hook(plan, feature_files or [])
    seal_release(plan.release_uri, manifest, report=plan.config.report, before_manifest=hook)
    return manifest


def _index_hook(plan: Plan, feature_files: list[str]) -> Any:
    if not plan.config.index:
        return None
    from pajama.build.release_index import write_index

    return functools.partial(write_index, feature_files=feature_files)


def _decontamination(plan: Plan, inputs: list[InputResult]) -> dict[str, Any] | None:
    """Per benchmark: items searched, items found in some document, documents hit, and the item ids."""
    stage = next((st.filter for src in plan.sources for st in src.stages if st.name == "decontaminate"), None)
    if stage is None:
        return None
    params = stage.params()
    stage.prepare()  # built already by a run; refilter builds it only for these counts
    counts = stage.index().stats
    out: dict[str, Any] = {k: v for k, v in params.items() if k != "benchmarks"}
    out["benchmarks"] = {}
    for bench in params["benchmarks"]:
        name = bench["name"]
        hits = [r.contamination[name] for r in inputs if name in r.contamination]
        item_ids = sorted({i for h in hits for i in h["items"]}, key=_natural)
        out["benchmarks"][name] = {
            "sha256": bench["sha256"],
            "items": counts.get(name, {}).get("items", 0),
            "items_indexed": counts.get(name, {}).get("indexed", 0),
            "items_too_short": counts.get(name, {}).get("too_short", 0),
            "items_hit": len(item_ids),
            "documents_hit": sum(h["documents"] for h in hits),
            "item_ids": item_ids,
        }
    return out


def _natural(item_id: str) -> list[tuple[int, str]]:
    """Ids in natural order: "q2" before "q10", row numbers as numbers."""
    return [(int(p), "") if p.isdigit() else (-1, p) for p in re.split(r"(\d+)", item_id) if p]


def minhash_files(plan: Plan, feature_files: list[str], result: DedupResult) -> list[dict[str, Any]]:
    """Write the MinHash signatures into the release (minhash/<source>/...); their manifest file entries."""
    from pajama.dedup.stage import write_signatures

    base = (local_path(plan.release_uri) or plan.release_uri).rstrip("/")
    out: list[dict[str, Any]] = []
    for path in write_signatures(feature_files, base, shards=plan.config.shards, result=result):
        sha, size = sha256_file(path)
        rel = path.removeprefix(base + "/")
        source = rel.split("/")[1]
        out.append({"kind": "minhash", "path": rel, "sha256": sha, "bytes": size, "documents": None, "source": source})
    return out
