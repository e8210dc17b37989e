"""A record's raw form as its input holds it, for `pajama manifest trace`, and the re-read shared by readers.

Each reader re-reads its own records (`reader.reread(path, locator)`, see pajama.reader); what several
readers share lives here: the `RawRecord` they return, `decode` for display, and `reread_file`, which finds a
file by the locator keys that archive and folder readers record:
{path} a file in a folder input, in a repository tarball (below its top folder) or in a bare git repository
(at the record's meta.commit); {member} an archive member; {main} the main file of a submission; {} the
input itself (decompressed).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import fsspec

from pajama.storage import is_remote

MAX_RAW_BYTES = 64 << 20
_REF = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")  # a commit id or ref name, never an option


@dataclass
class RawRecord:
    """The record as its input holds it: what kind of thing it is, its text, and identifying fields."""

    kind: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) for display: UTF-8 when the bytes are, or mostly are (bad bytes become U+FFFD: a
    page that mixes encodings), else cp1252, else latin-1. Never fails."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    if sum(1 for c in lossy if c > "\x7f") > 2 * bad:  # more valid multi-byte characters than bad bytes
        return lossy, f"utf-8 ({bad} bad bytes replaced)"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def open_decompressed(path: str) -> BinaryIO:
    """The input at `path`, decompressed by its name or magic bytes (storage.decompressed)."""
    from pajama.storage import decompressed

    raw = fsspec.open(path, "rb").open()
    return decompressed(raw, path, max_bytes=1 << 40)


def reread_file(path: str, locator: dict[str, Any]) -> RawRecord:
    """{path} in a folder, a bare git repo or a repository tarball; {member} of an archive; {main} of a
    submission; {} the input itself (decompressed)."""
    rel, member, main = locator.get("path"), locator.get("member"), locator.get("main")
    fields: dict[str, Any] = {k: v for k, v in (("path", rel), ("member", member), ("main", main)) if v}
    if not is_remote(path) and os.path.isdir(path):
        if rel is None:
            raise LookupError("a folder input, but the locator names no path in it")
        data = _folder_file(path, str(rel), locator.get("commit"))
        if member:  # an archive inside a folder input
            data = _member(io.BytesIO(data), str(member), path)  # type: ignore[arg-type]
        elif not main:
            data = _open_bytes(data, str(rel)).read(MAX_RAW_BYTES + 1)
    else:
        with fsspec.open(path, "rb") as f:
            if member or (rel and not main):  # a repository tarball names its files by path, top folder removed
                data = _member(f, str(member or rel), path, strip_top=not member)
            else:
                data = f.read(MAX_RAW_BYTES + 1)
        if not (member or rel or main):
            data = _open_bytes(data, path).read(MAX_RAW_BYTES + 1)
    if main:
        data = _main_of(data, str(main), path)
    text, fields["encoding"] = decode(data[:MAX_RAW_BYTES])
    kind = "archive member" if member else "main file" if main else f"file {rel}" if rel else "input file"
    return RawRecord(kind, text, fields)


def _folder_file(root: str, rel: str, commit: Any) -> bytes:
    full = os.path.join(root, *rel.split("/"))
    if os.path.isfile(full):
        with open(full, "rb") as f:
            return f.read(MAX_RAW_BYTES + 1)
    if os.path.isfile(os.path.join(root, "HEAD")) and os.path.isdir(os.path.join(root, "objects")):
        if commit is not None and not _REF.match(str(commit)):
            raise LookupError(f"not a commit: {commit!r}")
        spec = f"{commit or 'HEAD'}:{rel}"
        out = subprocess.run(["git", "--git-dir", root, "show", spec], capture_output=True, timeout=60, check=False)
        if out.returncode == 0:
            return out.stdout
        raise LookupError(f"git show {spec}: {out.stderr.decode(errors='replace').strip()}")
    raise LookupError(f"no file {rel} in {root}")


def _open_bytes(data: bytes, name: str) -> BinaryIO:
    from pajama.storage import decompressed

    return decompressed(io.BytesIO(data), name, max_bytes=MAX_RAW_BYTES)  # type: ignore[arg-type]


def _members(stream: BinaryIO, name: str) -> Iterator[tuple[str, bytes | None]]:
    from pajama.archives import ArchiveLimits, iter_members

    limits = ArchiveLimits(max_members=50_000_000, max_member_bytes=MAX_RAW_BYTES, max_total_bytes=1 << 42)
    for m in iter_members(stream, name, limits=limits):
        yield m.path, m.data


def _member(stream: BinaryIO, member: str, name: str, *, strip_top: bool = False) -> bytes:
    """One archive member by path; with strip_top, also below a single top folder (as GitHub tarballs have)."""
    below_top: bytes | None = None
    for path, body in _members(stream, name):
        if path == member or (strip_top and below_top is None and path.split("/", 1)[-1] == member):
            if body is None:
                raise LookupError(f"member {path} cannot be read (unsafe or too large)")
            if path == member:
                return body
            below_top = body
    if below_top is not None:
        return below_top
    raise LookupError(f"no member {member}")


def _main_of(data: bytes, main: str, name: str) -> bytes:
    """The main file of a submission: a member of the (compressed) tar, or the (compressed) file itself."""
    from pajama.archives import sniff_archive

    plain = _open_bytes(data, name).read(MAX_RAW_BYTES + 1)
    if sniff_archive(plain[:512], name) not in ("tar", "zip"):
        return plain
    for path, body in _members(io.BytesIO(plain), name):  # type: ignore[arg-type]
        if body is not None and (path == main or path.endswith("/" + main)):
            return body
    raise LookupError(f"no main file {main} in the submission")
