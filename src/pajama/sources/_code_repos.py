"""The three shapes of one repository: a checked-out folder, a tarball/zip, a bare git repository.

Each gives a sorted list of `Entry` (repository-relative POSIX path, size, and a skip reason decided by
the container: symlinks, submodules, unsafe archive members) and loads an entry's bytes on demand.
Nothing is extracted or checked out: folders are read in place, archive members in memory
(pajama.archives), git blobs through `git cat-file --batch`.
"""

from __future__ import annotations

import os
import re
import stat
import subprocess
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO

from pajama.archives import ArchiveLimits, iter_members
from pajama.errors import InputError
from pajama.sources._code_lang import VCS_DIRS

_OWNER_NAME = re.compile(r"^([A-Za-z0-9][A-Za-z0-9_.-]*?)__([A-Za-z0-9_.-]+)$")
_REMOTE = re.compile(r"[:/]([A-Za-z0-9_.-]+)/([A-Za-z0-9_.-]+?)(?:\.git)?/?$")
_ARCHIVE_SUFFIXES = (".tar.gz", ".tgz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tar", ".zip", ".git")
_SHA1 = re.compile(r"^[0-9a-f]{40}$")


@dataclass(slots=True)
class Entry:
    path: str
    size: int
    skip: str | None = None
    data: bytes | None = None
    oid: str | None = None


def repo_name(option: str | None, input_name: str, remote_url: str | None) -> str:
    """`repo` option, else the `owner__name` convention of the input's name, else the git remote, else the name."""
    if option:
        return option
    stem = os.path.basename(input_name.rstrip("/"))
    for suffix in _ARCHIVE_SUFFIXES:
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
            break
    if m := _OWNER_NAME.match(stem):
        return f"{m.group(1)}/{m.group(2)}"
    if remote_url and (m := _REMOTE.search(remote_url.strip())):
        return f"{m.group(1)}/{m.group(2)}"
    return stem


def _git(args: list[str], *, cwd: str | None = None) -> str | None:
    try:
        out = subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=True, timeout=120)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.decode("utf-8", "surrogateescape").strip()


def is_bare_repo(path: str) -> bool:
    return all(os.path.exists(os.path.join(path, p)) for p in ("HEAD", "objects", "refs")) and not os.path.exists(
        os.path.join(path, ".git")
    )


# ------------------------------------------------------------------------------------------------ folder


class FolderRepo:
    """A checked-out working tree; VCS metadata folders are not part of it."""

    def __init__(self, root: str) -> None:
        self.root = root
        has_git = os.path.exists(os.path.join(root, ".git"))
        self.commit = _git(["-C", root, "rev-parse", "HEAD"]) if has_git else None
        self.remote = _git(["-C", root, "config", "--get", "remote.origin.url"]) if has_git else None
        self.error: InputError | None = None

    def entries(self) -> list[Entry]:
        out: list[Entry] = []
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames[:] = sorted(d for d in dirnames if d not in VCS_DIRS)
            for name in filenames + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                full = os.path.join(dirpath, name)
                rel = os.path.relpath(full, self.root).replace(os.sep, "/")
                st = os.lstat(full)
                if stat.S_ISLNK(st.st_mode):
                    out.append(Entry(rel, 0, "code.symlink"))
                elif not stat.S_ISREG(st.st_mode):
                    out.append(Entry(rel, 0, "code.special_file"))
                else:
                    out.append(Entry(rel, st.st_size))
        out.sort(key=lambda e: e.path)
        return out

    def load(self, entry: Entry) -> bytes:
        with open(os.path.join(self.root, entry.path), "rb") as f:
            return f.read()

    def close(self) -> None:
        pass


# ------------------------------------------------------------------------------------------------ archive


class ArchiveRepo:
    """A repository tarball or zip. The single top folder GitHub (and `git archive --prefix`) adds is removed.

    Members are held in memory until the repository's license is known; `keep(path, size)` says which
    members' bytes are worth holding (the others keep only their path and size). A truncated archive
    keeps what was read; the error is kept in `error` for the reader to raise after its documents.
    """

    def __init__(self, stream: BinaryIO, name: str, limits: ArchiveLimits, keep: Callable[[str, int], bool]) -> None:
        info: dict[str, str] = {}
        members: list[Entry] = []
        self.error: InputError | None = None
        try:
            for m in iter_members(stream, name, limits=limits, info=info):
                skip = "code.symlink" if m.skip_reason == "archive.symlink" else m.skip_reason
                if skip == "archive.member_too_large":
                    skip = "code.too_large"
                data = m.data if skip is None and keep(m.path, m.size) else None
                members.append(Entry(m.path, m.size, skip, data))
        except InputError as e:
            self.error = e
        comment = info.get("comment", "").strip()
        self.commit = comment if _SHA1.match(comment) else None
        self.remote = None
        self._entries = sorted(_strip_top_folder(members), key=lambda e: e.path)

    def entries(self) -> list[Entry]:
        return self._entries

    def load(self, entry: Entry) -> bytes:
        return entry.data if entry.data is not None else b""

    def close(self) -> None:
        self._entries = []


def _strip_top_folder(entries: list[Entry]) -> list[Entry]:
    tops = {e.path.split("/", 1)[0] for e in entries}
    if len(tops) != 1 or any("/" not in e.path for e in entries):
        return entries
    for e in entries:
        e.path = e.path.split("/", 1)[1]
    return entries


# ------------------------------------------------------------------------------------------------ bare git


class BareRepo:
    """A bare git repository read at `ref` through `git ls-tree` and `git cat-file --batch` (no checkout)."""

    def __init__(self, gitdir: str, ref: str) -> None:
        self.gitdir = gitdir
        commit = _git(["--git-dir", gitdir, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"])
        if not commit:
            raise InputError("git.bad_ref", f"{gitdir}: no commit at {ref!r} (or not a git repository)")
        self.commit = commit
        self.remote = _git(["--git-dir", gitdir, "config", "--get", "remote.origin.url"])
        self.error: InputError | None = None
        self._batch: subprocess.Popen[bytes] | None = None

    def entries(self) -> list[Entry]:
        listing = subprocess.run(
            ["git", "--git-dir", self.gitdir, "ls-tree", "-r", "-z", "--long", "--full-tree", self.commit],
            capture_output=True,
            check=False,
        )
        if listing.returncode != 0:
            raise InputError("git.unreadable", listing.stderr.decode("utf-8", "replace")[:300])
        out: list[Entry] = []
        for record in listing.stdout.split(b"\0"):
            if not record:
                continue
            meta, _, raw_path = record.partition(b"\t")
            mode, kind, oid, size = meta.decode().split(maxsplit=3)
            path = raw_path.decode("utf-8", "surrogateescape")
            if kind == "commit":
                out.append(Entry(path, 0, "code.submodule"))
            elif mode == "120000":
                out.append(Entry(path, 0, "code.symlink"))
            else:
                out.append(Entry(path, int(size) if size.strip().isdigit() else 0, None, None, oid))
        out.sort(key=lambda e: e.path)
        return out

    def load(self, entry: Entry) -> bytes:
        if self._batch is None:
            self._batch = subprocess.Popen(
                ["git", "--git-dir", self.gitdir, "cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
            )
        proc = self._batch
        if proc.stdin is None or proc.stdout is None or entry.oid is None:
            raise InputError("git.unreadable", f"{self.gitdir}: cannot read {entry.path}")
        proc.stdin.write(entry.oid.encode() + b"\n")
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) != 3 or header[1] != b"blob":
            raise InputError("git.unreadable", f"{self.gitdir}: object {entry.oid} missing")
        data = proc.stdout.read(int(header[2]))
        proc.stdout.read(1)  # the newline after each object
        return data

    def close(self) -> None:
        if self._batch is not None:
            if self._batch.stdin is not None:
                self._batch.stdin.close()
            self._batch.wait(timeout=30)
            self._batch = None
