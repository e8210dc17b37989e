"""Where a published release lives (HTTP(S), the Hugging Face Hub, any fsspec path) and resumable transfers.

A remote is rooted at a dataset's home (a Hub repo at one revision, a mirror URL, a folder); paths are relative
to it. `read(rel)` returns a small file's bytes (None when absent); `open_from(rel, offset)` opens a file at a
byte offset, which `fetch_to_part` uses to resume a `.part` file. Hub bytes come from the resolve URLs that
huggingface_hub downloads from (hf_hub_url, with its auth headers): hf_hub_download >= 2 discards a partial
download between runs, and a multi-terabyte release must resume where it stopped.
"""

from __future__ import annotations

import contextlib
import http.client
import io
import logging
import os
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol
from urllib.parse import quote, urlparse

from pajama.errors import ConfigError, PajamaError

log = logging.getLogger(__name__)

CHUNK = 1 << 20
TIMEOUT = 60
RETRY_DELAYS = (0.5, 2.0, 5.0, 10.0)  # consecutive failures without progress before giving up: len + 1
HUB_PREFIX = "hf://"


class TransferError(PajamaError):
    """A file could not be fetched (missing, refused, or still failing after retries)."""


class _Transient(Exception):
    """A network failure worth retrying: connection reset, timeout, 5xx, 429."""


@dataclass
class Opened:
    stream: IO[bytes]
    start: int  # the byte offset the stream starts at (0 when a server ignored the Range request)
    length: int | None  # bytes the stream should deliver, when the remote says


class Remote(Protocol):
    label: str

    def read(self, rel: str) -> bytes | None: ...

    def open_from(self, rel: str, offset: int) -> contextlib.AbstractContextManager[Opened]: ...

    def list_versions(self) -> list[str]: ...


class _KeepAuthOnSameHost(urllib.request.HTTPRedirectHandler):
    """Follow redirects, but never send credentials to another host (a CDN's signed URL needs none)."""

    def redirect_request(self, req: Any, fp: Any, code: int, msg: str, headers: Any, newurl: str) -> Any:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None and urlparse(newurl).netloc != urlparse(req.full_url).netloc:
            new.remove_header("Authorization")
        return new


_OPENER = urllib.request.build_opener(_KeepAuthOnSameHost())


@dataclass
class HttpRemote:
    base: str
    headers: dict[str, str] = field(default_factory=dict)
    label: str = ""

    def __post_init__(self) -> None:
        self.base = self.base.rstrip("/") + "/"
        self.label = self.label or self.base

    def url(self, rel: str) -> str:
        return self.base + quote(rel)

    def _open(self, rel: str, offset: int = 0) -> http.client.HTTPResponse:
        headers = {**self.headers, "Accept-Encoding": "identity"}
        if offset:
            headers["Range"] = f"bytes={offset}-"
        try:
            return _OPENER.open(urllib.request.Request(self.url(rel), headers=headers), timeout=TIMEOUT)  # type: ignore[no-any-return]
        except urllib.error.HTTPError as e:
            e.close()
            if e.code in (404, 410):
                raise FileNotFoundError(f"{self.url(rel)}: HTTP {e.code}") from e
            if e.code == 416:
                raise _RangeNotSatisfiable() from e
            if e.code in (408, 429) or e.code >= 500:
                raise _Transient(f"HTTP {e.code}") from e
            raise TransferError(f"{self.url(rel)}: HTTP {e.code} {e.reason}") from e
        except (urllib.error.URLError, OSError) as e:
            raise _Transient(str(e)) from e

    def read(self, rel: str) -> bytes | None:
        def once() -> bytes | None:
            try:
                with self.open_from(rel, 0) as opened:
                    data = _read_all(opened.stream)
            except FileNotFoundError:
                return None
            if opened.length is not None and len(data) < opened.length:
                raise _Transient(f"connection closed after {len(data)} of {opened.length} bytes")
            return data

        return _with_retries(once, f"{self.label}{rel}")

    @contextlib.contextmanager
    def open_from(self, rel: str, offset: int) -> Iterator[Opened]:
        try:
            resp = self._open(rel, offset)
        except _RangeNotSatisfiable:  # the .part already holds the whole file; its digest decides
            yield Opened(io.BytesIO(b""), offset, 0)
            return
        with resp:
            start = 0
            if resp.status == 206:
                match = re.match(r"bytes (\d+)-", resp.headers.get("Content-Range", ""))
                start = int(match.group(1)) if match else -1
            length = resp.headers.get("Content-Length")
            yield Opened(resp, start, int(length) if length and length.isdigit() else None)

    def list_versions(self) -> list[str]:
        return []  # HTTP cannot list a folder: a mirror is found through versions.json or a release URL


class _RangeNotSatisfiable(Exception):
    pass


class HubRemote(HttpRemote):
    """One revision (commit, tag or branch) of a Hub dataset repo, read through its resolve URLs."""

    def __init__(self, repo_id: str, revision: str) -> None:
        from huggingface_hub.utils import build_hf_headers

        self.repo_id = repo_id
        self.revision = revision
        super().__init__(
            f"{hub_endpoint()}/datasets/{repo_id}/resolve/{quote(revision, safe='')}",
            headers=build_hf_headers(),
            label=f"hf://datasets/{repo_id}@{revision}/",
        )

    def url(self, rel: str) -> str:
        from huggingface_hub import hf_hub_url

        return hf_hub_url(self.repo_id, rel, repo_type="dataset", revision=self.revision, endpoint=hub_endpoint())


class FsspecRemote:
    """A folder or any fsspec URL (s3://, gs://, file://, ...)."""

    def __init__(self, root: str) -> None:
        import fsspec

        self.fs, path = fsspec.core.url_to_fs(root)
        self.root = path.rstrip("/")
        self.label = root.rstrip("/") + "/"

    def path(self, rel: str) -> str:
        return f"{self.root}/{rel}" if rel else self.root

    def read(self, rel: str) -> bytes | None:
        try:
            with self.fs.open(self.path(rel), "rb") as f:
                return f.read()  # type: ignore[no-any-return]
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return None

    @contextlib.contextmanager
    def open_from(self, rel: str, offset: int) -> Iterator[Opened]:
        try:
            f = self.fs.open(self.path(rel), "rb")
        except OSError as e:
            if isinstance(e, FileNotFoundError):
                raise
            raise _Transient(str(e)) from e
        with f:
            f.seek(offset)
            yield Opened(f, offset, None)

    def list_versions(self) -> list[str]:
        if not self.fs.isdir(self.root):
            return []
        names = [p.rstrip("/").rsplit("/", 1)[-1] for p in self.fs.ls(self.root, detail=False)]
        return [n for n in names if is_version(n) and self.fs.exists(self.path(f"{n}/manifest.json"))]


def hub_endpoint() -> str:
    """HF_ENDPOINT read at call time (huggingface_hub reads it once, at import)."""
    from huggingface_hub import constants

    return (os.environ.get("HF_ENDPOINT") or constants.ENDPOINT).rstrip("/")


def parse_hub_uri(uri: str) -> tuple[str, str | None]:
    """hf://datasets/ORG/NAME[@REVISION] -> (repo_id, revision)."""
    rest = uri[len(HUB_PREFIX) :].strip("/")
    kind, _, repo = rest.partition("/")
    repo, _, revision = repo.partition("@")
    if kind != "datasets" or repo.count("/") != 1 or not all(repo.split("/")):
        raise ConfigError("uri", f"{uri!r}: expected hf://datasets/ORG/NAME (a Hub dataset repo)")
    return repo, revision or None


def version_key(version: str) -> tuple[Any, ...]:
    """Semver order: 1.10.0 > 1.9.0; a pre-release (1.0.0-rc1) sorts before its release."""
    core, _, pre = version.partition("-")
    numbers = tuple(int(p) if p.isdigit() else 0 for p in core.split("+")[0].split("."))
    return (numbers, not pre, pre)


def is_version(name: str) -> bool:
    return re.fullmatch(r"\d+(\.\d+)*([-+][0-9A-Za-z.+-]+)?", name) is not None


def fetch_to_part(remote: Remote, rel: str, part: Path, on_bytes: Callable[[int], None] = lambda n: None) -> None:
    """Complete `part` from its current length (HTTP Range / seek), retrying transient failures.

    A failure after some progress resets the retry budget, so a long file on a flaky link still completes.
    """
    part.parent.mkdir(parents=True, exist_ok=True)
    failures = 0
    while True:
        before = part.stat().st_size if part.exists() else 0
        try:
            _fetch_once(remote, rel, part, on_bytes)
            return
        except FileNotFoundError as e:
            raise TransferError(f"{rel}: not found at {remote.label}") from e
        except _Transient as e:
            progressed = part.exists() and part.stat().st_size > before
            failures = 0 if progressed else failures + 1
            if failures > len(RETRY_DELAYS):
                raise TransferError(f"{rel}: transfer from {remote.label} failed {failures} times ({e})") from e
            delay = RETRY_DELAYS[max(failures - 1, 0)]
            log.warning("%s: %s; resuming in %.1fs", rel, e, delay)
            time.sleep(delay)


def _fetch_once(remote: Remote, rel: str, part: Path, on_bytes: Callable[[int], None]) -> None:
    offset = part.stat().st_size if part.exists() else 0
    with remote.open_from(rel, offset) as opened:
        if opened.start not in (0, offset):
            raise TransferError(f"{rel}: asked for bytes from {offset}, the remote sent from {opened.start}")
        if opened.start != offset:  # the remote ignored the Range request: start over
            log.info("%s: remote does not resume; fetching from the start", rel)
            on_bytes(-offset)
        received = 0
        with open(part, "r+b" if part.exists() else "wb") as out:
            out.seek(opened.start)
            out.truncate()
            while chunk := _read_chunk(opened.stream):
                out.write(chunk)
                received += len(chunk)
                on_bytes(len(chunk))
    if opened.length is not None and received < opened.length:
        raise _Transient(f"connection closed after {received} of {opened.length} bytes")


def _read_chunk(stream: IO[bytes]) -> bytes:
    try:
        return stream.read(CHUNK)
    except (http.client.IncompleteRead, http.client.HTTPException, OSError) as e:
        raise _Transient(f"{type(e).__name__}: {e}") from e


def _read_all(stream: IO[bytes]) -> bytes:
    parts = []
    while chunk := _read_chunk(stream):
        parts.append(chunk)
    return b"".join(parts)


def _with_retries(fn: Callable[[], Any], what: str) -> Any:
    for attempt, delay in enumerate((*RETRY_DELAYS, None)):
        try:
            return fn()
        except _Transient as e:
            if delay is None:
                raise TransferError(f"{what}: failed {attempt + 1} times ({e})") from e
            log.warning("%s: %s; retrying in %.1fs", what, e, delay)
            time.sleep(delay)
    return None  # pragma: no cover - the loop returns or raises


def remote_for(uri: str) -> Remote:
    """The remote of a mirror URL or an fsspec location (a Hub repo needs a revision: download._open_remote)."""
    if uri.startswith(("http://", "https://")):
        return HttpRemote(uri)
    return FsspecRemote(uri)
