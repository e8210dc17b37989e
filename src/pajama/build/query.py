"""`pajama query`: is this document in the release, and if not, why? Answered from the release's files.

A query names a document by id, URL, text (exact after the release's normalization; near by the stored
MinHash signatures) or repository. Each match says whether it was kept, dropped (reason, stage and that
stage's signals), a duplicate (of which document), or removed (by which request, in which version).
No match means the document is absent from the release's data and rejected/ folders: when the release
kept no rejected documents (`rejected: false`), a dropped document leaves no trace, and the answer
says so. `--all-versions` follows the parent chain (sibling version folders).
"""

from __future__ import annotations

from typing import Any

from pajama.build.release_index import ReleaseIndex, key_hash, repo_key, text_key, url_key
from pajama.build.removal import minhash_params, near_text_ids, signature_files
from pajama.manifests.verify import load_manifest
from pajama.storage import join


def query(
    release: str,
    *,
    id: str | None = None,
    url: str | None = None,
    text: str | None = None,
    repo: str | None = None,
    all_versions: bool = False,
) -> list[dict[str, Any]]:
    """One answer per version (the release first, then its ancestors when `all_versions`)."""
    answers = []
    for path in _chain(release) if all_versions else [release]:
        answers.append(_answer(path, id=id, url=url, text=text, repo=repo))
    return answers


def _chain(release: str) -> list[str]:
    out = [release]
    base = release.rstrip("/").rsplit("/", 1)[0]
    manifest = load_manifest(release)
    seen = {manifest["version"]}
    while manifest.get("parent") and manifest["parent"] not in seen:
        parent = join(base, manifest["parent"])
        try:
            manifest = load_manifest(parent)
        except (OSError, ValueError):
            break
        seen.add(manifest["version"])
        out.append(parent)
    return out


def _answer(release: str, **key: str | None) -> dict[str, Any]:
    manifest = load_manifest(release)
    index = ReleaseIndex(release)
    rows = _rows(index, release, manifest, **key)
    matches = [_describe(index.doc(r), manifest) for r in rows]
    if key.get("id") is not None:
        matches = [m for m in matches if m["id"] == key["id"]]  # hash collisions, however unlikely
    out: dict[str, Any] = {"release": release, "version": manifest["version"], "matches": matches}
    if not matches:
        out["status"] = "absent"
        out["note"] = (
            "not in data/ or rejected/"
            if manifest["config"].get("rejected")
            else "not in data/; this release kept no rejected documents (rejected: false), so a document its "
            "filters dropped leaves no trace here"
        )
    return out


def _rows(index: ReleaseIndex, release: str, manifest: dict[str, Any], **key: str | None) -> list[int]:
    if key.get("id") is not None:
        return index.rows("id", key_hash(str(key["id"])))
    if key.get("url") is not None:
        return index.rows("url", url_key(str(key["url"])))
    if key.get("repo") is not None:
        return index.rows("repo", repo_key(str(key["repo"])))
    text = str(key.get("text") or "")
    rows = set(index.rows("text", text_key(text, index.normalize)))
    for doc_id in sorted(near_text_ids((text,), signature_files(release, manifest), minhash_params(manifest))):
        rows.update(index.rows("id", key_hash(doc_id)))
    return sorted(rows)


def _describe(doc: dict[str, Any], manifest: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"id": doc["id"], "status": doc["status"], "path": doc["path"]}
    if doc["status"] == "kept":
        return out
    out["reason"] = doc["reason"]
    out["stage"] = str(doc["reason"] or "").split(".", 1)[0]
    if doc["status"] == "duplicate":
        out["duplicate_of"] = doc["duplicate_of"]
    elif doc["status"] == "removed":
        requests: list[dict[str, Any]] = manifest.get("removals") or []
        request = next((r for r in requests if r["request_sha256"] == doc["request"]), {})
        out["removed_by"] = {
            "version": doc["version"],
            "request_sha256": doc["request"],
            "reason": request.get("reason"),
        }
    elif doc["signals"]:
        import json

        out["signals"] = json.loads(doc["signals"])
    return out
