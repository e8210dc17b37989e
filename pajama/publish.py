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
import logging
import os
import shutil
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fsspec
import yaml

from pajama._transfer import HUB_PREFIX, FsspecRemote, HubRemote, Remote, hub_endpoint, parse_hub_uri, version_key
from pajama.errors import CheckFailed, ConfigError
from pajama.manifests.verify import _parse_sums, load_manifest, verify
from pajama.storage import CHUNK, atomic_write, join, local_path, sha256_file

log = logging.getLogger(__name__)

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
        sums = dict(_parse_sums(f.read()))
    if to.startswith(HUB_PREFIX):
        return _publish_hub(release, to, manifest, sums, private=private)
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


def root_card(card: str, version: str, index: dict[str, Any]) -> str:
    """The version's card for the dataset's root: data_files paths prefixed with `<version>/`, versions listed."""
    front, body = _split_front_matter(card)
    for config in front.get("configs") or []:
        for entry in config.get("data_files") or []:
            paths = entry.get("path")
            entry["path"] = [f"{version}/{p}" for p in paths] if isinstance(paths, list) else f"{version}/{paths}"
    lines = [
        f"- `{v}` in `{e['path']}` (release_digest `{e['release_digest'][:16]}…`)" for v, e in index["versions"].items()
    ]
    versions = "\n".join(reversed(lines))
    note = (
        f"\n> Published with pajama. This card describes version **{version}** (latest). Each version lives in its "
        "own folder with its manifest.json and SHA256SUMS, tagged `v<version>` on the Hub; fetch and verify one with "
        f"`pajama download <this repo> --to DIR --version V`.\n>\n> Versions:\n>\n"
        + "\n".join(f"> {line}" for line in versions.splitlines())
        + "\n"
    )
    return f"---\n{yaml.safe_dump(front, sort_keys=False)}---\n{note}{body}"


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
            card = root_card(f.read(), version, index)
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


# ----------------------------------------------------------------------------------------------- the Hub


def _publish_hub(
    release: str, to: str, manifest: dict[str, Any], sums: dict[str, str], *, private: bool
) -> PublishResult:
    from huggingface_hub import CommitOperationAdd, HfApi

    repo_id, revision = parse_hub_uri(to)
    if revision is not None or local_path(release) is None:
        raise ConfigError("--to", "publish a local release folder to hf://datasets/ORG/NAME (no @revision)")
    version, dataset, digest = manifest["version"], manifest["dataset"], manifest["release_digest"]
    tag, files = f"v{version}", release_files(sums)
    size = sum(Path(release, rel).stat().st_size for rel in files)
    api = HfApi(endpoint=hub_endpoint())
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True, private=private or None)
    main = HubRemote(repo_id, "main")
    if tag in {t.name for t in api.list_repo_refs(repo_id, repo_type="dataset").tags}:
        held = json.loads(HubRemote(repo_id, tag).read(f"{version}/manifest.json") or b"{}").get("release_digest")
        if refuse_other_release(to, manifest, held or "(none: the tag has no manifest)"):
            return PublishResult(to, version, f"{to}@{tag}/{version}", True, len(files), 0)
    refuse_other_release(to, manifest, published_digest(main, version))  # on main without its tag: resume
    _upload_version(api, repo_id, release, version, files)
    index = updated_index(main.read(INDEX), manifest, len(files), size)
    ops = [CommitOperationAdd(path_in_repo=INDEX, path_or_fileobj=index_bytes(index))]
    if index["latest"] == version:
        card = root_card(Path(release, "README.md").read_text(), version, index)
        ops.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=card.encode()))
    info = api.create_commit(
        repo_id, ops, commit_message=f"{dataset} {version}: versions.json and card", repo_type="dataset"
    )
    api.create_tag(
        repo_id, tag=tag, revision=info.oid, repo_type="dataset", tag_message=f"{dataset} {version} {digest}"
    )
    problems = _check_hub_tree(api, repo_id, tag, version, release, sums)
    if problems:
        raise CheckFailed(f"{to}@{tag}: the published files do not check out:\n  " + "\n  ".join(problems))
    return PublishResult(to, version, f"{to}@{tag}/{version}", False, len(files), size)


def _upload_version(api: Any, repo_id: str, release: str, version: str, files: list[str]) -> None:
    """upload_folder into <version>/: with huggingface_hub >= 2 and hf_xet it is the resumable multi-commit
    large-folder pipeline. Older releases of huggingface_hub have upload_large_folder (no path_in_repo), fed a
    staged folder of hard links."""
    import huggingface_hub

    if int(huggingface_hub.__version__.split(".")[0]) < 2 and hasattr(api, "upload_large_folder"):
        stage = (
            Path(tempfile.gettempdir())
            / f"pajama-publish-{hashlib.sha1(f'{repo_id}@{version}'.encode()).hexdigest()[:12]}"
        )
        for rel in files:
            _link(Path(release, rel), stage / version / rel)
        api.upload_large_folder(repo_id=repo_id, folder_path=stage, repo_type="dataset")
        shutil.rmtree(stage, ignore_errors=True)
        return
    api.upload_folder(
        repo_id=repo_id,
        folder_path=release,
        path_in_repo=version,
        repo_type="dataset",
        commit_message=f"{Path(release).parent.name} {version}: release files",
        ignore_patterns=[".*", "*/.*"],
    )


def _link(src: Path, dst: Path) -> None:
    if dst.exists():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _check_hub_tree(api: Any, repo_id: str, tag: str, version: str, release: str, sums: dict[str, str]) -> list[str]:
    """Every file listed at the tag with its size and content id (LFS sha256, or git blob sha1 for small files)."""
    tree = api.list_repo_tree(repo_id, path_in_repo=version, recursive=True, revision=tag, repo_type="dataset")
    listed = {entry.path: entry for entry in tree if hasattr(entry, "blob_id")}
    problems = []
    for rel in release_files(sums):
        local = Path(release, rel)
        entry = listed.get(f"{version}/{rel}")
        if entry is None:
            problems.append(f"{rel}: missing")
        elif entry.size != local.stat().st_size:
            problems.append(f"{rel}: {entry.size} bytes on the Hub, {local.stat().st_size} in the release")
        elif entry.lfs is not None and entry.lfs.sha256 != (sums.get(rel) or sha256_file(str(local))[0]):
            problems.append(f"{rel}: LFS sha256 differs from the release")
        elif entry.lfs is None and entry.blob_id != git_blob_id(local):
            problems.append(f"{rel}: git blob id differs from the release")
    return problems


def git_blob_id(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
