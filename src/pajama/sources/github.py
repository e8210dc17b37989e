"""`reader: github`: source code files of repositories, one document per file, with license evidence.

Inputs (each input is one repository, except dumps):
  - a checked-out folder (VCS metadata folders such as .git/ are not read);
  - a tarball or zip (.tar, .tar.gz/.tgz, .tar.bz2, .tar.xz, .tar.zst, .zip), read in memory; the single
    top folder GitHub adds is removed; a `git archive` commit id (pax comment) becomes meta.commit;
  - a bare git repository (a folder with HEAD, objects/, refs/), read at option `ref` (default HEAD)
    through `git ls-tree` and `git cat-file --batch`, without a checkout;
  - a file dump in The Stack's shape (.parquet, .jsonl[.gz|.zst]): rows with content, path, repo and
    optional license fields (see _code_dump).

Repository name (meta.repo, and the id): the `repo` option; else the input's name in the
`owner__name` convention (`owner__name.tar.gz`, folder `owner__name/`, bare `owner__name.git`) read as
`owner/name`; else the git remote `origin` (github.com/owner/name); else the input's name without its
archive suffix. A document's key is repo + "\\0" + path, so the folder, tarball and bare repository of
one repository give the same ids.

Each document's meta: repo, commit (when known), path, language (from extension or file name), bytes,
license (SPDX expression, LicenseRef-*, or NONE), license_confidence, license_evidence (a list of
{file, method, license, score}). Files are yielded in path order. Skips are counted by reason (see
_code_files): code.vendored, code.lock_file, code.excluded_extension, code.minified, code.too_large,
code.binary, code.not_utf8, code.data_file (a data dump by its content: not under the repository's license),
code.generated, code.symlink, code.submodule, code.special_file,
code.bad_path (a file name that is not UTF-8), archive.*.

License: the repository's (license_detect.detect_repository over the root's license files, package
metadata and READMEs); a folder with its own license file governs the files below it; a file's own
SPDX tag or license header decides that file.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator
from dataclasses import dataclass, replace
from typing import Any, ClassVar

from pajama.archives import ArchiveLimits
from pajama.errors import InputError
from pajama.licenses.detect import (
    NO_LICENSE,
    Detection,
    detect_repository,
    file_evidence,
    for_file,
    is_evidence_file,
    is_license_file,
)
from pajama.raw import RawRecord, reread_file
from pajama.record import Doc, ReadItem, Skip
from pajama.registry import register_reader
from pajama.sources._code_dump import DUMP_SUFFIXES, read_dump
from pajama.sources._code_files import FileRules
from pajama.sources._code_lang import VENDORED_DIRS, language
from pajama.sources._code_repos import ArchiveRepo, BareRepo, Entry, FolderRepo, is_bare_repo, repo_name
from pajama.storage import InputFile

MAX_EVIDENCE_BYTES = 1 << 20

Repo = FolderRepo | ArchiveRepo | BareRepo


@register_reader("github")
@dataclass(frozen=True, kw_only=True)
class GitHubReader(FileRules):
    """Source files of a repository (folder, tarball, bare git) or a The-Stack-shaped dump."""

    accepts_dirs: ClassVar[bool] = True
    #: the repository's name (owner/name); default: from the input's name or its git remote
    repo: str | None = None
    #: the commit-ish read from a bare repository
    ref: str = "HEAD"
    #: detect licenses (repository level); off, every document gets license NONE
    detect_licenses: bool = True
    #: look for an SPDX tag or a license header in each file
    file_licenses: bool = True
    max_files: int = 500_000
    #: bound on an archive's expanded size
    max_repo_bytes: int = 4 << 30

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord:
        """The raw file {path} of the repository (folder, tarball, or bare repository at {commit})."""
        return reread_file(path, locator)

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        if not inp.is_dir and inp.name.lower().endswith(DUMP_SUFFIXES):
            yield from read_dump(self, inp)
            return
        repo = self._open(inp)
        try:
            yield from self._documents(repo, inp)
        finally:
            repo.close()
        if repo.error is not None:
            raise repo.error

    def _open(self, inp: InputFile) -> Repo:
        if inp.is_dir:
            root = inp.local_path
            if root is None:
                raise InputError("input.unreadable", f"{inp.uri}: only local folders can be read")
            return BareRepo(root, self.ref) if is_bare_repo(root) else FolderRepo(root)
        limits = ArchiveLimits(
            max_members=self.max_files,
            max_member_bytes=max(self.max_file_bytes, MAX_EVIDENCE_BYTES),  # license files may exceed max_file_bytes
            max_total_bytes=self.max_repo_bytes,
        )
        return ArchiveRepo(inp.open(), inp.name, limits, self._worth_holding)

    def _worth_holding(self, path: str, size: int) -> bool:
        return self.path_skip(path, size) is None or (is_evidence_file(path) and size <= MAX_EVIDENCE_BYTES)

    def _documents(self, repo: Repo, inp: InputFile) -> Iterator[ReadItem]:
        entries = repo.entries()
        if len(entries) > self.max_files:
            raise InputError("code.too_many_files", f"{inp.name}: {len(entries)} files > max_files={self.max_files}")
        name = repo_name(self.repo, inp.name, repo.remote)
        licenses = self._licenses(repo, entries) if self.detect_licenses else {}
        for entry in entries:
            if not _valid_utf8(entry.path):  # ids, meta and JSON need text paths
                yield Skip(
                    "code.bad_path", {"path": entry.path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")}
                )
                continue
            locator = {"path": entry.path}
            reason = entry.skip or self.path_skip(entry.path, entry.size)
            if reason is not None:
                yield Skip(reason, locator)
                continue
            data = repo.load(entry)
            text, reason = self.decode(entry.path, data)
            if text is None:
                yield Skip(reason or "code.not_utf8", locator)
                continue
            own = file_evidence(entry.path, text) if self.file_licenses and not is_license_file(entry.path) else None
            lic = for_file(_governing(licenses, entry.path), own)
            meta: dict[str, Any] = {
                "repo": name,
                "commit": repo.commit,
                "path": entry.path,
                "language": language(entry.path),
            }
            meta["bytes"] = len(data)
            meta.update(lic.to_meta())
            yield Doc(text=text, meta=meta, locator=locator, key=f"{name}\0{entry.path}")

    def _licenses(self, repo: Repo, entries: list[Entry]) -> dict[str, Detection]:
        """folder -> detection: the root always, and every other folder that has license files of its own."""
        homes = {""} | {_home(e.path)[0] for e in entries if e.skip is None and is_license_file(e.path)}
        texts: dict[str, dict[str, str]] = {home: {} for home in homes}
        for entry in entries:
            home, rel = _home(entry.path)
            if home not in homes or entry.skip or entry.size > MAX_EVIDENCE_BYTES or not is_evidence_file(rel):
                continue
            if self.skip_vendored and any(p in VENDORED_DIRS for p in home.split("/")):
                continue
            texts[home][rel] = repo.load(entry).decode("utf-8", "replace")
        found = {home: _prefixed(detect_repository(files), home) for home, files in texts.items()}
        # a folder whose license files say nothing (a docs page named license.rst) leaves its files to the parent
        return {home: d for home, d in found.items() if not home or d.expression != NO_LICENSE.expression}


def _home(path: str) -> tuple[str, str]:
    """(the folder a file's evidence is about, its path relative to that folder); LICENSES/ counts for its parent."""
    folder = posixpath.dirname(path)
    if posixpath.basename(folder) in ("LICENSES", "licenses"):
        folder = posixpath.dirname(folder)
    return folder, path[len(folder) + 1 :] if folder else path


def _prefixed(detection: Detection, folder: str) -> Detection:
    """Evidence file names relative to the repository root."""
    if not folder:
        return detection
    evidence = tuple(replace(e, file=f"{folder}/{e.file}") for e in detection.evidence)
    return Detection(detection.expression, detection.confidence, evidence)


def _valid_utf8(path: str) -> bool:
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _governing(licenses: dict[str, Detection], path: str) -> Detection:
    folder = posixpath.dirname(path)
    while folder:
        if folder in licenses:
            return licenses[folder]
        folder = posixpath.dirname(folder)
    return licenses.get("", NO_LICENSE)
