"""Re-cluster a release at another threshold from its stored minhash/ signatures (no text is read).

The dedup config is the release's own (manifest.json "config"."dedup") with the new threshold; the
MinHash parameters are taken from the stored files (they decide what the signatures mean); bands and
rows are derived again from the threshold unless given. Candidate pairs are verified by estimated
Jaccard (stored files hold no shingles). All stored documents take part, including those the release
removed, so a higher threshold gives removed documents back.
"""

from __future__ import annotations

import json
import os
from typing import Any

from pajama.dedup.config import DedupConfig, ExactConfig, MinhashConfig
from pajama.dedup.features import file_parameters
from pajama.dedup.stage import DedupResult, resolve
from pajama.errors import ConfigError


def signature_files(release: str) -> list[str]:
    root = os.path.join(release, "minhash")
    if not os.path.isdir(root):
        raise ConfigError("RELEASE", f"{release} has no minhash/ folder (was minhash.store_signatures on?)")
    files = sorted(
        os.path.join(root, source, name)
        for source in os.listdir(root)
        for name in os.listdir(os.path.join(root, source))
        if name.endswith(".parquet")
    )
    if not files:
        raise ConfigError("RELEASE", f"{root} holds no signature files")
    return files


def release_config(release: str) -> dict[str, Any]:
    path = os.path.join(release, "manifest.json")
    if not os.path.isfile(path):
        return {}
    with open(path, encoding="utf-8") as f:
        manifest = json.load(f)
    return dict((manifest.get("config") or {}).get("dedup") or {})


def recluster_config(
    release: str, threshold: float, *, scope: str | None = None, bands: int | None = None, rows: int | None = None
) -> DedupConfig:
    """The release's dedup config at `threshold`, with the stored files' MinHash parameters."""
    stored = file_parameters(signature_files(release)[0])
    raw = release_config(release)
    minhash = dict(raw.get("minhash") or {})
    minhash.update({k: stored[k] for k in ("num_perm", "seed", "hash", "unit", "ngram") if k in stored})
    minhash.update(threshold=threshold, bands=bands, rows=rows, verify="estimate", enabled=True)
    exact = raw.get("exact")
    if exact is None and "normalize" in stored:
        exact = ExactConfig(normalize=stored["normalize"]).model_dump()
    try:
        return DedupConfig(
            exact=exact,
            minhash=MinhashConfig(**minhash),
            scope=scope or raw.get("scope", "source"),
            keep=raw.get("keep", "priority"),
        )
    except ValueError as e:
        raise ConfigError("dedup", str(e)) from None


def recluster(
    release: str,
    threshold: float,
    *,
    work_dir: str,
    workers: int = 1,
    scope: str | None = None,
    bands: int | None = None,
    rows: int | None = None,
) -> DedupResult:
    cfg = recluster_config(release, threshold, scope=scope, bands=bands, rows=rows)
    return resolve(signature_files(release), cfg, work_dir=work_dir, workers=workers)
