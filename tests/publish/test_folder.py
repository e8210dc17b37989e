"""Folder-to-folder publish and download round trips, and what publish refuses."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml

from pajama.cli import main as cli
from pajama.download import download
from pajama.errors import CheckFailed
from pajama.manifests.verify import verify
from pajama.publish import publish

from .conftest import release_files


def test_folder_round_trip(release: Path, tmp_path: Path) -> None:
    target, dest = tmp_path / "home", tmp_path / "dl"
    result = publish(str(release), str(target))
    assert not result.already
    original = release_files(release)
    assert result.files == len(original)
    assert release_files(target / "1.0.0") == original
    assert verify(str(target / "1.0.0")) == []

    index = json.loads((target / "versions.json").read_text())
    manifest = json.loads((release / "manifest.json").read_text())
    assert index["latest"] == "1.0.0"
    assert index["versions"]["1.0.0"]["release_digest"] == manifest["release_digest"]
    card = (target / "README.md").read_text()
    front = yaml.safe_load(card.split("---\n")[1])
    # JSON shards: one config per source (their meta keys differ), each pointing into the version folder.
    own = yaml.safe_load((release / "README.md").read_text().split("---\n")[1])
    paths = {c["config_name"]: [e["path"] for e in c["data_files"]] for c in own["configs"]}
    assert set(paths) == set(manifest["sources"])
    assert {c["config_name"]: [e["path"] for e in c["data_files"]] for c in front["configs"]} == {
        source: [f"1.0.0/{p}" for p in ps] for source, ps in paths.items()
    }

    got = download(str(target), dest)
    assert not got.subset
    assert release_files(dest) == original
    assert verify(str(dest)) == []
    assert not (dest / ".pajama-download").exists()


def test_publish_refuses_a_release_that_fails_verify(
    release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad"
    shutil.copytree(release, bad)
    shard = next((bad / "data" / "docs").iterdir())
    data = bytearray(shard.read_bytes())
    data[-10] ^= 0x01
    shard.write_bytes(bytes(data))
    code = cli(["publish", str(bad), "--to", str(tmp_path / "home")])
    assert code == 1
    assert shard.name in capsys.readouterr().err
    assert not (tmp_path / "home").exists()


def test_same_release_is_a_no_op_and_a_version_is_immutable(release: Path, other_release: Path, tmp_path: Path) -> None:
    target = tmp_path / "home"
    publish(str(release), str(target))
    before = release_files(target)
    assert publish(str(release), str(target)).already
    with pytest.raises(CheckFailed, match="already published"):
        publish(str(other_release), str(target))
    assert release_files(target) == before


def test_second_version_becomes_latest(release: Path, next_release: Path, tmp_path: Path) -> None:
    target = tmp_path / "home"
    publish(str(release), str(target))
    publish(str(next_release), str(target))
    index = json.loads((target / "versions.json").read_text())
    assert list(index["versions"]) == ["1.0.0", "1.1.0"] and index["latest"] == "1.1.0"
    assert "1.1.0/data/" in (target / "README.md").read_text()

    latest = download(str(target), tmp_path / "latest")
    assert latest.manifest["version"] == "1.1.0"
    assert release_files(tmp_path / "latest") == release_files(next_release)
    download(str(target), tmp_path / "old", version="1.0.0")
    assert release_files(tmp_path / "old") == release_files(release)
    assert cli(["download", str(target), "--to", str(tmp_path / "x"), "--version", "2.0.0"]) == 2


def test_a_stale_file_of_another_release_is_overwritten(release: Path, tmp_path: Path) -> None:
    """A file already at the target under the same name and size, left by some other publish, is replaced."""
    target = tmp_path / "home"
    shard = "data/docs/part-00000.jsonl.zst"
    stale = target / "1.0.0" / shard
    stale.parent.mkdir(parents=True)
    stale.write_bytes(b"\0" * (release / shard).stat().st_size)
    publish(str(release), str(target))
    assert stale.read_bytes() == (release / shard).read_bytes()


def test_parquet_card_keeps_one_config(parquet_release: Path, tmp_path: Path) -> None:
    """Parquet shards share one schema, so the root card keeps a single config with a split per source."""
    publish(str(parquet_release), str(tmp_path / "home"))
    front = yaml.safe_load((tmp_path / "home" / "README.md").read_text().split("---\n")[1])
    own = yaml.safe_load((parquet_release / "README.md").read_text().split("---\n")[1])
    assert [c["config_name"] for c in front["configs"]] == ["default"]
    expected = [{**e, "path": f"1.0.0/{e['path']}"} for c in own["configs"] for e in c["data_files"]]
    assert front["configs"][0]["data_files"] == expected
