"""What every release holds besides its data: the digest, code facts, the accounting law, card, report and
SHA256SUMS (DESIGN.md). The build layer (pajama.build.release) fills the manifest from a run's results and
seals it here; this module knows manifests, not plans."""

from __future__ import annotations

import hashlib
import json
import logging
import platform
import re
import subprocess
from collections.abc import Callable, Iterable
from importlib import metadata
from pathlib import Path
from typing import Any

import fsspec

from pajama import __version__, faults
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


OUTCOME_KINDS = ("data", "rejected", "signals")


def outcome_digest(shards: Iterable[dict[str, Any]]) -> str:
    """sha256 over every shard a record's fate decides (data, rejected/ with the reasons, signals/), by
    kind and path: two runs with equal outcome digests kept, dropped and scored every record alike. The
    release_digest covers the data alone (what a trainer reads); this one is what `manifest diff` compares
    before it calls two runs identical."""
    rows = sorted(f"{s['kind']}\t{s['path']}\t{s['sha256']}" for s in shards if s["kind"] in OUTCOME_KINDS)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()


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


def seal_release(
    release: str,
    manifest: dict[str, Any],
    *,
    report: bool,
    before_manifest: Callable[[str, dict[str, Any]], object] | None = None,
) -> None:
    """Card and report, then `before_manifest(release, manifest)` (the build layer's lookup index), then
    manifest.json, then SHA256SUMS (which seals the release)."""
    _remove_strays(release, {f["path"] for f in manifest["shards"]})
    faults.checkpoint("manifest.card")
    if report:
        write_card_and_report(release, manifest)
    if before_manifest is not None:
        before_manifest(release, manifest)
    faults.checkpoint("manifest.write")
    with atomic_write(join(release, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=2, sort_keys=False)
        f.write("\n")
    faults.checkpoint("manifest.sums")
    write_sha256sums(release)


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
