"""`pajama download`: fetch a published release, or the shards a researcher needs, verified end to end.

The manifest and SHA256SUMS are read first; only the selected shards are fetched, in parallel, each into
`DIR/.pajama-download/<path>.part` (resumed with HTTP Range / seek when a transfer stops), hashed, and renamed
to its final name only when its sha256 matches the manifest. A mismatch is fetched once more from scratch;
a second mismatch is an error naming the file, and the bad bytes are deleted. manifest.json and SHA256SUMS
are written last, so a folder with a manifest is a finished download. Then the release is checked as a
whole: a full download runs `pajama manifest verify` (manifests.verify.verify); a subset runs the
manifest-level checks (schema, accounting law, release_digest over every data shard the manifest lists)
and re-hashes each downloaded file, since the files left out cannot be checked.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any, Protocol

from pajama._publish_select import RECORD, expected_digests
from pajama._transfer import (
    HUB_PREFIX,
    HubRemote,
    Remote,
    TransferError,
    fetch_to_part,
    hub_endpoint,
    is_version,
    parse_hub_uri,
    remote_for,
    version_key,
)
from pajama.errors import CheckFailed, ConfigError, PajamaError
from pajama.manifests.verify import check_accounting, check_digest, check_schema, parse_sums, verify
from pajama.storage import atomic_write, sha256_file

log = logging.getLogger(__name__)

STAGING = ".pajama-download"
#: what `pajama download` fetches without --kind/--shards: the data (manifest, SHA256SUMS, card, report come along)
DEFAULT_KINDS = ("data",)
#: release folders that are not shards: fetched with a whole-release download, or by kind (`--kind index`)
EXTRA_FOLDERS = {"index": "index/"}


class TransferProgress(Protocol):
    def start(self, total_bytes: int, files: int) -> None: ...

    def advance(self, n: int) -> None: ...

    def file_done(self, rel: str, size: int, how: str) -> None: ...


class _Quiet:
    def start(self, total_bytes: int, files: int) -> None:
        pass

    def advance(self, n: int) -> None:
        pass

    def file_done(self, rel: str, size: int, how: str) -> None:
        log.info("%s %s (%d bytes)", how, rel, size)


@dataclass(frozen=True)
class Located:
    """A release found at a remote: where it is, its manifest and its SHA256SUMS."""

    remote: Remote
    prefix: str  # the release folder inside the remote: "" or "1.0.0/"
    manifest: dict[str, Any]
    manifest_raw: bytes
    sums: dict[str, str]
    sums_raw: bytes
    record_raw: bytes | None = None  # PUBLISHED.json of a published copy that left files out

    @property
    def record(self) -> dict[str, Any] | None:
        return json.loads(self.record_raw) if self.record_raw else None

    @property
    def label(self) -> str:
        return f"{self.remote.label}{self.prefix}"


@dataclass(frozen=True)
class Wanted:
    rel: str
    sha256: str
    bytes: int | None  # None for card/report: SHA256SUMS has no sizes


@dataclass(frozen=True)
class DownloadResult:
    dest: Path
    manifest: dict[str, Any]
    files: int
    fetched_bytes: int
    subset: bool


def locate(uri: str, version: str | None = None) -> Located:
    """Find the release: the URI itself (a release folder), its versions.json, or its version folders."""
    remote, version = _open_remote(uri, version)
    prefix, raw = _find_release(remote, version)
    manifest = json.loads(raw)
    sums_raw = remote.read(prefix + "SHA256SUMS")
    if sums_raw is None:
        raise CheckFailed(f"{remote.label}{prefix}SHA256SUMS: missing (not a sealed release)")
    sums = dict(parse_sums(sums_raw.decode()))
    if sums.get("manifest.json") != hashlib.sha256(raw).hexdigest():
        raise CheckFailed(f"{remote.label}{prefix}manifest.json: sha256 does not match SHA256SUMS")
    return Located(remote, prefix, manifest, raw, sums, sums_raw, remote.read(prefix + RECORD))


def _open_remote(uri: str, version: str | None) -> tuple[Remote, str | None]:
    if not uri.startswith(HUB_PREFIX):
        return remote_for(uri), version
    repo_id, revision = parse_hub_uri(uri)
    if revision is None:
        revision, version = _hub_revision(repo_id, version)
    elif version is None and revision.startswith("v") and is_version(revision[1:]):
        version = revision[1:]  # hf://datasets/ORG/NAME@v1.0.0 means that version, not that commit's latest
    return HubRemote(repo_id, revision), version


def _hub_revision(repo_id: str, version: str | None) -> tuple[str, str | None]:
    """The commit of tag v<version> (or of the highest version tag); `main` when there is no such tag."""
    from huggingface_hub import HfApi
    from huggingface_hub.errors import HfHubHTTPError

    try:
        refs = HfApi(endpoint=hub_endpoint()).list_repo_refs(repo_id, repo_type="dataset")
    except HfHubHTTPError as e:
        raise PajamaError(f"hf://datasets/{repo_id}: {e} (a private repo needs HF_TOKEN)") from e
    tags = {t.name[1:]: t.target_commit for t in refs.tags if t.name.startswith("v") and is_version(t.name[1:])}
    if version is not None:
        return tags.get(version, "main"), version
    if tags:
        latest = max(tags, key=version_key)
        return tags[latest], latest
    return "main", None


def _find_release(remote: Remote, version: str | None) -> tuple[str, bytes]:
    raw = remote.read("manifest.json")
    if raw is not None:
        found = json.loads(raw).get("version")
        if version is not None and found != version:
            raise ConfigError("--version", f"{remote.label} holds version {found}, not {version}")
        return "", raw
    prefix = _version_prefix(remote, version)
    raw = remote.read(prefix + "manifest.json")
    if raw is None:
        raise ConfigError("uri", f"{remote.label}{prefix}: no manifest.json (not a pajama release)")
    return prefix, raw


def _version_prefix(remote: Remote, version: str | None) -> str:
    index_raw = remote.read("versions.json")
    if index_raw is not None:
        index = json.loads(index_raw)
        chosen = version or index["latest"]
        if chosen not in index["versions"]:
            published = ", ".join(sorted(index["versions"], key=version_key))
            raise ConfigError("--version", f"{chosen} is not published at {remote.label} (published: {published})")
        return str(index["versions"][chosen]["path"]).rstrip("/") + "/"
    if version is not None:
        return f"{version}/"
    versions = remote.list_versions()
    if not versions:
        raise ConfigError("uri", f"{remote.label}: no manifest.json, versions.json or version folders found")
    return f"{max(versions, key=version_key)}/"


def select(
    located: Located, *, sources: Sequence[str] = (), patterns: Sequence[str] = (), kinds: Sequence[str] = ()
) -> tuple[list[Wanted], bool]:
    """The files to fetch and whether they are a subset of the release. Card and report always come along.

    Without --kind or --shards that is the data shards (DEFAULT_KINDS); `--kind all` is every shard. Files a
    published copy left out (PUBLISHED.json) are not offered; a shard it republished filtered is checked
    against the digest the record gives."""
    every = located.manifest["shards"]
    withheld, filtered = expected_digests(located.record)
    shards = [dict(s, sha256=filtered.get(s["path"], s["sha256"])) for s in every if s["path"] not in withheld]
    _check_choice("--source", sources, {s["source"] for s in shards} | set(located.manifest.get("sources", {})))
    _check_choice("--kind", [k for k in kinds if k != "all"], {s["kind"] for s in shards} | set(EXTRA_FOLDERS))
    # index/ covers every source: it comes with a whole-release download, or when asked for by kind
    whole = not kinds and not patterns and not sources
    folders = tuple(f for k, f in EXTRA_FOLDERS.items() if whole or k in kinds or "all" in kinds)
    if "all" in kinds:
        kinds = ()
    elif not kinds and not patterns:
        kinds = DEFAULT_KINDS
    sums = {**located.sums, **{p: d for p, d in filtered.items() if p in located.sums}}
    disagree = [s["path"] for s in shards if sums.get(s["path"]) != s["sha256"]]
    if disagree:
        raise CheckFailed(f"{located.label}: SHA256SUMS and manifest.json disagree about {', '.join(disagree[:5])}")
    chosen = [
        s
        for s in shards
        if (not sources or s["source"] in sources)
        and not (kinds and set(kinds) <= set(EXTRA_FOLDERS))
        and (not kinds or s["kind"] in kinds)
        and (not patterns or any(fnmatchcase(s["path"], p) for p in patterns))
    ]
    if not chosen and not folders:
        raise ConfigError("--shards", "the selection matches no shard of this release")
    wanted = [Wanted(s["path"], s["sha256"], None if s["path"] in filtered else s["bytes"]) for s in chosen]
    shard_paths = {s["path"] for s in every}
    extra = tuple(EXTRA_FOLDERS.values())
    wanted += [
        Wanted(rel, d, None)
        for rel, d in sorted(located.sums.items())
        if rel not in shard_paths and (not rel.startswith(extra) or rel.startswith(folders))
    ]
    wanted = [w for w in wanted if w.rel != "manifest.json"]
    skipped = any(rel.startswith(extra) and not rel.startswith(folders) for rel in located.sums) if extra else False
    return wanted, len(chosen) < len(every) or skipped


def _check_choice(flag: str, chosen: Iterable[str], available: set[str]) -> None:
    unknown = sorted(set(chosen) - available)
    if unknown:
        raise ConfigError(flag, f"{', '.join(unknown)} not in this release (available: {', '.join(sorted(available))})")


def download(
    uri: str,
    dest: str | os.PathLike[str],
    *,
    version: str | None = None,
    sources: Sequence[str] = (),
    patterns: Sequence[str] = (),
    kinds: Sequence[str] = (),
    workers: int = 4,
    progress: TransferProgress | None = None,
    located: Located | None = None,
) -> DownloadResult:
    located = located or locate(uri, version)
    wanted, subset = select(located, sources=sources, patterns=patterns, kinds=kinds)
    dest = Path(dest)
    _check_dest(dest, located.manifest)
    progress = progress or _Quiet()
    progress.start(sum(w.bytes or 0 for w in wanted), len(wanted))
    fetched = _fetch_all(located, wanted, dest, progress, workers)
    with atomic_write(str(dest / "SHA256SUMS")) as f:
        f.write(located.sums_raw)
    if located.record_raw is not None:
        with atomic_write(str(dest / RECORD)) as f:
            f.write(located.record_raw)
    with atomic_write(str(dest / "manifest.json")) as f:
        f.write(located.manifest_raw)
    _remove_empty_dirs(dest / STAGING)
    problems = verify_subset(dest, located.manifest, wanted) if subset else verify(str(dest))
    if problems:
        raise CheckFailed(f"{dest}: {len(problems)} problem(s) after download:\n  " + "\n  ".join(problems))
    return DownloadResult(dest, located.manifest, len(wanted), fetched, subset)


def _check_dest(dest: Path, manifest: dict[str, Any]) -> None:
    existing = dest / "manifest.json"
    if not existing.is_file():
        return
    held = json.loads(existing.read_text())
    if held.get("release_digest") != manifest["release_digest"] or held.get("version") != manifest["version"]:
        raise ConfigError(
            "--to",
            f"{dest} holds another release ({held.get('dataset')} {held.get('version')}); use an empty folder",
        )


def _fetch_all(located: Located, wanted: list[Wanted], dest: Path, progress: TransferProgress, workers: int) -> int:
    failures: list[str] = []
    total = 0
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="pajama-download") as pool:
        futures = {pool.submit(fetch_verified, located, w, dest, progress): w for w in wanted}
        for future in as_completed(futures):
            try:
                total += future.result()
            except (CheckFailed, TransferError) as e:
                failures.append(str(e))
    if failures:
        raise CheckFailed(f"{len(failures)} file(s) failed:\n  " + "\n  ".join(sorted(failures)))
    return total


def fetch_verified(located: Located, w: Wanted, dest: Path, progress: TransferProgress) -> int:
    """One file to its final name, only once its sha256 matches; returns the bytes transferred."""
    final = dest / w.rel
    if final.is_file():
        digest, size = sha256_file(str(final))
        if digest == w.sha256:
            progress.advance(size)
            progress.file_done(w.rel, size, "present")
            return 0
        log.warning("%s: present but its sha256 does not match; fetching it again", w.rel)
        final.unlink()
    part = dest / STAGING / f"{w.rel}.part"
    transferred = 0

    def counted(n: int) -> None:
        nonlocal transferred
        transferred += n
        progress.advance(n)

    for attempt in (1, 2):
        fetch_to_part(located.remote, located.prefix + w.rel, part, counted)
        digest, size = sha256_file(str(part))
        if digest == w.sha256 and w.bytes in (None, size):
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(part, final)
            progress.file_done(w.rel, size, "fetched")
            return transferred
        part.unlink()
        progress.advance(-size)
        if attempt == 1:
            log.warning("%s: sha256 %s does not match the manifest; fetching it again", w.rel, digest)
    raise CheckFailed(
        f"{w.rel}: sha256 {digest} ({size} bytes) does not match the manifest's {w.sha256}"
        f"{f' ({w.bytes} bytes)' if w.bytes is not None else ''} after a re-fetch; the file was not kept"
    )


def verify_subset(dest: Path, manifest: dict[str, Any], wanted: list[Wanted]) -> list[str]:
    """`manifest verify` for a partial copy: manifest-level checks, then every file that was downloaded."""
    problems = check_schema(manifest)
    if problems:
        return problems
    problems += check_accounting(manifest) + check_digest(manifest)
    for w in wanted:
        path = dest / w.rel
        if not path.is_file():
            problems.append(f"{w.rel}: selected but missing")
        elif sha256_file(str(path))[0] != w.sha256:
            problems.append(f"{w.rel}: sha256 does not match the manifest")
    return problems


def _remove_empty_dirs(root: Path) -> None:
    if not root.is_dir():
        return
    for dirpath, _dirs, _files in sorted(os.walk(root), key=lambda t: -len(t[0])):
        if not os.listdir(dirpath):
            os.rmdir(dirpath)
    if root.is_dir() and not any(root.iterdir()):
        shutil.rmtree(root, ignore_errors=True)
