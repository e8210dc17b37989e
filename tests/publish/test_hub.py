"""Publish to and download from a loopback Hub through huggingface_hub (HF_ENDPOINT points at the server)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pajama.cli import main as cli
from pajama.download import download
from pajama.errors import CheckFailed
from pajama.manifests.verify import verify
from pajama.publish import publish

from .conftest import release_files
from .hubserver import FakeHub

REPO = "acme/tiny"
URI = f"hf://datasets/{REPO}"


def test_publish_then_download(release: Path, hub: FakeHub, tmp_path: Path) -> None:
    result = publish(str(release), URI)
    assert not result.already
    original = release_files(release)
    tagged = hub.files(REPO, "v1.0.0")
    assert {p for p in tagged if p.startswith("1.0.0/")} == {f"1.0.0/{rel}" for rel in original}
    for rel, data in original.items():
        assert hub.read(REPO, f"1.0.0/{rel}", "v1.0.0") == data, rel
    assert hub.repos[REPO].tags["v1.0.0"] == hub.repos[REPO].branches["main"]
    front = yaml.safe_load(hub.read(REPO, "README.md").decode().split("---\n")[1])
    paths = [entry["path"] for config in front["configs"] for entry in config["data_files"]]
    assert paths and all(p.startswith("1.0.0/data/") for p in paths)
    index = json.loads(hub.read(REPO, "versions.json"))
    assert index["latest"] == "1.0.0"
    called = {path.split("/")[-2] for method, path in hub.log if method == "POST" and path.startswith("/api/datasets")}
    assert {"preupload", "commit", "tag"} <= called

    got = download(URI, tmp_path / "dl")
    assert not got.subset
    assert release_files(tmp_path / "dl") == original
    assert verify(str(tmp_path / "dl")) == []
    commit = hub.repos[REPO].tags["v1.0.0"]
    resolved = {p for m, p in hub.log if m == "GET" and "/resolve/" in p}
    assert all(f"/resolve/{commit}/" in p for p in resolved if "/1.0.0/data/" in p)  # pinned to the tag's commit


def test_versions_on_the_hub(
    release: Path, next_release: Path, other_release: Path, hub: FakeHub, tmp_path: Path
) -> None:
    publish(str(release), URI)
    publish(str(next_release), URI)
    assert set(hub.repos[REPO].tags) == {"v1.0.0", "v1.1.0"}
    assert download(URI, tmp_path / "latest").manifest["version"] == "1.1.0"
    assert release_files(tmp_path / "latest") == release_files(next_release)
    download(URI, tmp_path / "old", version="1.0.0", sources=["snapshot"])
    wanted = {p for p in release_files(release) if p.startswith("data/snapshot/")}
    assert {p for p in release_files(tmp_path / "old") if "/" in p} == wanted
    pinned = download(f"{URI}@v1.0.0", tmp_path / "pinned", kinds=["data"])
    assert pinned.manifest["release_digest"] == json.loads((release / "manifest.json").read_text())["release_digest"]
    commits = len(hub.repos[REPO].commits)
    assert publish(str(release), URI).already
    with pytest.raises(CheckFailed, match="already published"):
        publish(str(other_release), URI)
    assert len(hub.repos[REPO].commits) == commits


def test_publish_needs_a_valid_token(release: Path, hub: FakeHub, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "hf_wrong")
    assert cli(["publish", str(release), "--to", URI]) == 1
    assert REPO not in hub.repos


def test_lfs_upload_and_download_through_the_cli(release: Path, tmp_path: Path) -> None:
    """The git-LFS path (preupload says "lfs", batch API, basic PUT), in a subprocess so that
    HF_HUB_DISABLE_XET is read when huggingface_hub is imported. Then a subset download."""
    with FakeHub(lfs_threshold=4096) as hub:
        env = {
            **os.environ,
            "HF_ENDPOINT": hub.url,
            "HF_TOKEN": hub.token,
            "HF_HUB_DISABLE_XET": "1",
            "HF_HOME": str(tmp_path / "hf"),
            "HF_XET_CACHE": str(tmp_path / "hf" / "xet"),
            "HF_HUB_DISABLE_PROGRESS_BARS": "1",
        }
        env.pop("HF_HUB_OFFLINE", None)

        def pajama(*args: str) -> subprocess.CompletedProcess[str]:
            cmd = [sys.executable, "-m", "pajama", *args]
            return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300, check=False)

        proc = pajama("publish", str(release), "--to", URI)
        assert proc.returncode == 0, proc.stderr
        big = {rel: data for rel, data in release_files(release).items() if len(data) >= 4096}
        assert big
        tagged = hub.files(REPO, "v1.0.0")
        for rel, data in big.items():
            assert tagged[f"1.0.0/{rel}"].lfs and hub.lfs[tagged[f"1.0.0/{rel}"].sha256] == data
        assert any(m == "PUT" and p.startswith("/lfs/") for m, p in hub.log)

        proc = pajama("download", URI, "--to", str(tmp_path / "dl"), "--source", "docs")
        assert proc.returncode == 0, proc.stderr
        manifest = json.loads((release / "manifest.json").read_text())
        docs = {s["path"] for s in manifest["shards"] if s["source"] == "docs"}
        assert {p for p in release_files(tmp_path / "dl") if "/" in p} == docs
        for rel in docs:
            assert (tmp_path / "dl" / rel).read_bytes() == (release / rel).read_bytes()
        assert any(m == "GET" and p.startswith("/lfs/") for m, p in hub.log)  # LFS files came through the redirect
