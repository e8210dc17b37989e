"""Where a release may be written: the release-slot policy and the preflight write check.

A sealed release (manifest.json and SHA256SUMS) is never touched unless `--overwrite`; an unsealed one
that the same config began is resumed; one that another config began is refused.
"""

from __future__ import annotations

import json

import fsspec

from pajama.build.plan import Plan
from pajama.errors import ConfigError, OutputError
from pajama.storage import atomic_write, join


def check_release_slot(plan: Plan, *, overwrite: bool) -> None:
    fs, path = fsspec.core.url_to_fs(plan.release_uri)
    if fs.exists(f"{path}/manifest.json") and not _unsealed_by_same_config(fs, path, plan):
        if not overwrite:
            raise ConfigError(
                "version", f"release {plan.release_uri} already exists; bump `version` or pass --overwrite"
            )
        fs.rm(path, recursive=True)


def _unsealed_by_same_config(fs: fsspec.AbstractFileSystem, path: str, plan: Plan) -> bool:
    """A crash between manifest.json and SHA256SUMS (which seals a release) leaves it unfinished: the
    same config may resume it; a sealed release, or one another config began, is never touched."""
    if fs.exists(f"{path}/SHA256SUMS"):
        return False
    try:
        with fs.open(f"{path}/manifest.json", "rb") as f:
            return bool(json.load(f).get("config_sha256") == plan.config_sha256)
    except (OSError, ValueError):
        return False


def preflight(plan: Plan) -> None:
    """Fail before any work when the release or work folder cannot be written."""
    for where, uri in (("work_dir", plan.work_dir), ("output", plan.release_uri)):
        try:
            fs, path = fsspec.core.url_to_fs(uri)
            fs.makedirs(path, exist_ok=True)
            with atomic_write(join(uri, ".pajama-write-check"), "w") as f:
                f.write("ok")
            fs.rm(f"{path.rstrip('/')}/.pajama-write-check")
        except OSError as e:
            raise OutputError(f"{where} {uri} is not writable: {e.strerror or e}") from None
