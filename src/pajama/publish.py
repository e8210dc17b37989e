"""`pajama publish RELEASE --to URI`: put a verified release where others can download it.

A target is the dataset's home: a Hub dataset repo (hf://datasets/ORG/NAME) or any fsspec folder (s3://...,
gs://..., a local path). Every target gets the same layout:

    <version>/            the release folder as built: manifest.json, SHA256SUMS, README.md, data/ ...
    versions.json         {"dataset", "latest", "versions": {version: {path, release_digest, created, ...}}}
    README.md             the latest version's card, its data_files paths pointing into <version>/

The release is verified before anything is written; a version already published with other data is
refused (versions are immutable), and republishing the same release is a no-op. The version folder is
written first and versions.json last, so readers never see a half-published version; on the Hub the tag
v<version> is created on the commit that adds the version to versions.json.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import fsspec
import yaml

from pajama._transfer import HUB_PREFIX, FsspecRemote, Remote, version_key
from pajama.errors import CheckFailed, ConfigError
from pajama.manifests.verify import load_manifest, parse_sums, verify
from pajama.storage import CHUNK, atomic_write, join, local_path

INDEX = "versions.json"
RESUME_MARK = ".pajama-publish"  # inside <version>/ while a publish is in progress: the release_digest


@dataclass(frozen=True)
class PublishResult:
    target: str
    version: str
    location: str  # where the version folder is (URL or path)
    already: bool  # the same release was already published there
    files: int
    bytes: int


def publish(release: str, to: str, *, private: bool = False, workers: int = 4) -> PublishResult:
    if to.startswith(("http://", "https://")):
        raise ConfigError("--to", "HTTP cannot be written to: publish to hf://datasets/ORG/NAME, s3://... or a folder")
    problems = verify(release)
    if problems:
        raise CheckFailed(
            f"{release}: not published, verify found {len(problems)} problem(s):\n  " + "\n  ".join(problems)
        )
    manifest = load_manifest(release)
    with fsspec.open(join(release, "SHA256SUMS"), "r") as f:
        sums = dict(parse_sums(f.read()))
    if to.startswith(HUB_PREFIX):
        from pajama._hub_publish import publish_hub

        return publish_hub(release, to, manifest, sums, private=private)
    return _publish_fsspec(release, to.rstrip("/"), manifest, sums, workers=workers)


def published_digest(remote: Remote, version: str) -> str | None:
    """The release_digest of `version` if versions.json lists it (a finished publish), else None."""
    raw = remote.read(INDEX)
    entry = json.loads(raw)["versions"].get(version) if raw else None
    return entry["release_digest"] if entry else None


def refuse_other_release(target: str, manifest: dict[str, Any], digest: str | None) -> bool:
    """True when the same release is already published; raises when the version holds other data."""
    if digest is None:
        return False
    if digest != manifest["release_digest"]:
        raise CheckFailed(
            f"{target}: version {manifest['version']} is already published with release_digest {digest}; "
            f"this release has {manifest['release_digest']} (bump the version: published versions are immutable)"
        )
    return True


def updated_index(raw: bytes | None, manifest: dict[str, Any], files: int, size: int) -> dict[str, Any]:
    index = json.loads(raw) if raw else {"dataset": manifest["dataset"], "versions": {}}
    version = manifest["version"]
    index["versions"][version] = {
        "path": f"{version}/",
        "release_digest": manifest["release_digest"],
        "created": manifest["created"],
        "parent": manifest.get("parent"),
        "files": files,
        "bytes": size,
        "published": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }
    index["versions"] = dict(sorted(index["versions"].items(), key=lambda kv: version_key(kv[0])))
    index["latest"] = max(index["versions"], key=version_key)
    return index


def index_bytes(index: dict[str, Any]) -> bytes:
    return (json.dumps(index, indent=2) + "\n").encode()


def root_card(card: str, manifest: dict[str, Any], index: dict[str, Any]) -> str:
    """The version's card for the dataset's root: its data_files point into `<version>/`, the versions are listed.

    JSON shards get one config per source: `datasets` infers one schema per config, and the meta and locator
    keys differ between sources (mixing them fails to cast). Parquet shards store those as JSON strings, so a
    single config with one split per source works.
    """
    version = manifest["version"]
    front, body = _split_front_matter(card)
    splits = [(e["split"], e["path"]) for c in front.get("configs") or [] for e in c.get("data_files") or []]
    if splits and manifest.get("format") == "parquet":
        front["configs"] = [
            {"config_name": "default", "data_files": [{"split": n, "path": _under(version, p)} for n, p in splits]}
        ]
    elif splits:
        front["configs"] = [
            {
                "config_name": n,
                "data_files": [{"split": "train", "path": _under(version, p)}],
                **({"default": True} if i == 0 else {}),
            }
            for i, (n, p) in enumerate(splits)
        ]
    lines = [f"- `{v}` in `{e['path']}`, release_digest `{e['release_digest']}`" for v, e in index["versions"].items()]
    note = (
        f"\n> Published with pajama. This card describes version **{version}** (the latest). Each version lives in "
        "its own folder with its manifest.json and SHA256SUMS, tagged `v<version>` on the Hub; fetch and verify one "
        "with `pajama download <this repo> --to DIR --version V`. Versions:\n>\n"
        + "\n".join(f"> {line}" for line in reversed(lines))
        + "\n"
    )
    return f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n{note}{body}"


def _under(version: str, paths: str | list[str]) -> str | list[str]:
    return [f"{version}/{p}" for p in paths] if isinstance(paths, list) else f"{version}/{paths}"


def _split_front_matter(card: str) -> tuple[dict[str, Any], str]:
    if card.startswith("---\n"):
        end = card.find("\n---\n", 4)
        if end != -1:
            return yaml.safe_load(card[4:end]) or {}, card[end + 5 :]
    return {}, card


def release_files(sums: dict[str, str]) -> list[str]:
    """Every file of a release: SHA256SUMS's entries, and SHA256SUMS itself."""
    return [*sorted(sums), "SHA256SUMS"]


# ----------------------------------------------------------------------------------------------- fsspec


def _publish_fsspec(
    release: str, to: str, manifest: dict[str, Any], sums: dict[str, str], *, workers: int
) -> PublishResult:
    version = manifest["version"]
    target = FsspecRemote(to)
    dest = join(to, version)
    files = release_files(sums)
    if refuse_other_release(to, manifest, published_digest(target, version)):
        return PublishResult(to, version, dest, True, len(files), 0)
    # An interrupted attempt at this release may be resumed (its files kept); any other content is overwritten.
    resume = target.read(f"{version}/{RESUME_MARK}") == manifest["release_digest"].encode()
    with atomic_write(join(dest, RESUME_MARK), "wb") as f:
        f.write(manifest["release_digest"].encode())
    # Data first, then card and report, SHA256SUMS, and manifest.json last inside the version folder.
    ordered = sorted(files, key=lambda rel: (rel == "manifest.json", rel == "SHA256SUMS", "/" not in rel, rel))
    nested = [rel for rel in ordered if "/" in rel]
    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        sizes = list(pool.map(lambda rel: _copy(release, dest, rel, sums.get(rel), resume), nested))
    sizes += [_copy(release, dest, rel, sums.get(rel), resume) for rel in ordered if "/" not in rel]
    mark_fs, mark_path = fsspec.core.url_to_fs(join(dest, RESUME_MARK))
    mark_fs.rm(mark_path)
    _check_copy(release, dest, files)
    index = updated_index(target.read(INDEX), manifest, len(files), sum(sizes))
    if index["latest"] == version:
        with fsspec.open(join(release, "README.md"), "r") as f:
            card = root_card(f.read(), manifest, index)
        with atomic_write(join(to, "README.md"), "w") as f:
            f.write(card)
    with atomic_write(join(to, INDEX), "wb") as f:
        f.write(index_bytes(index))
    return PublishResult(to, version, dest, False, len(files), sum(sizes))


def _copy(release: str, dest: str, rel: str, expected: str | None, resume: bool) -> int:
    """Stream one file to its final name (atomically), hashing it on the way."""
    src = join(release, rel)
    in_fs, in_path = fsspec.core.url_to_fs(src)
    size: int = in_fs.size(in_path)
    out_fs, out_path = fsspec.core.url_to_fs(join(dest, rel))
    if resume and out_fs.exists(out_path) and out_fs.size(out_path) == size:
        return size  # copied by the interrupted attempt: atomic writes leave no partial file under a final name
    h = hashlib.sha256()
    with in_fs.open(in_path, "rb") as fin, atomic_write(join(dest, rel)) as fout:
        while chunk := fin.read(CHUNK):
            h.update(chunk)
            fout.write(chunk)
        if expected is not None and h.hexdigest() != expected:
            raise CheckFailed(f"{src}: changed while publishing (its sha256 no longer matches SHA256SUMS)")
    return size


def _check_copy(release: str, dest: str, files: list[str]) -> None:
    """A local copy is verified like any release; a remote one by its file sizes (re-reading it is a download)."""
    if local_path(dest) is not None:
        problems = verify(dest)
    else:
        fs, root = fsspec.core.url_to_fs(dest)
        src_fs, src_root = fsspec.core.url_to_fs(release)
        sizes = {p[len(root) + 1 :]: info["size"] for p, info in fs.find(root, detail=True).items()}
        problems = [
            f"{rel}: {sizes.get(rel, 'missing')} bytes at the target, {src_fs.size(f'{src_root}/{rel}')} in the release"
            for rel in files
            if sizes.get(rel) != src_fs.size(f"{src_root}/{rel}")
        ]
    if problems:
        raise CheckFailed(f"{dest}: the published copy does not check out:\n  " + "\n  ".join(problems))
