"""What a published copy of a release holds: its license policy decides, not the folder's contents.

A release folder keeps everything its run wrote (rejected/, signals/, minhash/ are for the builder's own
audit). A copy published for others holds the data shards, tokens, manifest, card and report; the other
kinds only when asked (`--include rejected`), and documents dropped by a `license.*` rule never, unless
`--include-license-rejected` says so by name. What was left out is written to PUBLISHED.json in the version
folder: every withheld file with its digest, every rejected shard republished without its license-dropped
documents (with the new digest `manifest verify` checks instead), and the counts by reason. The manifest and
SHA256SUMS stay the release's own, so the signature and the release_digest still name the same release.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import orjson
import zstandard

from pajama.storage import join, sha256_file

RECORD = "PUBLISHED.json"
SCHEMA = "pajama.publish/1"
#: shard kinds a published copy holds only when asked for
OPTIONAL_KINDS = ("rejected", "signals", "minhash")


@dataclass
class Selection:
    """The files of the published copy: relative path -> (local file to copy, its sha256)."""

    files: dict[str, tuple[str, str]] = field(default_factory=dict)
    record: dict[str, Any] | None = None
    scratch: list[str] = field(default_factory=list)

    def cleanup(self) -> None:
        for path in self.scratch:
            if os.path.exists(path):
                os.unlink(path)


def select_files(
    release: str,
    manifest: dict[str, Any],
    sums: dict[str, str],
    *,
    include: Iterable[str] = (),
    include_license_rejected: bool = False,
) -> Selection:
    """Decide every file of the published copy (see the module docstring); raises nothing on a clean release."""
    asked = set(include)
    sel = Selection()
    withheld: list[dict[str, Any]] = []
    filtered: list[dict[str, Any]] = []
    license_counts: Counter[str] = Counter()
    shards = {s["path"]: s for s in manifest["shards"]}
    for rel, digest in sorted(sums.items()):
        shard = shards.get(rel)
        if shard is None:  # card, report, manifest, a signature: always published
            sel.files[rel] = (join(release, rel), digest)
            continue
        kind = shard["kind"]
        if kind in OPTIONAL_KINDS and kind not in asked:
            withheld.append(_entry(shard, f"not asked for (publish --include {kind})"))
            continue
        if kind == "rejected" and not include_license_rejected:
            done = _without_license_drops(join(release, rel), sel)
            if done is not None:
                path, counts = done
                sha, size = sha256_file(path)
                license_counts.update(counts)
                filtered.append(
                    {
                        **_entry(shard, "license-dropped documents left out"),
                        "published_sha256": sha,
                        "published_bytes": size,
                        "published_documents": shard["documents"] - sum(counts.values()),
                        "withheld_documents": dict(sorted(counts.items())),
                    }
                )
                sel.files[rel] = (path, sha)
                continue
        sel.files[rel] = (join(release, rel), digest)
    sel.files["SHA256SUMS"] = (join(release, "SHA256SUMS"), "")
    if withheld or filtered:
        sel.record = {
            "schema": SCHEMA,
            "dataset": manifest["dataset"],
            "version": manifest["version"],
            "release_digest": manifest["release_digest"],
            "included": sorted(asked),
            "license_rejected_included": include_license_rejected,
            "withheld_files": withheld,
            "filtered_files": filtered,
            "withheld_license_documents": dict(sorted(license_counts.items())),
        }
    return sel


def record_bytes(record: dict[str, Any]) -> bytes:
    return (json.dumps(record, indent=2) + "\n").encode()


def _entry(shard: dict[str, Any], why: str) -> dict[str, Any]:
    keys = ("path", "kind", "source", "sha256", "bytes", "documents")
    return {**{k: shard.get(k) for k in keys}, "why": why}


def _without_license_drops(uri: str, sel: Selection) -> tuple[str, Counter[str]] | None:
    """A copy of a rejected/ shard without the documents a license rule dropped; None when it has none."""
    import fsspec

    with fsspec.open(uri, "rb") as f:
        lines = zstandard.ZstdDecompressor().stream_reader(f).read().splitlines()
    counts: Counter[str] = Counter()
    kept = []
    for line in lines:
        reason = str((orjson.loads(line).get("rejected") or {}).get("reason", ""))
        if reason.startswith("license."):
            counts[reason] += 1
        else:
            kept.append(line)
    if not counts:
        return None
    fd, path = tempfile.mkstemp(prefix="pajama-publish-", suffix=".jsonl.zst")
    sel.scratch.append(path)
    with os.fdopen(fd, "wb") as out:
        body = b"".join(line + b"\n" for line in kept)
        out.write(zstandard.ZstdCompressor(level=3).compress(body))
    return path, counts


def load_record(release: str) -> dict[str, Any] | None:
    """PUBLISHED.json of a published copy, or None for a release folder as built."""
    import fsspec

    try:
        with fsspec.open(join(release, RECORD), "r") as f:
            return json.load(f)  # type: ignore[no-any-return]
    except FileNotFoundError:
        return None


def expected_digests(record: dict[str, Any] | None) -> tuple[set[str], dict[str, str]]:
    """From a publish record: the paths left out, and the digest of each file republished filtered."""
    if not record:
        return set(), {}
    withheld = {e["path"] for e in record.get("withheld_files", [])}
    filtered = {e["path"]: e["published_sha256"] for e in record.get("filtered_files", [])}
    return withheld, filtered
