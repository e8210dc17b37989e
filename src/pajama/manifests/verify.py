"""`pajama manifest verify`: schema, every checksum, the file list and the accounting law."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

import fsspec

from pajama.storage import join, sha256_file

REQUIRED = (
    "schema",
    "dataset",
    "version",
    "parent",
    "created",
    "release_digest",
    "code",
    "config",
    "config_sha256",
    "engine",
    "inputs",
    "stages",
    "dedup",
    "licenses",
    "tokens",
    "shards",
    "accounting",
)


def load_manifest(release: str) -> dict[str, Any]:
    with fsspec.open(join(release, "manifest.json"), "r") as f:
        return json.load(f)  # type: ignore[no-any-return]


def verify(release: str, *, check_files: bool = True) -> list[str]:
    """Every problem found, one line each naming the file or count; an empty list means the release is sound."""
    try:
        manifest = load_manifest(release)
    except FileNotFoundError:
        return ["manifest.json: missing"]
    except json.JSONDecodeError as e:
        return [f"manifest.json: not valid JSON ({e})"]
    problems = check_schema(manifest)
    if problems:
        return problems
    problems += check_accounting(manifest)
    problems += check_digest(manifest)
    if check_files:
        problems += check_checksums(release, manifest)
    return problems


def check_schema(manifest: dict[str, Any]) -> list[str]:
    if manifest.get("schema") != "pajama.manifest/1":
        return [f"manifest.json: schema is {manifest.get('schema')!r}, expected 'pajama.manifest/1'"]
    problems = [f"manifest.json: missing key {k!r}" for k in REQUIRED if k not in manifest]
    try:
        from pajama.manifests.schema import validate_manifest
    except ImportError:
        return problems
    return problems + validate_manifest(manifest)


def check_digest(manifest: dict[str, Any]) -> list[str]:
    from pajama.manifests.builder import outcome_digest, release_digest

    problems = []
    digest = release_digest(manifest["shards"])
    if digest != manifest["release_digest"]:
        problems.append(f"release_digest: manifest says {manifest['release_digest']}, data shards give {digest}")
    if "outcome_digest" in manifest and outcome_digest(manifest["shards"]) != manifest["outcome_digest"]:
        problems.append("outcome_digest: does not match the data, rejected and signals shards listed")
    return problems


def check_accounting(manifest: dict[str, Any]) -> list[str]:
    problems = []
    per_source_docs: Counter[str] = Counter()
    for inp in manifest["inputs"]:
        parts = inp["documents"] + sum(inp["skipped"].values()) + sum(inp["errors"].values())
        if inp["records"] != parts:
            problems.append(f"input {inp['uri']}: records {inp['records']} != documents + skipped + errors ({parts})")
        per_source_docs[inp["source"]] += inp["documents"]
    shard_docs: Counter[str] = Counter()
    for shard in manifest["shards"]:
        if shard["kind"] == "data":
            shard_docs[shard["source"]] += shard["documents"]
    for name, src in manifest.get("sources", {}).items():
        total = src["kept"] + sum(src["dropped"].values()) + sum(src["duplicates"].values())
        if src["documents"] != total:
            problems.append(f"source {name}: documents {src['documents']} != kept + dropped + duplicates ({total})")
        if per_source_docs[name] != src["documents"]:
            problems.append(
                f"source {name}: documents {src['documents']} != sum over its inputs ({per_source_docs[name]})"
            )
        if shard_docs[name] != src["kept"]:
            problems.append(f"source {name}: kept {src['kept']} != documents in its data shards ({shard_docs[name]})")
    return problems


def check_checksums(release: str, manifest: dict[str, Any]) -> list[str]:
    """Files against SHA256SUMS and the manifest; a published copy's PUBLISHED.json names the files it left
    out and the digest of each shard it republished without license-dropped documents."""
    from pajama._publish_select import RECORD, expected_digests, load_record

    problems = []
    withheld, filtered = expected_digests(load_record(release))
    fs, root = fsspec.core.url_to_fs(release)
    root = root.rstrip("/")
    try:
        with fs.open(f"{root}/SHA256SUMS", "r") as f:
            listed = dict(parse_sums(f.read()))
    except FileNotFoundError:
        listed = {}
        problems.append("SHA256SUMS: missing")
    listed.update({rel: sha for rel, sha in filtered.items() if rel in listed})
    present = {p[len(root) + 1 :] for p in fs.find(root)} - {"SHA256SUMS"}
    present = {p for p in present if not p.rsplit("/", 1)[-1].startswith(".")}
    if withheld or filtered:
        present.discard(RECORD)
    for rel in sorted(present - set(listed)):
        if listed or "SHA256SUMS: missing" not in problems:
            problems.append(f"{rel}: extra file, not listed in SHA256SUMS")
    for rel in sorted(set(listed) - present - withheld):
        problems.append(f"{rel}: listed in SHA256SUMS but missing")
    for rel in sorted(set(listed) & present):
        if sha256_file(join(release, rel))[0] != listed[rel]:
            problems.append(f"{rel}: sha256 does not match SHA256SUMS")
    for shard in manifest["shards"]:
        rel = shard["path"]
        expected = filtered.get(rel, shard["sha256"])
        if rel in withheld and rel not in present:
            continue
        if rel not in present:
            problems.append(f"{rel}: in the manifest but missing")
        elif listed.get(rel) not in (None, expected) or (
            rel not in listed and sha256_file(join(release, rel))[0] != expected
        ):
            problems.append(f"{rel}: sha256 does not match the manifest")
    return problems


def parse_sums(text: str) -> list[tuple[str, str]]:
    """(file, digest) pairs of a SHA256SUMS text (`sha256sum` format): verify, publish and download read it."""
    out = []
    for line in text.splitlines():
        if line.strip():
            digest, _, name = line.partition("  ")
            out.append((name.lstrip("*"), digest))
    return out
