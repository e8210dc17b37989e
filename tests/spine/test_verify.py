"""`pajama manifest verify` catches tampering: flipped byte, missing shard, extra file, edited count."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pajama.build import config as config_mod
from pajama.build import plan as plan_mod
from pajama.build.driver import run
from pajama.jobs.local import LocalExecutor

from .helpers import pajama, write_config, write_corpus


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("verify")
    write_corpus(tmp / "in", files=2, per_file=10)
    cfg = write_config(tmp / "c.yaml", [str(tmp / "in" / "*")], tmp / "out")
    run(plan_mod.build(config_mod.load(cfg)), LocalExecutor(workers=1))
    return tmp / "out/t/1.0.0"


@pytest.fixture
def release(pristine: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "release"
    shutil.copytree(pristine, copy)
    return copy


def verify(release: Path) -> tuple[int, str]:
    proc = pajama("manifest", "verify", str(release))
    return proc.returncode, proc.stdout


def test_pristine_release_verifies(release: Path) -> None:
    assert verify(release) == (0, f"OK {release}: schema, checksums and accounting verified\n")


def test_flipped_byte_in_shard(release: Path) -> None:
    shard = release / "data/docs/part-00001.jsonl.zst"
    data = bytearray(shard.read_bytes())
    data[len(data) // 2] ^= 0x01
    shard.write_bytes(bytes(data))
    code, out = verify(release)
    assert code == 1
    assert "data/docs/part-00001.jsonl.zst: sha256 does not match" in out


def test_missing_shard(release: Path) -> None:
    (release / "data/docs/part-00002.jsonl.zst").unlink()
    code, out = verify(release)
    assert code == 1
    assert "data/docs/part-00002.jsonl.zst" in out and "missing" in out


def test_extra_file(release: Path) -> None:
    (release / "data/docs/part-00009.jsonl.zst").write_bytes(b"sneaky")
    code, out = verify(release)
    assert code == 1
    assert "data/docs/part-00009.jsonl.zst: extra file" in out


def test_edited_count(release: Path) -> None:
    path = release / "manifest.json"
    m = json.loads(path.read_text())
    m["sources"]["docs"]["kept"] += 1
    path.write_text(json.dumps(m))
    code, out = verify(release)
    assert code == 1
    assert "source docs: documents" in out and "kept" in out
    assert "manifest.json: sha256 does not match SHA256SUMS" in out


def test_edited_input_count(release: Path) -> None:
    path = release / "manifest.json"
    m = json.loads(path.read_text())
    m["inputs"][0]["records"] -= 1
    path.write_text(json.dumps(m))
    code, out = verify(release)
    assert code == 1
    assert f"input {m['inputs'][0]['uri']}: records" in out
