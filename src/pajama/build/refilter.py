"""`pajama refilter`: a new release version from a release's stored signals, with new thresholds.

Each filter decides from its stored signals (`decide(signals)`) without recomputing them. Documents the
old release dropped by a filter come back into play when `rejected/` holds them: they re-enter the chain,
and a stage whose signals they never reached is computed in full for them. Duplicates stay duplicates:
the dedup decision is carried over (a full run could keep another member of a cluster whose kept
document is now filtered out; the manifest's dedup section says so).

The data shards equal those of a full run with the same thresholds whenever the carried-over dedup
decisions hold; the stage counts are exact for every document that can be re-evaluated, and carried over
from the old manifest for dropped documents the old release did not keep.
"""

from __future__ import annotations

import shutil
import time
from collections import Counter
from typing import Any

import fsspec
import orjson

from pajama import arrowcols
from pajama.build import config as config_mod
from pajama.build import plan as plan_mod
from pajama.build.pipeline import InputResult, StageCount, license_of, run_stages
from pajama.build.plan import Plan, SourcePlan
from pajama.build.release import finalize_release
from pajama.build.runs import RunLine
from pajama.build.slot import check_release_slot, preflight
from pajama.build.token_files import relative_token_paths, shard_tokens
from pajama.build.write import ShardResult, write_rows
from pajama.errors import ConfigError
from pajama.manifests.verify import load_manifest
from pajama.record import Record
from pajama.shardio import read_shard
from pajama.storage import atomic_write, join


def refilter(release: str, overrides: list[str], *, version: str, output: str | None = None) -> dict[str, Any]:
    old = load_manifest(release)
    raw = dict(old["config"], version=version, parent=old["version"])
    for key, value in config_mod.parse_overrides(overrides):
        config_mod.set_dotted(raw, key, value)
    plan = plan_mod.build(config_mod.validate(raw), output=output)
    _check_same_chain(plan, old)
    check_release_slot(plan, overwrite=False)
    preflight(plan)
    started = time.time()
    inputs = _carried_inputs(old)
    shards: list[ShardResult] = []
    for src in plan.sources:
        counts = {st.label: StageCount() for st in src.stages}
        licenses: dict[str, Counter[str]] = {}
        for k in range(plan.config.shards):
            shards.append(_refilter_shard(plan, src, release, old, k, counts, licenses))
        _carry_unavailable_drops(old, src, counts, has_rejected=_has_rejected(old, src.name))
        first = next(r for r in inputs if r.source == src.name)
        first.stages = counts
        first.licenses = licenses
    dedup = old.get("dedup")
    if dedup is not None:
        dedup = dict(dedup, carried_over_from=old["version"])
    signatures = _carry_minhash(release, old, plan.release_uri)
    engine = {"name": "refilter", "workers": 1}
    return finalize_release(plan, engine, inputs, shards, dedup, started=started, extra_files=signatures)


def _carry_minhash(release: str, old: dict[str, Any], new_release: str) -> list[dict[str, Any]]:
    """minhash/ signatures do not depend on thresholds: the new version holds the same files."""
    out = []
    for entry in old["shards"]:
        if entry["kind"] != "minhash":
            continue
        target = join(new_release, entry["path"])
        with fsspec.open(join(release, entry["path"]), "rb") as src, atomic_write(target) as dst:
            shutil.copyfileobj(src, dst, 1 << 20)
        out.append(dict(entry))
    return out


def _check_same_chain(plan: Plan, old: dict[str, Any]) -> None:
    for src in plan.sources:
        before = [(s["name"], s["filter"]) for s in old["stages"] if s["source"] == src.name]
        after = [(s.label, s.name) for s in src.stages]
        if before != after:
            raise ConfigError(f"sources.{src.name}.filters", "refilter changes thresholds, not the list of filters")
        for st in src.stages:
            if not hasattr(st.filter, "decide"):
                raise ConfigError(f"sources.{src.name}.filters", f"{st.name} cannot decide from stored signals")


def _has_rejected(old: dict[str, Any], source: str) -> bool:
    return bool(old["config"].get("rejected")) and any(s["source"] == source for s in old["shards"])


def _carried_inputs(old: dict[str, Any]) -> list[InputResult]:
    out = []
    for row in old["inputs"]:
        r = InputResult(
            row["source"], row["uri"], row["name"], row["sha256"], row["bytes"], row["records"], row["documents"]
        )
        r.skipped.update(row["skipped"])
        r.errors.update(row["errors"])
        out.append(r)
    if out and old.get("decontamination"):  # the search is not run again: its totals carry over
        out[0].contamination = {
            name: {"documents": b["documents_hit"], "items": set(b["item_ids"])}
            for name, b in old["decontamination"]["benchmarks"].items()
        }
    return out


def _records(release: str, old: dict[str, Any], source: str, kind: str, shard: int) -> list[dict[str, Any]]:
    paths = [
        s["path"] for s in old["shards"] if s["kind"] == kind and s["source"] == source and s.get("shard") == shard
    ]
    return [r for p in paths for r in read_shard(join(release, p))]


def _signals_of(release: str, old: dict[str, Any], source: str, shard: int) -> dict[str, dict[str, Any]]:
    if old["config"].get("signals") != "separate":
        return {}

    out: dict[str, dict[str, Any]] = {}
    for s in old["shards"]:
        if s["kind"] == "signals" and s["source"] == source and s.get("shard") == shard:
            for row in arrowcols.read_parquet(join(release, s["path"])).to_pylist():
                out[row.pop("id")] = {k: v for k, v in row.items() if v is not None}
    return out


def _refilter_shard(
    plan: Plan,
    src: SourcePlan,
    release: str,
    old: dict[str, Any],
    shard: int,
    counts: dict[str, StageCount],
    licenses: dict[str, Counter[str]],
) -> ShardResult:
    separate = _signals_of(release, old, src.name, shard)
    rows: list[tuple[str, RunLine]] = []
    removed: dict[str, Any] = {}
    for kind in ("data", "rejected"):
        for rec in _records(release, old, src.name, kind, shard):
            info = rec.pop("rejected", None)
            if separate and rec["id"] in separate:
                rec["signals"] = separate[rec["id"]]
            record = Record.from_dict(rec)
            # A duplicate passed every filter before dedup removed it: it goes through the stages again (as
            # in a full run) and stays a duplicate when it still passes.
            reason = run_stages(record, src.stages, counts, from_signals=True)
            licenses.setdefault(license_of(record.meta), Counter())["dropped" if reason else "passed"] += 1
            if reason is None and info is not None and info.get("duplicate_of"):
                removed[record.id] = info
            elif reason and not plan.config.rejected:
                continue
            status = "K" if reason is None else f"D{reason}"
            if plan.config.signals != "inline":
                record.signals = {} if plan.config.signals == "none" else record.signals
            facts = orjson.dumps([len(record.text), record.meta.get("language"), license_of(record.meta)])
            body = orjson.dumps(record.to_dict(), option=orjson.OPT_NON_STR_KEYS)
            rows.append((record.origin.get("sha256") or "", RunLine(record.id, status, facts, body)))
    rows.sort(key=lambda r: (r[1].id, r[0], r[1].json))
    tokens = shard_tokens(plan, src.name, shard)
    result = write_rows(plan, src.name, shard, rows, removed, tokens)
    relative_token_paths(plan, result)
    return result


def _carry_unavailable_drops(
    old: dict[str, Any], src: SourcePlan, counts: dict[str, StageCount], *, has_rejected: bool
) -> None:
    """Without rejected/, documents the old run dropped keep their old stage and reason."""
    if has_rejected:
        return
    old_stages = [s for s in old["stages"] if s["source"] == src.name]
    for i, st in enumerate(old_stages):
        later = sum(sum(s["dropped"].values()) for s in old_stages[i + 1 :])
        here = sum(st["dropped"].values())
        counts[st["name"]].inp += here + later
        counts[st["name"]].out += later
        counts[st["name"]].dropped.update(st["dropped"])
