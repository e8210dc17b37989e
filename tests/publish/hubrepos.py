"""The in-memory state behind tests/publish/hubserver.py: repositories as commits of file entries (regular
files with their bytes, LFS files as pointers into an LFS store), tags and the main branch, and the NDJSON
commit that changes them."""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote


def git_oid(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


@dataclass
class Entry:
    size: int
    sha256: str
    git_oid: str
    content: bytes | None  # None for LFS files: their bytes live in the LFS store

    @property
    def lfs(self) -> bool:
        return self.content is None


@dataclass
class Repo:
    name: str
    commits: dict[str, dict[str, Entry]] = field(default_factory=dict)
    branches: dict[str, str] = field(default_factory=dict)
    tags: dict[str, str] = field(default_factory=dict)

    def resolve(self, rev: str) -> str | None:
        rev = unquote(rev)
        return self.branches.get(rev) or self.tags.get(rev) or (rev if rev in self.commits else None)


class HubRepos:
    """The Hub's repositories and LFS store in memory, changed under `lock` (the HTTP handler's threads)."""

    def __init__(self, *, token: str, lfs_threshold: int) -> None:
        self.token = token
        self.lfs_threshold = lfs_threshold  # files of this size or more are LFS files (the Hub decides by size too)
        self.repos: dict[str, Repo] = {}
        self.lfs: dict[str, bytes] = {}
        self.log: list[tuple[str, str]] = []
        self.lock = threading.RLock()

    @property
    def url(self) -> str:
        """Where commits are linked under: the server's address."""
        raise NotImplementedError

    def files(self, repo_id: str, rev: str = "main") -> dict[str, Entry]:
        repo = self.repos[repo_id]
        return repo.commits[repo.resolve(rev) or ""]

    def read(self, repo_id: str, path: str, rev: str = "main") -> bytes:
        entry = self.files(repo_id, rev)[path]
        return entry.content if entry.content is not None else self.lfs[entry.sha256]

    # ------------------------------------------------------------------ state changes (under the lock)

    def create(self, repo_id: str) -> bool:
        if repo_id in self.repos:
            return False
        attrs = b"*.zst filter=lfs diff=lfs merge=lfs -text\n*.parquet filter=lfs diff=lfs merge=lfs -text\n"
        repo = Repo(repo_id)
        self.repos[repo_id] = repo
        self._commit(repo, None, {".gitattributes": regular(attrs)})
        return True

    def _commit(self, repo: Repo, parent: str | None, files: dict[str, Entry]) -> str:
        oid = hashlib.sha1(json.dumps([parent, sorted((p, e.git_oid) for p, e in files.items())]).encode())
        oid.update(str(len(repo.commits)).encode())
        commit = oid.hexdigest()
        repo.commits[commit] = files
        repo.branches["main"] = commit
        return commit

    def apply_commit(self, repo: Repo, rev: str, lines: list[dict[str, Any]]) -> tuple[int, dict[str, Any]]:
        head = repo.resolve(rev)
        if head is None:
            return 404, {"error": "RevisionNotFound"}
        header = lines[0]["value"]
        if header.get("parentCommit") not in (None, head):
            return 412, {"error": "parent commit is not the head of the branch"}
        files = dict(repo.commits[head])
        for line in lines[1:]:
            key, value = line["key"], line["value"]
            if key == "file":
                files[value["path"]] = regular(base64.b64decode(value["content"]))
            elif key == "lfsFile":
                data = self.lfs.get(value["oid"])
                if data is None:
                    return 422, {"error": f"LFS object {value['oid']} was never uploaded"}
                files[value["path"]] = Entry(len(data), value["oid"], git_oid(pointer(value["oid"], len(data))), None)
            elif key in ("deletedFile", "deletedFolder"):
                prefix = value["path"].rstrip("/")
                files = {p: e for p, e in files.items() if p != prefix and not p.startswith(prefix + "/")}
        commit = self._commit(repo, head, files)
        return 200, {
            "commitOid": commit,
            "commitUrl": f"{self.url}/datasets/{repo.name}/commit/{commit}",
            "pullRequestUrl": None,
        }


def regular(data: bytes) -> Entry:
    return Entry(len(data), hashlib.sha256(data).hexdigest(), git_oid(data), data)


def pointer(oid: str, size: int) -> bytes:
    return f"version https://git-lfs.github.com/spec/v1\noid sha256:{oid}\nsize {size}\n".encode()
