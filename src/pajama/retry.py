"""Remote inputs that survive transient failures: retries with exponential backoff, resumed where they broke.

`open_remote(uri)` (used by `InputFile.open` for http(s) and s3 inputs) reads the file in ranged
requests of `block_size` bytes through fsspec. A request that fails transiently (HTTP 408/425/429/5xx,
S3 SlowDown and throttling, connection resets and timeouts) is retried after base_delay * 2**n seconds
(plus up to 25% jitter, at least a server's Retry-After, at most max_delay), up to `attempts` tries.
After a failure the file's identity (size and ETag, else Last-Modified / Content-MD5) is fetched again;
if it changed, the bytes already read belong to another version and the input fails as `input.changed`.
HTTP range requests also carry `If-Match: <ETag>`, so a change between two blocks is a 412, not a splice.
Servers that ignore ranges (or give no size) are streamed; after a failure the stream is re-opened and the
bytes already read are read again and compared by digest before the read goes on.

Tuning without code: PAJAMA_RETRY_ATTEMPTS, PAJAMA_RETRY_BASE_DELAY and PAJAMA_RETRY_MAX_DELAY (seconds),
PAJAMA_RETRY_BLOCK_SIZE (bytes).
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import fsspec

from pajama.errors import InputError

log = logging.getLogger(__name__)

T = TypeVar("T")
RETRIED_SCHEMES = ("http", "https", "s3", "s3a")
TRANSIENT_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})
TRANSIENT_CODES = ("SlowDown", "Throttling", "TooManyRequests", "RequestTimeout", "ServiceUnavailable", "InternalError")
TRANSIENT_TYPES = frozenset({"ClientConnectionError", "ClientPayloadError", "ServerDisconnectedError", "ClientOSError"})
TRANSIENT_TEXT = ("connection reset", "connection aborted", "broken pipe", "payload is not completed", *TRANSIENT_CODES)


@dataclass(frozen=True, kw_only=True)
class RetryPolicy:
    attempts: int = 8  # tries per request, the first one included
    base_delay: float = 0.5  # seconds before the first retry; doubled for each further one
    max_delay: float = 60.0
    block_size: int = 8 << 20  # bytes per ranged request

    @classmethod
    def from_env(cls) -> RetryPolicy:
        env = os.environ
        return cls(
            attempts=max(1, int(env.get("PAJAMA_RETRY_ATTEMPTS", cls.attempts))),
            base_delay=float(env.get("PAJAMA_RETRY_BASE_DELAY", cls.base_delay)),
            max_delay=float(env.get("PAJAMA_RETRY_MAX_DELAY", cls.max_delay)),
            block_size=max(1, int(env.get("PAJAMA_RETRY_BLOCK_SIZE", cls.block_size))),
        )

    def delay(self, retry: int, error: BaseException) -> float:
        """Seconds to wait before retry number `retry` (0 for the first)."""
        wait = min(self.max_delay, self.base_delay * 2**retry) * (1 + 0.25 * random.random())
        return min(self.max_delay, max(wait, _retry_after(error)))


def retries(uri: str) -> bool:
    return uri.split("://", 1)[0].lower() in RETRIED_SCHEMES if "://" in uri else False


def _chain(error: BaseException) -> Iterator[BaseException]:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def _status(error: BaseException) -> int | None:
    status = getattr(error, "status", None) or getattr(error, "code", None)
    if isinstance(status, int):
        return status
    response = getattr(error, "response", None)  # botocore ClientError
    if isinstance(response, dict):
        code = response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        return code if isinstance(code, int) else None
    return None


def is_transient(error: BaseException) -> bool:
    """Whether retrying may help: throttling, server errors, dropped or timed-out connections."""
    for e in _chain(error):
        if isinstance(e, InputError):
            return False
        if isinstance(e, ConnectionError | TimeoutError) or _status(e) in TRANSIENT_STATUS:
            return True
        if TRANSIENT_TYPES & {c.__name__ for c in type(e).__mro__}:
            return True
        text = str(e).lower()
        if any(t.lower() in text for t in TRANSIENT_TEXT):
            return True
    return False


def _retry_after(error: BaseException) -> float:
    for e in _chain(error):
        headers = getattr(e, "headers", None)
        value = headers.get("Retry-After") if headers is not None else None
        if value is not None and str(value).strip().isdigit():
            return float(str(value).strip())
    return 0.0


def _missing(error: BaseException) -> bool:
    return any(isinstance(e, FileNotFoundError) for e in _chain(error)) and not is_transient(error)


def call(fn: Callable[[], T], *, what: str, policy: RetryPolicy, between: Callable[[], None] | None = None) -> T:
    """fn(), retried on transient errors; `between` runs before each retry (and may raise InputError)."""
    for attempt in range(policy.attempts):
        try:
            if attempt and between is not None:
                between()
            return fn()
        except InputError:
            raise
        except Exception as e:  # classified below: transient ones are retried, the rest end the input
            if _missing(e):
                raise InputError("input.missing", f"{what}: no such file") from e
            if not is_transient(e):
                raise InputError("input.unreadable", f"{what}: {type(e).__name__}: {e}") from e
            if attempt + 1 == policy.attempts:
                raise InputError("input.unreadable", f"{what}: gave up after {policy.attempts} attempts: {e}") from e
            wait = policy.delay(attempt, e)
            log.warning("%s: %s (%s); retry %d in %.2fs", what, type(e).__name__, e, attempt + 1, wait)
            time.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover


def exists(uri: str, policy: RetryPolicy | None = None) -> bool:
    """fs.exists with retries: a transient failure is not `missing` (when retries run out, reading will say)."""
    fs, path = fsspec.core.url_to_fs(uri)
    try:
        call(lambda: fs.info(path), what=uri, policy=policy or RetryPolicy.from_env())
    except InputError as e:
        return e.reason != "input.missing"
    return True


def open_remote(uri: str, policy: RetryPolicy | None = None) -> RemoteReader:
    return RemoteReader(uri, policy or RetryPolicy.from_env())


class RemoteReader(io.RawIOBase):
    """A remote file as a raw stream, read in retried ranged requests (or one re-openable stream)."""

    def __init__(self, uri: str, policy: RetryPolicy) -> None:
        self.uri = uri
        self.policy = policy
        self.fs, self.path = fsspec.core.url_to_fs(uri)
        info = call(self._info, what=uri, policy=policy)
        self.size: int | None = info.get("size")
        self.identity = _identity(info)
        self.etag = info.get("ETag") if uri.lower().startswith(("http://", "https://")) else None
        self.ranged = self.size is not None and info.get("partial", True) is not False
        self.pos = 0
        self._sha = hashlib.sha256()  # of the bytes handed out: compared when a stream is re-read
        self._stream: Any = None
        self._block = memoryview(b"")

    def readable(self) -> bool:
        return True

    def _info(self) -> dict[str, Any]:
        self.fs.invalidate_cache(self.path)
        return dict(self.fs.info(self.path))

    def _check_unchanged(self) -> None:
        info = self._info()  # a transient failure here surfaces in the next attempt of the request
        if (info.get("size"), _identity(info)) != (self.size, self.identity):
            raise InputError(
                "input.changed", f"{self.uri}: changed while it was read ({self.identity} -> {_identity(info)})"
            )

    def readinto(self, b: Any) -> int:
        if not self._block:
            self._block = memoryview(self._next_block())
        n = min(len(b), len(self._block))
        b[:n] = self._block[:n]
        self._block = self._block[n:]
        return n

    def _next_block(self) -> bytes:
        """The next `block_size` bytes (one request, retried), or b"" at the end."""
        want = self.policy.block_size
        if self.ranged and self.size is not None:
            want = min(want, self.size - self.pos)
            if want <= 0:
                return b""
        data = call(lambda: self._read(want), what=self.uri, policy=self.policy, between=self._recover)
        self.pos += len(data)
        self._sha.update(data)
        return data

    def _read(self, n: int) -> bytes:
        if not self.ranged:
            if self._stream is None:
                self._stream = self._reopen()
            return bytes(self._stream.read(n))
        kwargs = {"headers": {"If-Match": self.etag}} if self.etag else {}
        try:
            data = bytes(self.fs.cat_file(self.path, start=self.pos, end=self.pos + n, **kwargs))
        except Exception as e:
            if _status(e) == 412:  # If-Match failed: another version of the file
                raise InputError("input.changed", f"{self.uri}: changed while it was read") from e
            raise
        if len(data) > n and self.pos == 0:  # the server ignores ranges: stream it instead
            self.ranged = False
            return self._read(n)
        if len(data) != n:
            raise ConnectionError(f"short read: {len(data)} of {n} bytes at offset {self.pos}")
        return data

    def _recover(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        self._check_unchanged()
        if self.ranged and self.identity.startswith("size:"):
            self._check_prefix()  # no validator to ask: compare what was read with what is there now

    def _check_prefix(self) -> None:
        again, at = hashlib.sha256(), 0
        while at < self.pos:
            end = min(self.pos, at + self.policy.block_size)
            chunk = bytes(self.fs.cat_file(self.path, start=at, end=end))
            if len(chunk) != end - at:
                raise ConnectionError(f"short read: {len(chunk)} of {end - at} bytes at offset {at}")
            again.update(chunk)
            at = end
        if again.digest() != self._sha.digest():
            raise InputError("input.changed", f"{self.uri}: the first {self.pos} bytes differ on a second reading")

    def _reopen(self) -> Any:
        """A fresh stream positioned at `pos`, after checking that the bytes before it are the same."""
        stream = self.fs.open(self.path, "rb", block_size=0) if self.fs.protocol[0].startswith("http") else None
        stream = stream or self.fs.open(self.path, "rb")
        again, left = hashlib.sha256(), self.pos
        while left:
            chunk = stream.read(min(left, 1 << 20))
            if not chunk:
                raise ConnectionError("stream ended before the point of resumption")
            again.update(chunk)
            left -= len(chunk)
        if again.digest() != self._sha.digest():
            raise InputError("input.changed", f"{self.uri}: the first {self.pos} bytes differ on a second reading")
        return stream

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()
            self._stream = None
        super().close()


def _identity(info: dict[str, Any]) -> str:
    """What tells two versions of a remote file apart, beyond its size."""
    for key in ("ETag", "etag", "VersionId", "Content-MD5", "Last-Modified", "LastModified", "mtime"):
        if info.get(key):
            return f"{'etag' if key.lower() == 'etag' else key}:{info[key]}"
    return f"size:{info.get('size')}"
