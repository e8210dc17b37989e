"""Publishing to a Hugging Face Hub dataset repo (see pajama.publish for the layout every target gets).

Order: the version folder (upload_folder into <version>/), then one commit with versions.json and the root
card, then the tag v<version> on that commit; a reader that follows tags or versions.json never sees a
half-uploaded version. Afterwards the tree at the tag is checked file by file: size, and the LFS sha256 (or
the git blob id of a small file) against the release.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

from pajama._publish_select import RECORD, Selection, record_bytes
from pajama._transfer import HubRemote, hub_endpoint, parse_hub_uri
from pajama.errors import CheckFailed, ConfigError
from pajama.publish import (
    INDEX,
    PublishResult,
    changed_since,
    index_bytes,
    published_digest,
    refuse_other_release,
    root_card,
    updated_index,
)
from pajama.storage import local_path, sha256_file


def publish_hub(release: str, to: str, manifest: dict[str, Any], sel: Selection, *, private: bool) -> PublishResult:
    from huggingface_hub import CommitOperationAdd, HfApi

    repo_id, revision = parse_hub_uri(to)
    if revision is not None or local_path(release) is None:
        raise ConfigError("--to", "publish a local release folder to hf://datasets/ORG/NAME (no @revision)")
    version, dataset, digest = manifest["version"], manifest["dataset"], manifest["release_digest"]
    tag, files = f"v{version}", sorted(sel.files)
    size = sum(Path(sel.files[rel][0]).stat().st_size for rel in files)
    api = HfApi(endpoint=hub_endpoint())
    api.create_repo(repo_id, repo_type="dataset", exist_ok=True, private=private or None)
    main = HubRemote(repo_id, "main")
    if tag in {t.name for t in api.list_repo_refs(repo_id, repo_type="dataset").tags}:
        held = json.loads(HubRemote(repo_id, tag).read(f"{version}/manifest.json") or b"{}").get("release_digest")
        if refuse_other_release(to, manifest, held or "(none: the tag has no manifest)"):
            updated = _update_mutable(api, repo_id, tag, manifest, sel)
            return PublishResult(to, version, f"{to}@{tag}/{version}", True, len(files), 0, updated, sel.record)
    refuse_other_release(to, manifest, published_digest(main, version))  # on main without its tag: resume
    _upload_version(api, repo_id, sel, manifest)
    index = updated_index(main.read(INDEX), manifest, len(files), size)
    ops = [CommitOperationAdd(path_in_repo=INDEX, path_or_fileobj=index_bytes(index))]
    if index["latest"] == version:
        card = root_card(Path(release, "README.md").read_text(), manifest, index)
        ops.append(CommitOperationAdd(path_in_repo="README.md", path_or_fileobj=card.encode()))
    info = api.create_commit(
        repo_id, ops, commit_message=f"{dataset} {version}: versions.json and card", repo_type="dataset"
    )
    problems = _check_hub_tree(api, repo_id, info.oid, version, sel)
    if problems:  # checked before tagging: a version whose files do not check out is not published
        raise CheckFailed(f"{to}@{info.oid}: the uploaded files do not check out:\n  " + "\n  ".join(problems))
    api.create_tag(
        repo_id, tag=tag, revision=info.oid, repo_type="dataset", tag_message=f"{dataset} {version} {digest}"
    )
    return PublishResult(to, version, f"{to}@{tag}/{version}", False, len(files), size, (), sel.record)


def _update_mutable(api: Any, repo_id: str, tag: str, manifest: dict[str, Any], sel: Selection) -> tuple[str, ...]:
    """A release signed (or re-carded) after it was published: commit the changed files and move the tag."""
    from huggingface_hub import CommitOperationAdd

    version = manifest["version"]
    tagged = HubRemote(repo_id, tag)
    updated = changed_since(sel, lambda rel: tagged.read(f"{version}/{rel}"))
    if not updated:
        return ()
    ops = [CommitOperationAdd(path_in_repo=f"{version}/{rel}", path_or_fileobj=sel.files[rel][0]) for rel in updated]
    info = api.create_commit(
        repo_id, ops, commit_message=f"{manifest['dataset']} {version}: {', '.join(updated)}", repo_type="dataset"
    )
    problems = _check_hub_tree(api, repo_id, info.oid, version, sel)
    if problems:
        raise CheckFailed(
            f"hf://datasets/{repo_id}@{info.oid}: the update does not check out:\n  " + "\n  ".join(problems)
        )
    api.delete_tag(repo_id, tag=tag, repo_type="dataset")
    message = f"{manifest['dataset']} {version} {manifest['release_digest']}"
    api.create_tag(repo_id, tag=tag, revision=info.oid, repo_type="dataset", tag_message=message)
    return tuple(updated)


def _upload_version(api: Any, repo_id: str, sel: Selection, manifest: dict[str, Any]) -> None:
    """upload_folder of a staged folder (hard links to what is published, the publish record) into <version>/:
    with huggingface_hub >= 2 and hf_xet it is the resumable multi-commit large-folder pipeline. Older
    releases of huggingface_hub have upload_large_folder (no path_in_repo)."""
    import huggingface_hub

    version = manifest["version"]
    stage = (
        Path(tempfile.gettempdir()) / f"pajama-publish-{hashlib.sha1(f'{repo_id}@{version}'.encode()).hexdigest()[:12]}"
    )
    shutil.rmtree(stage, ignore_errors=True)
    for rel, (src, _) in sel.files.items():
        _link(Path(src), stage / version / rel)
    if sel.record is not None:
        (stage / version / RECORD).write_bytes(record_bytes(sel.record))
    try:
        if int(huggingface_hub.__version__.split(".")[0]) < 2 and hasattr(api, "upload_large_folder"):
            api.upload_large_folder(repo_id=repo_id, folder_path=stage, repo_type="dataset")
            return
        api.upload_folder(
            repo_id=repo_id,
            folder_path=stage / version,
            path_in_repo=version,
            repo_type="dataset",
            commit_message=f"{manifest['dataset']} {version}: release files",
            ignore_patterns=[".*", "*/.*"],
        )
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def _link(src: Path, dst: Path) -> None:
    if dst.exists():
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dst)
    except OSError:
        shutil.copy2(src, dst)


def _check_hub_tree(api: Any, repo_id: str, commit: str, version: str, sel: Selection) -> list[str]:
    """Every file listed at the commit with its size and content id (LFS sha256, or git blob sha1 for small files)."""
    tree = api.list_repo_tree(repo_id, path_in_repo=version, recursive=True, revision=commit, repo_type="dataset")
    listed = {entry.path: entry for entry in tree if hasattr(entry, "blob_id")}
    problems = []
    for rel, (src, sha) in sorted(sel.files.items()):
        local = Path(src)
        entry = listed.get(f"{version}/{rel}")
        if entry is None:
            problems.append(f"{rel}: missing")
        elif entry.size != local.stat().st_size:
            problems.append(f"{rel}: {entry.size} bytes on the Hub, {local.stat().st_size} in the release")
        elif entry.lfs is not None and entry.lfs.sha256 != (sha or sha256_file(str(local))[0]):
            problems.append(f"{rel}: LFS sha256 differs from the release")
        elif entry.lfs is None and entry.blob_id != git_blob_id(local):
            problems.append(f"{rel}: git blob id differs from the release")
    return problems


def git_blob_id(path: Path) -> str:
    data = path.read_bytes()
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()
