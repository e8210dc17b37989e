"""Ed25519 signatures for releases (PyNaCl): `pajama manifest keygen | sign`, `verify --key`.

What is signed is a small statement naming the release and the sha256 of manifest.json and of
SHA256SUMS (without its manifest.sig line). manifest.json holds every data shard's digest and SHA256SUMS
every file's, so the one signature covers every byte of the release; `pajama manifest verify` checks the
files against SHA256SUMS, and `--key` checks the statement against the publisher's public key. After
signing, manifest.sig is added to SHA256SUMS, so `sha256sum -c` and verify see a complete release.

Key files are one line of base64 each: the 32-byte seed (private, written with mode 0600) and the
32-byte verify key (public, KEY.pub).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from typing import Any

import fsspec

from pajama.errors import ConfigError
from pajama.storage import atomic_write, join

SIG_FILE = "manifest.sig"
SUMS_FILE = "SHA256SUMS"
ALGORITHM = "ed25519"
STATEMENT = "pajama.signature/1"


def keygen(path: str) -> tuple[str, str]:
    """Write a new private key to `path` (mode 0600) and its public key to `path`.pub; return both paths."""
    from nacl.signing import SigningKey

    if os.path.exists(path):
        raise ConfigError("KEY", f"{path} exists; refusing to overwrite a key")
    key = SigningKey.generate()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(base64.b64encode(bytes(key)).decode() + "\n")
    with open(f"{path}.pub", "w") as f:
        f.write(base64.b64encode(bytes(key.verify_key)).decode() + "\n")
    return path, f"{path}.pub"


def _read_key(path: str, what: str) -> bytes:
    try:
        with open(path) as f:
            raw = base64.b64decode(f.read().strip(), validate=True)
    except OSError as e:
        raise ConfigError("--key", f"cannot read {what} key {path}: {e.strerror or e}") from None
    except ValueError:
        raise ConfigError("--key", f"{path} is not a base64 {what} key") from None
    if len(raw) != 32:
        raise ConfigError("--key", f"{path} is not an Ed25519 {what} key (expected 32 bytes, got {len(raw)})")
    return raw


def _read(release: str, name: str) -> bytes:
    with fsspec.open(join(release, name), "rb") as f:
        return f.read()  # type: ignore[no-any-return]


def _sums_without_sig(sums: bytes) -> bytes:
    lines = [
        line for line in sums.decode().splitlines(keepends=True) if line.rstrip("\n").split("  ", 1)[-1] != SIG_FILE
    ]
    return "".join(lines).encode()


def statement(release: str) -> dict[str, Any]:
    """What the signature covers: the release's name and the digests of manifest.json and SHA256SUMS."""
    manifest = _read(release, "manifest.json")
    info = json.loads(manifest)
    return {
        "statement": STATEMENT,
        "dataset": info.get("dataset"),
        "version": info.get("version"),
        "release_digest": info.get("release_digest"),
        "manifest.json": hashlib.sha256(manifest).hexdigest(),
        SUMS_FILE: hashlib.sha256(_sums_without_sig(_read(release, SUMS_FILE))).hexdigest(),
    }


def _canonical(value: dict[str, Any]) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":")).encode()


def sign(release: str, key_path: str) -> str:
    """Write manifest.sig for the release and list it in SHA256SUMS; returns the signature file's path."""
    from nacl.signing import SigningKey

    key = SigningKey(_read_key(key_path, "private"))
    signed = statement(release)
    doc = {
        "algorithm": ALGORITHM,
        "public_key": base64.b64encode(bytes(key.verify_key)).decode(),
        "signed": signed,
        "signature": base64.b64encode(key.sign(_canonical(signed)).signature).decode(),
    }
    body = (json.dumps(doc, indent=2) + "\n").encode()
    with atomic_write(join(release, SIG_FILE)) as f:
        f.write(body)
    sums = _sums_without_sig(_read(release, SUMS_FILE)).decode().splitlines(keepends=True)
    sums.append(f"{hashlib.sha256(body).hexdigest()}  {SIG_FILE}\n")
    with atomic_write(join(release, SUMS_FILE), "w") as f:
        f.writelines(sorted(sums, key=lambda line: line.rstrip("\n").split("  ", 1)[-1]))
    return join(release, SIG_FILE)


def verify_signature(release: str, public_key_path: str) -> list[str]:
    """Problems with the release's signature under this public key; empty when it verifies."""
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey

    key = VerifyKey(_read_key(public_key_path, "public"))
    try:
        doc = json.loads(_read(release, SIG_FILE))
        signature = base64.b64decode(doc["signature"], validate=True)
        signed = doc["signed"]
    except FileNotFoundError:
        return [f"{SIG_FILE}: missing (the release is not signed)"]
    except (ValueError, KeyError, TypeError) as e:
        return [f"{SIG_FILE}: unreadable ({type(e).__name__}: {e})"]
    if doc.get("algorithm") != ALGORITHM:
        return [f"{SIG_FILE}: algorithm {doc.get('algorithm')!r}, expected {ALGORITHM!r}"]
    try:
        key.verify(_canonical(signed), signature)
    except BadSignatureError:
        who = "a different key" if doc.get("public_key") != base64.b64encode(bytes(key)).decode() else "this key"
        return [f"{SIG_FILE}: the signature does not verify with {public_key_path} (signed by {who}, or edited)"]
    actual = statement(release)
    return [
        f"{SIG_FILE}: {k} is {actual.get(k)} now, {signed.get(k)} when signed"
        for k in sorted(set(actual) | set(signed))
        if actual.get(k) != signed.get(k)
    ]
