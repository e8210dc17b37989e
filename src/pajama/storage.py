"""Storage through fsspec: inputs hashed while streaming, outputs written atomically."""

from __future__ import annotations

import bz2
import contextlib
import gzip
import hashlib
import io
import lzma
import os
import posixpath
import tempfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any, BinaryIO, Protocol

import fsspec
import zstandard

from pajama import faults
from pajama.errors import InputError

CHUNK = 1 << 20
GZIP_MAGIC = b"\x1f\x8b"
BZ2_MAGIC = b"BZh"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
XZ_MAGIC = b"\xfd7zXZ\x00"
_ZSTD_HEADER_BYTES = {"magic": 4, "skippable": 4, "descriptor": 1, "block": 3}  # what each state reads


def is_remote(uri: str) -> bool:
    return "://" in uri and not uri.startswith("file://")


def local_path(uri: str) -> str | None:
    """The local filesystem path of a URI, or None when it is remote."""
    if uri.startswith("file://"):
        return uri[len("file://") :]
    return None if is_remote(uri) else uri


def join(base: str, *parts: str) -> str:
    if is_remote(base):
        return posixpath.join(base, *parts)
    return os.path.join(base, *parts)


class HashingReader(io.RawIOBase):
    """A raw binary stream that computes sha256 and counts bytes as they are consumed."""

    def __init__(self, raw: IO[bytes]) -> None:
        self._raw = raw
        self.sha = hashlib.sha256()
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        data = self._raw.read(len(b))
        n = len(data)
        b[:n] = data
        self.sha.update(data)
        self.bytes_read += n
        return n

    def drain(self) -> None:
        """Consume the rest of the input so the digest covers every byte, then release it."""
        try:
            while data := self._raw.read(CHUNK):
                self.sha.update(data)
                self.bytes_read += len(data)
        finally:
            with contextlib.suppress(Exception):
                self._raw.close()

    # close() (from a reader's `with` block) leaves the underlying file open: drain() still needs it.


@dataclass
class InputFile:
    """One input of one source. `name` is its identity: the path relative to its glob root."""

    uri: str
    name: str
    source: str
    is_dir: bool = False
    _hasher: HashingReader | None = field(default=None, repr=False)

    @property
    def local_path(self) -> str | None:
        return local_path(self.uri)

    def open(self) -> BinaryIO:
        """Open the raw bytes, hashed as they are read. Call once per input.

        http(s) and s3 inputs are read through pajama.retry: transient failures are retried with backoff,
        and an input that changes between attempts is InputError("input.changed").
        """
        from pajama import retry

        if retry.retries(self.uri):
            remote = retry.open_remote(self.uri)  # raises InputError: input.missing, input.unreadable
            self._hasher = HashingReader(remote)  # type: ignore[arg-type]
            return io.BufferedReader(self._hasher, CHUNK)  # type: ignore[return-value]
        try:
            raw = fsspec.open(self.uri, "rb").open()
        except FileNotFoundError as e:
            raise InputError("input.missing", f"{self.uri}: no such file") from e
        except OSError as e:
            raise InputError("input.unreadable", f"{self.uri}: {e}") from e
        self._hasher = HashingReader(raw)
        return io.BufferedReader(self._hasher, CHUNK)  # type: ignore[return-value]

    def finish(self) -> tuple[str, int]:
        """sha256 and size of the input, completing the hash over any bytes the reader left."""
        if self.is_dir:
            return tree_digest(self.uri)
        if self._hasher is None:
            self.open()
        hasher = self._hasher
        if hasher is None:  # pragma: no cover - open() always sets it
            raise RuntimeError("input was not opened")
        hasher.drain()
        return hasher.sha.hexdigest(), hasher.bytes_read


def tree_digest(root: str) -> tuple[str, int]:
    """A digest for a folder input: sha256 over sorted (relative path, file sha256) lines."""
    h = hashlib.sha256()
    total = 0
    for rel in sorted(walk_files(root)):
        full = os.path.join(root, rel)
        if os.path.islink(full):
            h.update(f"{rel}\0link:{os.readlink(full)}\n".encode())
            continue
        fh = hashlib.sha256()
        with open(full, "rb") as f:
            while data := f.read(CHUNK):
                fh.update(data)
                total += len(data)
        h.update(f"{rel}\0{fh.hexdigest()}\n".encode("utf-8", "surrogateescape"))
    return h.hexdigest(), total


def walk_files(root: str) -> Iterator[str]:
    """Relative paths of every regular file and symlink below root (symlinks are not followed)."""
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in filenames:
            yield os.path.relpath(os.path.join(dirpath, name), root)
        for name in dirnames:
            if os.path.islink(os.path.join(dirpath, name)):
                yield os.path.relpath(os.path.join(dirpath, name), root)


class Readable(Protocol):
    """Anything with a binary `read` (files, decompressors, wrappers)."""

    def read(self, size: int = ..., /) -> bytes: ...


class CappedReader(io.RawIOBase):
    """Raises InputError once more than `limit` decompressed bytes were produced (bomb guard)."""

    def __init__(self, raw: Readable, limit: int, name: str) -> None:
        self._raw = raw
        self._limit = limit
        self._name = name
        self._read = getattr(raw, "read1", raw.read)
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        try:  # read1: return what one step decompressed, so bytes before a truncation are not lost
            data = self._read(len(b))
        except (EOFError, OSError, zstandard.ZstdError, lzma.LZMAError, zlib.error) as e:
            raise InputError("input.truncated", f"{self._name}: {e}") from e
        n = len(data)
        self.produced += n
        if self.produced > self._limit:
            raise InputError(
                "input.expansion_cap", f"{self._name}: expands beyond {self._limit} bytes (decompression bomb?)"
            )
        b[:n] = data
        return n


class ZstdFrames(io.RawIOBase):
    """Decompresses concatenated zstd frames; a stream that ends inside a frame is `input.truncated`.

    (zstandard's stream_reader reports a truncated frame as a clean end of file, so the frame boundaries
    are followed separately, from the headers.) Output is produced `len(b)` bytes at a time: one small
    frame may expand to gigabytes, and must reach the expansion cap before it reaches memory.
    """

    def __init__(self, raw: IO[bytes], name: str) -> None:
        self._raw = raw
        self._name = name
        self._frames = _ZstdFrameWalker()
        self._reader = zstandard.ZstdDecompressor().stream_reader(
            _Tap(raw, self._frames.feed),  # type: ignore[arg-type]
            read_across_frames=True,
            closefd=False,
        )

    def readable(self) -> bool:
        return True

    def readinto(self, b: Any) -> int:
        n = self._reader.readinto(b)
        if n == 0:
            while data := self._raw.read(CHUNK):
                self._frames.feed(data)
            if not self._frames.between_frames:
                raise InputError("input.truncated", f"{self._name}: zstd stream ends inside a frame")
        return int(n)


class _Tap:
    """A reader that shows every chunk it passes on to `sink` first."""

    def __init__(self, raw: IO[bytes], sink: Any) -> None:
        self._raw = raw
        self._sink = sink

    def read(self, size: int = -1) -> bytes:
        data = self._raw.read(size)
        self._sink(data)
        return data


class _ZstdFrameWalker:
    """Follows zstd frame boundaries through the compressed bytes (RFC 8878 headers; nothing decompressed)."""

    def __init__(self) -> None:
        self._state = "magic"
        self._skip = 0
        self._head = b""
        self._checksum = False

    @property
    def between_frames(self) -> bool:
        return self._state == "magic" and not self._skip and not self._head

    def feed(self, data: bytes) -> None:
        pos = 0
        while pos < len(data) and self._state != "unknown":
            if self._skip:
                step = min(self._skip, len(data) - pos)
                self._skip -= step
                pos += step
                continue
            take = data[pos : pos + _ZSTD_HEADER_BYTES[self._state] - len(self._head)]
            self._head += take
            pos += len(take)
            if len(self._head) == _ZSTD_HEADER_BYTES[self._state]:
                head, self._head = self._head, b""
                self._advance(head)

    def _advance(self, head: bytes) -> None:
        if self._state == "magic":
            skippable = head[1:] == b"\x2a\x4d\x18" and head[0] & 0xF0 == 0x50
            self._state = "descriptor" if head == ZSTD_MAGIC else "skippable" if skippable else "unknown"
        elif self._state == "skippable":
            self._skip, self._state = int.from_bytes(head, "little"), "magic"
        elif self._state == "descriptor":
            d = head[0]
            single = d >> 5 & 1
            self._checksum = bool(d >> 2 & 1)
            self._skip = (1 - single) + (0, 1, 2, 4)[d & 3] + (single, 2, 4, 8)[d >> 6]
            self._state = "block"
        else:
            header = int.from_bytes(head, "little")
            kind = header >> 1 & 3
            self._skip = 1 if kind == 1 else header >> 3
            if kind == 3:  # reserved block type: not zstd; the decompressor says so
                self._state = "unknown"
            elif header & 1:  # the frame's last block, then its optional checksum
                self._skip += 4 * self._checksum
                self._state = "magic"


def sniff_compression(head: bytes, name: str) -> str | None:
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    if head.startswith(BZ2_MAGIC) and name.endswith((".bz2", ".bz")):
        return "bz2"
    if head.startswith(XZ_MAGIC):
        return "xz"
    return None


def decompressed(stream: BinaryIO, name: str, *, max_bytes: int = 64 << 30) -> BinaryIO:
    """A decompressing view of `stream` chosen by magic bytes (gzip, zstd, bz2, xz) or the stream itself.

    Truncated compressed data surfaces as InputError("input.truncated"); expansion past `max_bytes`
    as InputError("input.expansion_cap").
    """
    buffered: Any = stream if isinstance(stream, io.BufferedReader) else io.BufferedReader(stream, CHUNK)  # type: ignore[type-var]
    head = buffered.peek(8)[:8]
    kind = sniff_compression(head, name)
    inner: IO[bytes]
    if kind == "gzip":
        inner = gzip.GzipFile(fileobj=buffered, mode="rb")  # type: ignore[assignment]
    elif kind == "zstd":
        inner = io.BufferedReader(ZstdFrames(buffered, name), CHUNK)
    elif kind == "bz2":
        inner = bz2.BZ2File(buffered, "rb")
    elif kind == "xz":
        inner = lzma.LZMAFile(buffered, "rb")
    else:
        return buffered  # type: ignore[return-value]
    return io.BufferedReader(CappedReader(inner, max_bytes, name), CHUNK)  # type: ignore[return-value]


# ---------------------------------------------------------------------------------------------- outputs


@contextlib.contextmanager
def atomic_write(uri: str, mode: str = "wb") -> Iterator[IO[Any]]:
    """Write to a temporary name beside the target, then rename: no partial file has a final name."""
    path = local_path(uri)
    if path is not None:
        directory = os.path.dirname(path) or "."
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes 0600; a release is meant to be read by others
        try:
            with os.fdopen(fd, mode) as f:
                yield f
                f.flush()
                os.fsync(f.fileno())
            faults.checkpoint("storage.rename")
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        return
    fs, fs_path = fsspec.core.url_to_fs(uri)
    tmp_path = f"{fs_path}.tmp-{os.getpid()}"
    try:
        with fs.open(tmp_path, mode) as f:
            yield f
        fs.mv(tmp_path, fs_path)
    except BaseException:
        with contextlib.suppress(Exception):
            fs.rm(tmp_path)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sha256_file(uri: str) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with fsspec.open(uri, "rb") as f:
        while data := f.read(CHUNK):
            h.update(data)
            n += len(data)
    return h.hexdigest(), n
