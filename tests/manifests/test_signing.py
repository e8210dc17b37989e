"""Ed25519 signatures: a signed release verifies with its key, and fails after any edit."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pajama.manifests.builder import write_sha256sums
from pajama.manifests.signing import keygen, sign, verify_signature
from pajama.manifests.verify import verify


@pytest.fixture
def signed(docs_v1: Path, tmp_path: Path) -> tuple[Path, str, str]:
    release = tmp_path / "release"
    shutil.copytree(docs_v1, release)
    private, public = keygen(str(tmp_path / "key"))
    sign(str(release), private)
    return release, private, public


def test_signed_release_verifies(signed: tuple[Path, str, str]) -> None:
    release, _, public = signed
    assert verify(str(release)) == []  # manifest.sig is listed in SHA256SUMS
    assert "manifest.sig" in (release / "SHA256SUMS").read_text()
    assert verify_signature(str(release), public) == []
    assert oct(os.stat(public[: -len(".pub")]).st_mode & 0o777) == "0o600"


def test_other_key_fails(signed: tuple[Path, str, str], tmp_path: Path) -> None:
    release, _, _ = signed
    _, other = keygen(str(tmp_path / "other"))
    assert verify_signature(str(release), other)


def _edit_manifest(release: Path) -> None:
    m = json.loads((release / "manifest.json").read_text())
    m["sources"]["docs"]["kept"] += 0  # same numbers, different bytes: any edit must fail
    (release / "manifest.json").write_text(json.dumps(m))


def _edit_data(release: Path) -> None:
    part = next((release / "data" / "docs").iterdir())
    part.write_bytes(part.read_bytes() + b"\0")


def _edit_readme(release: Path) -> None:
    with open(release / "README.md", "a") as f:
        f.write("\nedited\n")


def _edit_signature(release: Path) -> None:
    doc = json.loads((release / "manifest.sig").read_text())
    doc["signed"]["version"] = "9.9.9"
    (release / "manifest.sig").write_text(json.dumps(doc))


@pytest.mark.parametrize("edit", [_edit_manifest, _edit_data, _edit_readme, _edit_signature])
def test_any_edit_fails_even_with_resealed_sums(signed: tuple[Path, str, str], edit: object) -> None:
    release, _, public = signed
    edit(release)  # type: ignore[operator]
    assert verify(str(release)) or verify_signature(str(release), public)
    write_sha256sums(str(release))  # an editor who also rewrites SHA256SUMS ...
    assert verify_signature(str(release), public)  # ... still cannot forge the signature


def test_cli_sign_and_verify(docs_v1: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(docs_v1, release)
    env = dict(os.environ, PYTHONWARNINGS="ignore")

    def cli(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "pajama", "manifest", *args], capture_output=True, text=True, env=env
        )

    key = str(tmp_path / "pub-key")
    assert cli("keygen", key).returncode == 0
    assert cli("keygen", key).returncode == 2  # never overwrites a key
    assert cli("verify", str(release), "--key", key + ".pub").returncode == 1  # not signed yet
    assert cli("sign", str(release), "--key", key).returncode == 0
    ok = cli("verify", str(release), "--key", key + ".pub")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    _edit_readme(release)
    assert cli("sign", str(release), "--key", key).returncode == 1  # refuses to sign a release that fails verify
