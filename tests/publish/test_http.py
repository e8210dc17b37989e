"""Downloads from a real HTTP server on loopback: resume, corruption, subsets, Range-less servers."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from pajama.cli import main as cli
from pajama.download import download
from pajama.manifests.verify import verify
from pajama.publish import publish

from .conftest import release_files
from .fileserver import FileServer


def serve(release: Path, server: FileServer) -> str:
    """Publish the release into the server's folder; returns the dataset's home URL."""
    publish(str(release), str(server.root / "tiny"))
    return server.url("tiny/")


def biggest_shard(release: Path) -> dict:
    shards = json.loads((release / "manifest.json").read_text())["shards"]
    return max(shards, key=lambda s: s["bytes"])


def test_full_download_fetches_each_file_once(release: Path, file_server: FileServer, tmp_path: Path) -> None:
    url = serve(release, file_server)
    result = download(url, tmp_path / "dl")
    original = release_files(release)
    assert release_files(tmp_path / "dl") == original
    assert verify(str(tmp_path / "dl")) == []
    for rel in original:
        assert len(file_server.gets(f"tiny/1.0.0/{rel}")) == 1, rel
    assert result.fetched_bytes == sum(len(v) for k, v in original.items() if k not in ("manifest.json", "SHA256SUMS"))


def test_interrupted_transfer_resumes_with_a_range_request(
    release: Path, file_server: FileServer, tmp_path: Path
) -> None:
    url = serve(release, file_server)
    shard = biggest_shard(release)
    path = f"tiny/1.0.0/{shard['path']}"
    cut = shard["bytes"] // 3
    file_server.drop_once[path] = cut
    download(url, tmp_path / "dl")
    assert file_server.gets(path) == [None, f"bytes={cut}-"]
    assert (tmp_path / "dl" / shard["path"]).read_bytes() == (release / shard["path"]).read_bytes()


def test_part_file_of_an_earlier_run_is_resumed(release: Path, file_server: FileServer, tmp_path: Path) -> None:
    url = serve(release, file_server)
    shard = biggest_shard(release)
    data = (release / shard["path"]).read_bytes()
    half = len(data) // 2
    part = tmp_path / "dl" / ".pajama-download" / f"{shard['path']}.part"
    part.parent.mkdir(parents=True)
    part.write_bytes(data[:half])
    download(url, tmp_path / "dl")
    assert file_server.gets(f"tiny/1.0.0/{shard['path']}") == [f"bytes={half}-"]
    assert (tmp_path / "dl" / shard["path"]).read_bytes() == data
    assert not part.exists()


def test_server_ignoring_range_gets_a_full_fetch(release: Path, file_server: FileServer, tmp_path: Path) -> None:
    url = serve(release, file_server)
    shard = biggest_shard(release)
    path = f"tiny/1.0.0/{shard['path']}"
    file_server.ignore_range = True
    file_server.drop_once[path] = shard["bytes"] // 2
    download(url, tmp_path / "dl")
    assert len(file_server.gets(path)) == 2
    assert verify(str(tmp_path / "dl")) == []


def test_corrupted_once_is_fetched_again(release: Path, file_server: FileServer, tmp_path: Path) -> None:
    url = serve(release, file_server)
    shard = biggest_shard(release)
    path = f"tiny/1.0.0/{shard['path']}"
    file_server.corrupt[path] = 1
    download(url, tmp_path / "dl")
    assert file_server.gets(path) == [None, None]
    assert verify(str(tmp_path / "dl")) == []


def test_corrupted_file_is_detected_and_never_kept(
    release: Path, file_server: FileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(release, file_server)
    shard = biggest_shard(release)
    path = f"tiny/1.0.0/{shard['path']}"
    file_server.corrupt[path] = -1
    dest = tmp_path / "dl"
    assert cli(["download", url, "--to", str(dest)]) == 1
    err = capsys.readouterr().err
    assert shard["path"] in err and "does not match" in err
    assert len(file_server.gets(path)) == 2  # fetched, then re-fetched once
    assert not (dest / shard["path"]).exists()
    assert not (dest / ".pajama-download" / f"{shard['path']}.part").exists()
    assert not (dest / "manifest.json").exists()  # an unfinished download has no manifest


def test_subset_by_source(
    release: Path, file_server: FileServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = serve(release, file_server)
    dest = tmp_path / "dl"
    assert cli(["download", url, "--to", str(dest), "--source", "docs", "--kind", "data"]) == 0
    assert "subset verified" in capsys.readouterr().out
    shards = json.loads((release / "manifest.json").read_text())["shards"]
    wanted = {s["path"] for s in shards if s["source"] == "docs" and s["kind"] == "data"}
    left_out = {s["path"] for s in shards} - wanted
    fetched = {p.removeprefix("tiny/1.0.0/") for p in file_server.requested() if p.startswith("tiny/1.0.0/")}
    assert wanted <= fetched and not fetched & left_out
    assert set(release_files(dest)) == wanted | {"manifest.json", "SHA256SUMS", "README.md", "report.html"}
    # The full verify sees exactly the files left out as missing (index/ covers every source: left out too).
    missing = {p.split(":")[0] for p in verify(str(dest)) if "missing" in p}
    index = {p.relative_to(release).as_posix() for p in (release / "index").iterdir()}
    assert missing == left_out | index


def test_subset_by_shard_pattern(release: Path, file_server: FileServer, tmp_path: Path) -> None:
    url = serve(release, file_server)
    result = download(url, tmp_path / "dl", patterns=["data/*/part-00000*"])
    assert result.subset
    got = {p for p in release_files(tmp_path / "dl") if p.startswith(("data/", "rejected/"))}
    assert got == {"data/docs/part-00000.jsonl.zst", "data/snapshot/part-00000.jsonl.zst"}


def test_release_url_and_bad_choices(release: Path, file_server: FileServer, tmp_path: Path) -> None:
    shutil.copytree(release, file_server.root / "rel")
    result = download(file_server.url("rel/"), tmp_path / "dl", version="1.0.0")  # the release folder itself
    assert release_files(tmp_path / "dl") == release_files(release)
    url = file_server.url("rel/")
    assert cli(["download", url, "--to", str(tmp_path / "a"), "--version", "0.9.0"]) == 2
    assert cli(["download", url, "--to", str(tmp_path / "b"), "--source", "nope"]) == 2
    assert cli(["download", url, "--to", str(tmp_path / "c"), "--shards", "nothing/*"]) == 2
    assert result.manifest["version"] == "1.0.0"


def test_a_folder_holding_another_release_is_refused(
    release: Path, next_release: Path, file_server: FileServer, tmp_path: Path
) -> None:
    shutil.copytree(next_release, tmp_path / "dl")
    shutil.copytree(release, file_server.root / "rel")
    assert cli(["download", file_server.url("rel/"), "--to", str(tmp_path / "dl")]) == 2
    assert release_files(tmp_path / "dl") == release_files(next_release)
