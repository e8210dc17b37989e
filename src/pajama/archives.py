"""Safe, in-memory iteration over archive members (tar, tar.gz/tgz, tar.bz2, tar.xz, tar.zst, zip).

Nothing is ever extracted to disk. Every member comes back as a `Member` whose `path` is a normalized
POSIX path; members that would be unsafe to materialize (absolute paths, `..` traversal, links, device
files) or too large come back with `data=None` and a stable `skip_reason` so callers can count them.

Limits (ArchiveLimits) bound the work an archive can cause:
  - a member larger than `max_member_bytes` is skipped (`archive.member_too_large`), not read;
  - more than `max_members` entries raises InputError("archive.too_many_members");
  - more than `max_total_bytes` of expanded member data (declared sizes, skipped members included, since
    a compressed tar must be decompressed through them) raises InputError("archive.expansion_cap").
A zip is read into memory for seeking (zip needs its central directory at the end) and is bounded by
`max_total_bytes` too. Raised errors come after every member read so far was yielded (generators).
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import posixpath
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, Self, cast

import zstandard

from pajama.errors import InputError
from pajama.storage import CHUNK, CappedReader, Readable, sniff_compression

ZIP_MAGICS = (b"PK\x03\x04", b"PK\x05\x06")
TAR_BLOCK = 512
BZ2_MAGIC = b"BZh"
BZ2_BLOCK = b"1AY&SY"  # the first block's magic (pi digits), so bz2 needs no file name to be recognized
_DRIVE = re.compile(r"^[A-Za-z]:")


@dataclass(frozen=True, kw_only=True)
class ArchiveLimits:
    """Bounds on what one archive may make us read (defaults fit source tarballs and arXiv bundles)."""

    max_members: int = 200_000
    max_member_bytes: int = 64 << 20
    max_total_bytes: int = 4 << 30


@dataclass(frozen=True, slots=True)
class Member:
    """One archive entry. `data` is None exactly when `skip_reason` says why it was not read."""

    path: str
    data: bytes | None
    skip_reason: str | None = None
    size: int = 0


def sniff_archive(head: bytes, name: str = "") -> str | None:
    """ "tar", "zip", a compression name ("gzip", "bz2", "xz", "zstd") or None, from the first bytes.

    Pass at least 512 bytes to recognize a plain tar. A compressed stream may hold a tar or a single
    file; decompress and sniff again to know which.
    """
    if head.startswith(ZIP_MAGICS):
        return "zip"
    if head[:3] == BZ2_MAGIC and head[4:10] == BZ2_BLOCK:
        return "bz2"
    compression = sniff_compression(head, name)
    if compression is not None:
        return compression
    if _is_tar_header(head[:TAR_BLOCK]):
        return "tar"
    return None


def _is_tar_header(block: bytes) -> bool:
    if len(block) < TAR_BLOCK:
        return False
    if block[257:262] == b"ustar":
        return True
    try:  # old v7 tars have no magic: the header checksum decides
        stored = int(block[148:156].split(b"\0", 1)[0].strip() or b"-1", 8)
    except ValueError:
        return False
    unsigned = sum(block[:148]) + 8 * 32 + sum(block[156:])
    return stored == unsigned and any(block[:100])


def safe_path(raw: str) -> tuple[str, str | None]:
    """(normalized posix path, None) or (raw, skip reason) for names that must never be materialized."""
    if raw.startswith(("/", "\\")) or _DRIVE.match(raw):
        return raw, "archive.absolute_path"
    if ".." in re.split(r"[\\/]", raw):
        return raw, "archive.path_traversal"
    path = posixpath.normpath(raw)
    if path in (".", ""):
        return raw, "archive.bad_name"
    return path, None


def iter_members(
    stream: BinaryIO, name: str, *, limits: ArchiveLimits | None = None, info: dict[str, str] | None = None
) -> Iterator[Member]:
    """Yield the members of a tar (plain or compressed) or zip archive read from `stream`.

    Directories are not yielded. `info`, when given, receives archive-level metadata: the tar global
    pax headers (git archive puts the commit id in `comment`) and the zip `comment`.
    Raises InputError: archive.not_an_archive, archive.corrupt, input.truncated, archive.expansion_cap,
    archive.too_many_members.
    """
    limits = limits or ArchiveLimits()
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, stream))
    if buffered.peek(4)[:4].startswith(ZIP_MAGICS):
        yield from _iter_zip(buffered, name, limits, info)
    else:
        yield from _iter_tar(buffered, name, limits, info)


# ------------------------------------------------------------------------------------------------- tar


class _TarInfo(tarfile.TarInfo):
    """Records on the TarFile why header parsing stopped, so a clean end marker tells from truncation."""

    @classmethod
    def fromtarfile(cls, tarfile_: tarfile.TarFile) -> Self:
        try:
            return super().fromtarfile(tarfile_)
        except tarfile.HeaderError as e:
            tarfile_._pajama_stop = type(e).__name__  # type: ignore[attr-defined]
            raise


def _iter_tar(stream: BinaryIO, name: str, limits: ArchiveLimits, info: dict[str, str] | None) -> Iterator[Member]:
    # headers and padding cost at most ~1.5 KiB per member beyond the declared data sizes
    stream_cap = limits.max_total_bytes + (limits.max_members + 8) * 3 * TAR_BLOCK
    data = _decompressed(stream, name, stream_cap)
    try:
        head = data.peek(TAR_BLOCK)[:TAR_BLOCK]  # type: ignore[attr-defined]
    except InputError as e:
        raise _renamed(e) from e
    if not _is_tar_header(head):
        if len(head) < TAR_BLOCK:
            _drain(data)  # a compressed stream cut inside its first block raises input.truncated here
        raise InputError("archive.not_an_archive", f"{name}: neither a tar nor a zip archive")
    try:
        tf = tarfile.open(fileobj=data, mode="r|", tarinfo=_TarInfo)
        yield from _tar_members(tf, name, limits)
        _check_tar_end(tf, data, name)
        if info is not None:
            info.update({k: str(v) for k, v in tf.pax_headers.items()})
    except InputError as e:
        raise _renamed(e) from e
    except (tarfile.TarError, EOFError, zlib.error) as e:
        reason = "input.truncated" if "unexpected end" in str(e) else "archive.corrupt"
        raise InputError(reason, f"{name}: {e}") from e


def _tar_members(tf: tarfile.TarFile, name: str, limits: ArchiveLimits) -> Iterator[Member]:
    members = 0
    total = 0
    for ti in tf:
        members += 1
        if members > limits.max_members:
            raise InputError("archive.too_many_members", f"{name}: more than {limits.max_members} members")
        if ti.isdir():
            continue
        total += max(ti.size, 0)
        if total > limits.max_total_bytes:
            raise InputError("archive.expansion_cap", f"{name}: members expand beyond {limits.max_total_bytes} bytes")
        path, reason = safe_path(ti.name)
        reason = reason or _tar_kind_reason(ti)
        if reason is None and ti.size > limits.max_member_bytes:
            reason = "archive.member_too_large"
        if reason is not None:
            yield Member(path, None, reason, ti.size)
            continue
        f = tf.extractfile(ti)
        body = f.read() if f is not None else b""
        if len(body) != ti.size:
            raise InputError("input.truncated", f"{name}: member {path} ends early")
        yield Member(path, body, None, ti.size)


def _tar_kind_reason(ti: tarfile.TarInfo) -> str | None:
    if ti.issym():
        return "archive.symlink"
    if ti.islnk():
        return "archive.hardlink"
    if not ti.isreg():
        return "archive.special_file"
    return None


def _check_tar_end(tf: tarfile.TarFile, data: BinaryIO, name: str) -> None:
    """A tar ends with a zero block; then the (compressed) stream must end cleanly too."""
    stop = getattr(tf, "_pajama_stop", None)
    if stop in ("EmptyHeaderError", "TruncatedHeaderError"):
        raise InputError("input.truncated", f"{name}: archive ends without its end-of-archive marker")
    if stop == "InvalidHeaderError":
        raise InputError("archive.corrupt", f"{name}: invalid tar header after offset {tf.offset}")
    _drain(data)  # the padding after the end marker, so a truncated gzip/bz2 trailer is noticed


def _drain(data: BinaryIO) -> None:
    try:
        while data.read(CHUNK):
            pass
    except InputError as e:
        raise _renamed(e) from e


class _Read1(io.RawIOBase):
    """Reads with read1 so bytes decompressed before a truncation point reach the caller before the error."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        return self._inner.read1(size if size >= 0 else CHUNK)  # type: ignore[no-any-return]


def _decompressed(stream: BinaryIO, name: str, cap: int) -> BinaryIO:
    """Like storage.decompressed, but a truncated stream gives up its complete members first."""
    buffered = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, stream), CHUNK)
    head = buffered.peek(10)[:10]
    kind = "bz2" if head[:3] == BZ2_MAGIC and head[4:10] == BZ2_BLOCK else sniff_compression(head, name)
    inner: Readable
    if kind == "gzip":
        inner = gzip.GzipFile(fileobj=buffered, mode="rb")
    elif kind == "bz2":
        inner = bz2.BZ2File(buffered, "rb")
    elif kind == "xz":
        inner = lzma.LZMAFile(buffered, "rb")
    elif kind == "zstd":
        inner = zstandard.ZstdDecompressor().stream_reader(buffered, read_across_frames=True)
    else:
        return buffered  # type: ignore[return-value]
    return io.BufferedReader(CappedReader(_Read1(inner), cap, name), CHUNK)  # type: ignore[return-value]


def _renamed(e: InputError) -> InputError:
    if e.reason == "input.expansion_cap":
        return InputError("archive.expansion_cap", e.message)
    return e


# ------------------------------------------------------------------------------------------------- zip


def _iter_zip(stream: BinaryIO, name: str, limits: ArchiveLimits, info: dict[str, str] | None) -> Iterator[Member]:
    blob = stream.read(limits.max_total_bytes + 1)
    if len(blob) > limits.max_total_bytes:
        raise InputError("archive.expansion_cap", f"{name}: zip larger than {limits.max_total_bytes} bytes")
    try:
        zf = zipfile.ZipFile(io.BytesIO(blob))
    except (zipfile.BadZipFile, OSError) as e:
        # the central directory lives at the end: without it the archive was cut short
        raise InputError("input.truncated", f"{name}: no zip central directory ({e})") from e
    if info is not None and zf.comment:
        info["comment"] = zf.comment.decode("utf-8", "replace")
    entries = zf.infolist()
    if len(entries) > limits.max_members:
        raise InputError("archive.too_many_members", f"{name}: more than {limits.max_members} members")
    total = 0
    for zi in entries:
        if zi.is_dir():
            continue
        path, reason = safe_path(zi.filename)
        reason = reason or _zip_kind_reason(zi)
        if reason is None and zi.file_size > limits.max_member_bytes:
            reason = "archive.member_too_large"
        if reason is not None:
            yield Member(path, None, reason, zi.file_size)
            continue
        body, reason = _read_zip_member(zf, zi, limits.max_member_bytes)
        total += len(body) if body is not None else 0
        if total > limits.max_total_bytes:
            raise InputError("archive.expansion_cap", f"{name}: members expand beyond {limits.max_total_bytes} bytes")
        yield Member(path, body, reason, zi.file_size)


def _zip_kind_reason(zi: zipfile.ZipInfo) -> str | None:
    if zi.flag_bits & 0x1:
        return "archive.encrypted"
    mode = zi.external_attr >> 16
    if zi.create_system == 3 and stat.S_IFMT(mode):  # unix file types, when a unix creator set them
        if stat.S_ISLNK(mode):
            return "archive.symlink"
        if not stat.S_ISREG(mode):
            return "archive.special_file"
    return None


def _read_zip_member(zf: zipfile.ZipFile, zi: zipfile.ZipInfo, cap: int) -> tuple[bytes | None, str | None]:
    """Read one member, never trusting the declared size (zip bombs lie about it)."""
    try:
        with zf.open(zi) as f:
            body = f.read(cap + 1)
    except NotImplementedError:
        return None, "archive.unsupported_compression"
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, RuntimeError):
        return None, "archive.corrupt_member"
    if len(body) > cap:
        return None, "archive.member_too_large"
    return body, None
