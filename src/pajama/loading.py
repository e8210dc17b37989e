"""`pajama.load(DIR or URI, source=...)`: the records of a release, without the `datasets` library.

    release = pajama.load("releases/quickstart/1.0.0", source="docs")
    len(release)                      # documents in the selected shards, from the manifest
    for record in release:            # {"id", "text", "source", "meta", "origin", "signals"}
        ...

A release folder is read in place. A dataset's home (a folder with versions.json or version folders, as
`pajama publish` writes) resolves to `version` (default: the latest). A remote URI (hf://datasets/ORG/NAME,
https://mirror/.../, s3://...) is downloaded first, only the selected sources' shards, into a cache folder
(`cache_dir`, else $PAJAMA_CACHE, else ~/.cache/pajama/releases) and verified like `pajama download`.
Before its records are read, each shard's sha256 is checked against the manifest (verify=False skips that),
so a corrupted shard is refused rather than half-read. Both shard formats (jsonl.zst, parquet) give the
same records.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from pajama.errors import CheckFailed, ConfigError
from pajama.storage import local_path, sha256_file

READABLE_KINDS = ("data", "rejected")


class Release:
    """The selected shards of one release; iterating yields their records, shard by shard, in manifest order."""

    def __init__(self, root: Path, manifest: dict[str, Any], shards: list[dict[str, Any]], *, verify: bool) -> None:
        self.root = root
        self.manifest = manifest
        self.shards = shards
        self.verify = verify

    @property
    def files(self) -> list[Path]:
        return [self.root / s["path"] for s in self.shards]

    def __len__(self) -> int:
        return sum(int(s.get("documents", 0)) for s in self.shards)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        from pajama.shardio import read_shard

        for shard in self.shards:
            path = self.root / shard["path"]
            if self.verify and sha256_file(str(path))[0] != shard["sha256"]:
                raise CheckFailed(f"{path}: sha256 does not match the manifest; not reading it")
            yield from read_shard(str(path))

    def __repr__(self) -> str:
        m = self.manifest
        return f"Release({m['dataset']} {m['version']}, {len(self.shards)} shards, {len(self)} documents, {self.root})"


def load(
    dir_or_uri: str | os.PathLike[str],
    source: str | Iterable[str] | None = None,
    version: str | None = None,
    *,
    kinds: Iterable[str] = ("data",),
    cache_dir: str | os.PathLike[str] | None = None,
    verify: bool = True,
) -> Release:
    uri = os.fspath(dir_or_uri)
    sources = [source] if isinstance(source, str) else list(source or [])
    kinds = list(kinds)
    bad = sorted(set(kinds) - set(READABLE_KINDS))
    if bad:
        raise ConfigError("kinds", f"{', '.join(bad)}: only {' and '.join(READABLE_KINDS)} shards hold records")
    root = _local_release(uri, version) or _download_to_cache(uri, version, sources, kinds, cache_dir)
    manifest = json.loads((root / "manifest.json").read_text())
    available = {s["source"] for s in manifest["shards"]} | set(manifest.get("sources", {}))
    unknown = sorted(set(sources) - available)
    if unknown:
        raise ConfigError(
            "source", f"{', '.join(unknown)} not in this release (available: {', '.join(sorted(available))})"
        )
    shards = [s for s in manifest["shards"] if s["kind"] in kinds and (not sources or s["source"] in sources)]
    return Release(root, manifest, shards, verify=verify)


def _local_release(uri: str, version: str | None) -> Path | None:
    path = local_path(uri)
    if path is None:
        return None
    root = Path(path)
    if (root / "manifest.json").is_file():
        found = json.loads((root / "manifest.json").read_text()).get("version")
        if version is not None and found != version:
            raise ConfigError("version", f"{root} holds version {found}, not {version}")
        return root
    from pajama.download import locate

    return root / locate(str(root), version).prefix


def _download_to_cache(
    uri: str, version: str | None, sources: list[str], kinds: list[str], cache_dir: str | os.PathLike[str] | None
) -> Path:
    from pajama.download import download, locate

    located = locate(uri, version)
    m = located.manifest
    cache = Path(cache_dir or os.environ.get("PAJAMA_CACHE") or Path.home() / ".cache" / "pajama" / "releases")
    dest = cache / m["dataset"] / f"{m['version']}-{m['release_digest'][:12]}"
    download(uri, dest, sources=sources, kinds=kinds, located=located)
    return dest
