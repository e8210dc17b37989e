"""Build manifest.json from the phases' results; write the card, the report, SHA256SUMS (DESIGN.md)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import platform
import re
import subprocess
from collections import Counter
from collections.abc import Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import fsspec

from pajama import __version__, faults
from pajama.build.pipeline import InputResult
from pajama.build.plan import Plan
from pajama.build.write import ShardResult
from pajama.storage import atomic_write, join

log = logging.getLogger(__name__)

SCHEMA = "pajama.manifest/1"
_TEMPORARY = re.compile(r"^\..+\.tmp$|\.tmp-\d+$")  # local and remote atomic_write temp names
LIBRARIES = (
    "warcio",
    "trafilatura",
    "resiliparse",
    "fasttext-numpy2-wheel",
    "mwparserfromhell",
    "pyarrow",
    "zstandard",
    "orjson",
    "tokenizers",
    "datasketch",
    "numpy",
    "pydantic",
    "fsspec",
)


def release_digest(shards: Iterable[dict[str, Any]]) -> str:
    """sha256 over the sorted data shard digests: equal data gives equal digests, whatever the engine."""
    digests = sorted(s["sha256"] for s in shards if s["kind"] == "data")
    return hashlib.sha256("\n".join(digests).encode()).hexdigest()


def code_info() -> dict[str, Any]:
    libs = {}
    for name in LIBRARIES:
        try:
            libs[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return {"pajama": __version__, "git_commit": _git_commit(), "python": platform.python_version(), "libraries": libs}


def _git_commit() -> str | None:
    try:
        out = subprocess.run(
            ["git", "rev-parse", "HEAD"],
            cwd=Path(__file__).resolve().parent,
            capture_output=True,
            text=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return out.stdout.strip() or None


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


def accounting(inputs: list[dict[str, Any]], sources: dict[str, Any]) -> dict[str, Any]:
    """The accounting law: per input records = documents + skipped + errors; per source
    documents = kept + dropped + duplicates."""
    bad_inputs = [
        i["uri"]
        for i in inputs
        if i["records"] != i["documents"] + sum(i["skipped"].values()) + sum(i["errors"].values())
    ]
    per_source = {}
    for name, s in sources.items():
        total = s["kept"] + sum(s["dropped"].values()) + sum(s["duplicates"].values())
        per_source[name] = {
            "documents": s["documents"],
            "kept": s["kept"],
            "dropped": sum(s["dropped"].values()),
            "duplicates": sum(s["duplicates"].values()),
            "balanced": total == s["documents"],
        }
    return {
        "law": "per input: records = documents + skipped + errors; per source: documents = kept + dropped + "
        "duplicates (an input-level failure counts as one errored record)",
        "inputs_balanced": not bad_inputs,
        "unbalanced_inputs": bad_inputs,
        "sources": per_source,
        "balanced": not bad_inputs and all(v["balanced"] for v in per_source.values()),
    }


def _tokenizer_identity(plan: Plan) -> dict[str, Any]:
    from pajama.tokenization.stage import load_tokenizer, tokens_identity

    return tokens_identity(load_tokenizer(plan.config.tokenizer or ""), plan.config.tokens)


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
        {k: v for k, v in r.to_json().items() if k not in ("runs", "features", "stages", "licenses")} for r in inputs
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
        "licenses": _licenses(plan, inputs, shards),
        "tokens": tokens,
        "shards": files,
        "accounting": accounting(input_rows, sources),
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
) -> dict[str, Any]:
    """Card and report, then manifest.json, then SHA256SUMS (which seals the release)."""
    manifest = build_manifest(
        plan,
        engine,
        inputs,
        shards,
        dedup,
        started=started,
        extra_files=extra_files or [],
    )
    _remove_strays(plan.release_uri, {f["path"] for f in manifest["shards"]})
    faults.checkpoint("manifest.card")
    if plan.config.report:
        write_card_and_report(plan.release_uri, manifest)
    faults.checkpoint("manifest.write")
    with atomic_write(join(plan.release_uri, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=False)
        f.write("\n")
    faults.checkpoint("manifest.sums")
    write_sha256sums(plan.release_uri)
    return manifest


def write_card_and_report(release: str, manifest: dict[str, Any]) -> None:
    from pajama.manifests.card import render_card, render_report

    with atomic_write(join(release, "README.md"), "w") as f:
        f.write(render_card(manifest))
    with atomic_write(join(release, "report.html"), "w") as f:
        f.write(render_report(manifest))


def list_release_files(release: str) -> list[str]:
    fs, root = fsspec.core.url_to_fs(release)
    root = root.rstrip("/")
    out = []
    for path in fs.find(root):
        rel = path[len(root) + 1 :]
        if rel != "SHA256SUMS" and not Path(rel).name.startswith("."):
            out.append(rel)
    return sorted(out)


def write_sha256sums(release: str) -> None:
    from pajama.storage import sha256_file

    lines = [f"{sha256_file(join(release, rel))[0]}  {rel}\n" for rel in list_release_files(release)]
    with atomic_write(join(release, "SHA256SUMS"), "w") as f:
        f.writelines(lines)


def _remove_strays(release: str, expected: set[str]) -> None:
    """Files an interrupted earlier attempt left in the release's data folders are not part of it, nor
    are the temporary files of atomic writes it was killed inside (storage.atomic_write names them)."""
    fs, root = fsspec.core.url_to_fs(release)
    root = root.rstrip("/")
    for path in fs.find(root) if fs.exists(root) else []:
        rel = path[len(root) + 1 :]
        top = rel.split("/", 1)[0]
        if _TEMPORARY.search(rel.rsplit("/", 1)[-1]) or (
            top in ("data", "rejected", "signals", "minhash", "tokens") and rel not in expected
        ):
            log.info("removing stray file %s", rel)
            fs.rm(path)
