"""Re-read one record's raw bytes from its input, for `pajama manifest trace`.

A record's origin is {uri, sha256, locator}. The input is found (its URI as recorded, else relative to
the given roots), its sha256 is checked against the digest the release recorded (an input that changed
since is never trusted), then the record is re-read by the reader that made it: the registry's reader of
that name, built with the source's options from the release's config, calls its own `reread(path,
locator)` (pajama.reader). A reader without one (a plugin that never wrote it) is said so, never guessed.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from pajama import options as options_mod
from pajama import registry
from pajama.errors import ConfigError, InputError
from pajama.raw import RawRecord
from pajama.reader import Rereads
from pajama.storage import is_remote, local_path, sha256_file, tree_digest


@dataclass
class Reread:
    """The outcome: status is ok | unreachable | digest_mismatch | not_found | unsupported | error."""

    status: str
    message: str
    path: str | None = None
    raw: RawRecord | None = None


def candidates(uri: str, roots: Iterable[str] = ()) -> list[str]:
    """Where the input may be: its URI as recorded, or a relative path below one of `roots`, then here."""
    if is_remote(uri):
        return [uri]
    path = local_path(uri) or uri
    if os.path.isabs(path):
        return [path] if os.path.exists(path) else []
    found = (os.path.join(root, path) for root in (*roots, os.getcwd()))
    return list(dict.fromkeys(os.path.abspath(c) for c in found if os.path.exists(c)))


def input_digest(path: str) -> str:
    if not is_remote(path) and os.path.isdir(path):
        return tree_digest(path)[0]
    return sha256_file(path)[0]


def reread(
    reader: str,
    origin: dict[str, Any],
    *,
    roots: Iterable[str] = (),
    check_digest: bool = True,
    hints: dict[str, Any] | None = None,
    options: dict[str, Any] | None = None,
) -> Reread:
    """Find the input (the first candidate with the recorded sha256), re-read the record at its locator.

    `options` are the source's reader options as the release recorded them; `hints` fill locator keys
    the reader did not record (the commit of a bare repository's file)."""
    try:
        rereader = _rereader(reader, options or {})
    except ConfigError as e:
        return Reread("unsupported", f"reader {reader!r}: {e}")
    if rereader is None:
        return Reread("unsupported", f"reader {reader!r} cannot re-read a record (it has no reread method)")
    uri, expected = origin.get("uri") or "", origin.get("sha256")
    locator = {**(hints or {}), **(origin.get("locator") or {})}
    found = candidates(uri, roots)
    if not found:
        return Reread("unreachable", f"{uri}: not found (pass --root DIR, the folder the release was built from)")
    path = found[0]
    try:
        if check_digest and expected:
            digests = {}
            for candidate in found:
                digests[candidate] = input_digest(candidate)
                if digests[candidate] == expected:
                    path = candidate
                    break
            else:
                return Reread("digest_mismatch", f"{path}: sha256 {digests[path]} != {expected} recorded", path)
        raw = rereader.reread(path, locator)
    except FileNotFoundError as e:
        return Reread("unreachable", f"{path}: {e}", path)
    except LookupError as e:
        return Reread("not_found", f"{path}: {e.args[0] if e.args else e}", path)
    except (InputError, OSError, ValueError) as e:
        return Reread("error", f"{path}: {type(e).__name__}: {e}", path)
    checked = "verified" if check_digest and expected else "not checked"
    return Reread("ok", f"re-read from {path} (sha256 {checked})", path, raw)


def _rereader(name: str, options: dict[str, Any]) -> Rereads | None:
    """The registered reader `name`, built with the recorded options, when it can re-read its records."""
    cls = registry.get_reader(name, "reader")
    if not callable(getattr(cls, "reread", None)):
        return None
    reader: object = options_mod.build(cls, options, "reader.options")
    return reader if isinstance(reader, Rereads) else None
