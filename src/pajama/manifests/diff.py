"""`pajama manifest diff OLD NEW`: what changed between two releases, from their manifests and data ids.

Config differences are listed by dotted key (`sources.web.filters.0.gopher_quality.min_words`), stage
differences by source and stage (params, in/out, drops by reason), counts per source and per reason,
inputs by URI, shards by path, and documents by id: per source, how many were added and removed, with a
sample (the smallest ids: ids are hashes, so that is a uniform, reproducible sample) and, for each sampled
id, what the other release says about it (dropped there, and why).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import orjson

from pajama.manifests.verify import load_manifest
from pajama.storage import join

COUNTS = ("records", "documents", "kept", "chars", "tokens")
REASON_KINDS = ("skipped", "errors", "dropped", "duplicates")
MISSING = "(absent)"


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """A nested config as {dotted.key: leaf}; list items are numbered, empty containers and None kept as leaves."""
    items: Any = None
    if isinstance(value, dict):
        items = value.items()
    elif isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        items = ((str(i), v) for i, v in enumerate(value))
    if not items or (isinstance(value, dict) and not value):
        return {prefix: value} if prefix else {}
    out: dict[str, Any] = {}
    for key, item in items:
        out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
    return out


def changed(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{key: [old, new]} for every key whose value differs (MISSING where a side lacks it)."""
    return {
        k: [old.get(k, MISSING), new.get(k, MISSING)]
        for k in sorted(set(old) | set(new))
        if old.get(k, MISSING) != new.get(k, MISSING)
    }


def diff_releases(old: str, new: str, *, sample: int = 10, documents: bool = True) -> dict[str, Any]:
    a, b = load_manifest(old), load_manifest(new)
    out: dict[str, Any] = {
        "old": _head(a, old),
        "new": _head(b, new),
        "same_data": a["release_digest"] == b["release_digest"],
        # same outcome: every record kept, dropped (same reason) and scored alike; None when a side predates it
        "same_outcome": (a["outcome_digest"] == b["outcome_digest"])
        if "outcome_digest" in a and "outcome_digest" in b
        else None,
        "config": changed(flatten(a["config"]), flatten(b["config"])),
        "code": changed(flatten(a.get("code") or {}), flatten(b.get("code") or {})),
        "sources": _sources(a, b),
        "stages": _stages(a, b),
        "inputs": _inputs(a, b),
        "shards": _shards(a, b),
        "removals": _removals(a, b),
    }
    if documents:
        out["documents"] = {
            name: _documents(old, a, new, b, name, sample) for name in sorted(set(a["sources"]) | set(b["sources"]))
        }
    return out


def _removals(a: dict[str, Any], b: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    """Removal requests one release applied and the other did not (by request sha256 and version)."""
    key = lambda r: (r["request_sha256"], r["version"])  # noqa: E731
    old = {key(r) for r in a.get("removals") or []}
    new = {key(r) for r in b.get("removals") or []}
    return {
        "added": [r for r in b.get("removals") or [] if key(r) not in old],
        "undone": [r for r in a.get("removals") or [] if key(r) not in new],
    }


def _head(m: dict[str, Any], path: str) -> dict[str, Any]:
    keys = ("dataset", "version", "parent", "created", "release_digest", "outcome_digest")
    return {k: m.get(k) for k in keys} | {"path": path}


def _source_facts(s: dict[str, Any] | None) -> dict[str, Any]:
    if s is None:
        return {}
    facts = {k: s.get(k) for k in COUNTS}
    for kind in REASON_KINDS:
        facts[f"{kind}.total"] = sum((s.get(kind) or {}).values())
        facts.update({f"{kind}.{reason}": n for reason, n in (s.get(kind) or {}).items()})
    return facts


def _sources(a: dict[str, Any], b: dict[str, Any]) -> dict[str, dict[str, list[Any]]]:
    out = {}
    for name in sorted(set(a["sources"]) | set(b["sources"])):
        delta = changed(_source_facts(a["sources"].get(name)), _source_facts(b["sources"].get(name)))
        for key in delta:  # a reason present on one side only went from 0, not from nothing
            if "." in key and not key.endswith(".total") and name in a["sources"] and name in b["sources"]:
                delta[key] = [0 if v == MISSING else v for v in delta[key]]
        if delta:
            out[name] = delta
    return out


def _stages(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    def index(m: dict[str, Any]) -> dict[tuple[str, str], dict[str, Any]]:
        return {(s["source"], s["name"]): s for s in m["stages"]}

    old, new = index(a), index(b)
    out = []
    for key in sorted(set(old) | set(new)):
        so, sn = old.get(key), new.get(key)
        entry: dict[str, Any] = {"source": key[0], "stage": key[1], "filter": (sn or so or {}).get("filter")}
        if so is None or sn is None:
            entry["change"] = "added" if so is None else "removed"
        facts_o = flatten({"params": so["params"]}) if so else {}
        facts_n = flatten({"params": sn["params"]}) if sn else {}
        for side, s in ((facts_o, so), (facts_n, sn)):
            if s is not None:
                side.update({"version": s.get("version"), "in": s["in"], "out": s["out"]})
                side.update({f"dropped.{r}": n for r, n in s["dropped"].items()})
        delta = changed(facts_o, facts_n)
        if so is not None and sn is not None:
            delta = {k: [0 if v == MISSING and k.startswith("dropped.") else v for v in vs] for k, vs in delta.items()}
        if delta or "change" in entry:
            entry["changes"] = delta
            out.append(entry)
    return out


def _inputs(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    def index(m: dict[str, Any]) -> dict[str, dict[str, Any]]:
        return {f"{i['source']}:{i['uri']}": i for i in m["inputs"]}

    old, new = index(a), index(b)
    changes = {}
    for key in sorted(set(old) & set(new)):
        fields = ("sha256", "bytes", "records", "documents")
        delta = changed({f: old[key].get(f) for f in fields}, {f: new[key].get(f) for f in fields})
        if delta:
            changes[key] = delta
    return {"added": sorted(set(new) - set(old)), "removed": sorted(set(old) - set(new)), "changed": changes}


def _shards(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    old = {s["path"]: s for s in a["shards"]}
    new = {s["path"]: s for s in b["shards"]}
    both = sorted(set(old) & set(new))
    changes = [
        {"path": p, **{k: [old[p].get(k), new[p].get(k)] for k in ("documents", "bytes")}}
        for p in both
        if old[p]["sha256"] != new[p]["sha256"]
    ]
    return {
        "added": sorted(set(new) - set(old)),
        "removed": sorted(set(old) - set(new)),
        "changed": changes,
        "unchanged": len(both) - len(changes),
    }


# ------------------------------------------------------------------------------------------- documents


def data_ids(release: str, manifest: dict[str, Any], source: str, shard: int | None = None) -> Iterator[str]:
    """Ids of a source's kept documents (of one shard, when given), read from its data parts."""
    for f in manifest["shards"]:
        if f["kind"] == "data" and f.get("source") == source and (shard is None or f.get("shard") == shard):
            yield from _ids(join(release, f["path"]))


def _ids(path: str) -> Iterator[str]:
    import fsspec

    if path.endswith(".parquet"):
        from pajama import arrowcols

        with fsspec.open(path, "rb") as f:
            yield from arrowcols.read_parquet(f, columns=["id"]).column("id").to_pylist()
        return
    import io

    import zstandard

    with fsspec.open(path, "rb") as raw:
        lines = io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(raw, read_across_frames=True), 1 << 20)  # type: ignore[arg-type]
        for line in lines:
            if line.strip():
                yield orjson.loads(line)["id"]


def _documents(old: str, a: dict[str, Any], new: str, b: dict[str, Any], source: str, sample: int) -> dict[str, Any]:
    """Added and removed ids of one source; one shard at a time when both releases shard alike."""
    same = a["shard_count"] == b["shard_count"] and source in a["sources"] and source in b["sources"]
    groups: list[int | None] = list(range(int(a["shard_count"]))) if same else [None]
    added: list[str] = []
    removed: list[str] = []
    n_added = n_removed = 0
    for shard in groups:
        ids_a = set(data_ids(old, a, source, shard)) if source in a["sources"] else set()
        ids_b = set(data_ids(new, b, source, shard)) if source in b["sources"] else set()
        plus, minus = ids_b - ids_a, ids_a - ids_b
        n_added += len(plus)
        n_removed += len(minus)
        added = sorted([*added, *plus])[:sample]
        removed = sorted([*removed, *minus])[:sample]
    return {
        "added": n_added,
        "removed": n_removed,
        "added_sample": [{"id": i, "old": _fate(old, a, i)} for i in added],
        "removed_sample": [{"id": i, "new": _fate(new, b, i)} for i in removed],
    }


def _fate(release: str, manifest: dict[str, Any], doc_id: str) -> str:
    """What a release says about an id it does not keep: dropped (and why), or never produced."""
    from pajama.manifests.trace import find_record

    if doc_id.rsplit("/", 1)[0] not in manifest["sources"]:
        return "source absent"
    found = find_record(release, manifest, doc_id)
    if found is None:
        return "not produced" if manifest["config"].get("rejected") else "not kept (no rejected/ to say why)"
    info = found[1].get("rejected")
    return "kept" if info is None else f"dropped: {info.get('reason')}"
