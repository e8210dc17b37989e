"""`pajama publish RELEASE --to URI`: put a verified release where others can download it.

A target is the dataset's home: a Hub dataset repo (hf://datasets/ORG/NAME) or any fsspec folder (s3://...,
gs://..., a local path). Every target gets the same layout:

    <version>/            the release folder as built: manifest.json, SHA256SUMS, README.md, data/ ...
    versions.json         {"dataset", "latest", "versions": {version: {path, release_digest, created, ...}}}
    README.md             the latest version's card, its data_files paths pointing into <version>/

The release is verified before anything is written; a version already published with other data is
refused (versions are immutable). Republishing the same release only brings its signature and card up to
date (a release signed after it was published gets its manifest.sig). What a published copy holds is
decided by pajama._publish_select: no rejected/, signals/ or minhash/ unless asked, never a license-dropped
document unless asked by name, and PUBLISHED.json saying what was left out. The version folder is
written first and versions.json last, so readers never see a half-published version; on the Hub the tag
v<version> is created on the commit that adds the version to versions.json.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import fsspec
import yaml

from pajama._publish_select import OPTIONAL_KINDS, RECORD, Selection, record_bytes, select_files
from pajama._transfer import HUB_PREFIX, FsspecRemote, Remote, version_key
from pajama.errors import CheckFailed, ConfigError
from pajama.manifests.verify import load_manifest, parse_sums, verify
from pajama.storage import CHUNK, atomic_write, join, local_path

INDEX = "versions.json"
RESUME_MARK = ".pajama-publish"  # inside <version>/ while a publish is in progress: the release_digest


#: files of a published version that may change after publishing: a signature added, the card rewritten
MUTABLE = ("manifest.sig", "README.md", "report.html", "SHA256SUMS")


@dataclass(frozen=True)
class PublishResult:
    target: str
    version: str
    location: str  # where the version folder is (URL or path)
    already: bool  # the same release was already published there
    files: int
    bytes: int
    updated: tuple[str, ...] = ()  # of an already published version: the files brought up to date
    withheld: dict[str, Any] | None = None  # the publish record (PUBLISHED.json) when files were left out


def publish(
    release: str,
    to: str,
    *,
    private: bool = False,
    workers: int = 4,
    include: Sequence[str] = (),
    include_license_rejected: bool = False,
) -> PublishResult:
    if to.startswith(("http://", "https://")):
        raise ConfigError("--to", "HTTP cannot be written to: publish to hf://datasets/ORG/NAME, s3://... or a folder")
    problems = verify(release)
    if problems:
        raise CheckFailed(
            f"{release}: not published, verify found {len(problems)} problem(s):\n  " + "\n  ".join(problems)
        )
    unknown = sorted(set(include) - set(OPTIONAL_KINDS))
    if unknown:
        raise ConfigError(
            "--include", f"{', '.join(unknown)}: not a kind that can be included ({', '.join(OPTIONAL_KINDS)})"
        )
    manifest = load_manifest(release)
    with fsspec.open(join(release, "SHA256SUMS"), "r") as f:
        sums = dict(parse_sums(f.read()))
    sel = select_files(release, manifest, sums, include=include, include_license_rejected=include_license_rejected)
    try:
        if to.startswith(HUB_PREFIX):
            from pajama._hub_publish import publish_hub

            return publish_hub(release, to, manifest, sel, private=private)
        return _publish_fsspec(to.rstrip("/"), manifest, sel, workers=workers)
    finally:
        sel.cleanup()


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
    """The version's card for the dataset's root: its configs' data_files point into `<version>/` (the card
    already has the config layout `datasets` needs, see manifests.card.data_configs), the versions are listed."""
    version = manifest["version"]
    front, body = _split_front_matter(card)
    front["configs"] = [
        {**c, "data_files": [dict(e, path=_under(version, e["path"])) for e in c.get("data_files") or []]}
        for c in front.get("configs") or []
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


def changed_since(sel: Selection, read: Callable[[str], bytes | None]) -> list[str]:
    """Of an already published version: the mutable files (signature, card) that differ from the release."""
    out = []
    for rel in MUTABLE:
        if rel in sel.files:
            with fsspec.open(sel.files[rel][0], "rb") as f:
                if read(rel) != f.read():
                    out.append(rel)
    return out


# ----------------------------------------------------------------------------------------------- fsspec


def _publish_fsspec(to: str, manifest: dict[str, Any], sel: Selection, *, workers: int) -> PublishResult:
    version = manifest["version"]
    target = FsspecRemote(to)
    dest = join(to, version)
    files = sorted(sel.files)
    if refuse_other_release(to, manifest, published_digest(target, version)):
        updated = changed_since(sel, lambda rel: target.read(f"{version}/{rel}"))
        # the signature (and the card naming it) of a release signed after it was published; SHA256SUMS last
        for rel in sorted(updated, key=lambda r: r == "SHA256SUMS"):
            _copy(sel.files[rel][0], dest, rel, None, False)
        return PublishResult(to, version, dest, True, len(files), 0, tuple(updated), sel.record)
    # An interrupted attempt at this release may be resumed (its files kept); any other content is overwritten.
    resume = target.read(f"{version}/{RESUME_MARK}") == manifest["release_digest"].encode()
    with atomic_write(join(dest, RESUME_MARK), "wb") as f:
        f.write(manifest["release_digest"].encode())
    # Data first, then card and report, SHA256SUMS, and manifest.json last inside the version folder.
    ordered = sorted(files, key=lambda rel: (rel == "manifest.json", rel == "SHA256SUMS", "/" not in rel, rel))
    nested = [rel for rel in ordered if "/" in rel]

    def copy(rel: str) -> int:
        return _copy(sel.files[rel][0], dest, rel, sel.files[rel][1] or None, resume)

    with ThreadPoolExecutor(max_workers=max(1, workers)) as pool:
        sizes = list(pool.map(copy, nested))
    if sel.record is not None:
        with atomic_write(join(dest, RECORD), "wb") as f:
            f.write(record_bytes(sel.record))
    sizes += [copy(rel) for rel in ordered if "/" not in rel]
    mark_fs, mark_path = fsspec.core.url_to_fs(join(dest, RESUME_MARK))
    mark_fs.rm(mark_path)
    _check_copy(sel, dest)
    index = updated_index(target.read(INDEX), manifest, len(files), sum(sizes))
    if index["latest"] == version:
        with fsspec.open(sel.files["README.md"][0], "r") as f:
            card = root_card(f.read(), manifest, index)
        with atomic_write(join(to, "README.md"), "w") as f:
            f.write(card)
    with atomic_write(join(to, INDEX), "wb") as f:
        f.write(index_bytes(index))
    return PublishResult(to, version, dest, False, len(files), sum(sizes), (), sel.record)


def _copy(src: str, dest: str, rel: str, expected: str | None, resume: bool) -> int:
    """Stream one file to its final name (atomically), hashing it on the way."""
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


def _check_copy(sel: Selection, dest: str) -> None:
    """A local copy is verified like any release; a remote one by its file sizes (re-reading it is a download)."""
    if local_path(dest) is not None:
        problems = verify(dest)
    else:
        fs, root = fsspec.core.url_to_fs(dest)
        sizes = {p[len(root) + 1 :]: info["size"] for p, info in fs.find(root, detail=True).items()}
        expected = {rel: _size(src) for rel, (src, _) in sel.files.items()}
        problems = [
            f"{rel}: {sizes.get(rel, 'missing')} bytes at the target, {size} in the release"
            for rel, size in sorted(expected.items())
            if sizes.get(rel) != size
        ]
    if problems:
        raise CheckFailed(f"{dest}: the published copy does not check out:\n  " + "\n  ".join(problems))


def _size(uri: str) -> int:
    fs, path = fsspec.core.url_to_fs(uri)
    return int(fs.size(path))
