"""A published copy holds what its license policy allows (issue 21), and a release signed after it was
published gets its signature there (issue 23, item 5)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import zstandard

from pajama.cli import main as cli
from pajama.download import download
from pajama.manifests.signing import keygen, sign, verify_signature
from pajama.manifests.verify import verify
from pajama.publish import publish
from pajama.shardio import read_shard

from .conftest import build_release, release_files
from .hubserver import FakeHub

URI = "hf://datasets/acme/audited"


@pytest.fixture(scope="module")
def audited(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release with rejected/, signals/ and minhash/, whose snapshot source is dropped by its license rule."""
    return build_release(
        tmp_path_factory.mktemp("audited"),
        "jsonl.zst",
        "rejected=true",
        "signals=separate",
        "dedup={exact: true, minhash: true}",
        "sources.snapshot.license={allow: [PSF-2.0]}",
    )


def _rejected(folder: Path) -> list[dict]:
    return [r for p in sorted((folder / "rejected").rglob("*.zst")) for r in read_shard(str(p))]


def _license_drops(release: Path) -> int:
    m = json.loads((release / "manifest.json").read_text())
    return sum(n for src in m["sources"].values() for r, n in src["dropped"].items() if r.startswith("license."))


def test_default_publish_leaves_out_rejected_signals_minhash(audited: Path, tmp_path: Path) -> None:
    kinds = {s["kind"] for s in json.loads((audited / "manifest.json").read_text())["shards"]}
    assert {"data", "rejected", "signals", "minhash"} <= kinds and _license_drops(audited) > 0
    result = publish(str(audited), str(tmp_path / "home"))
    copy = tmp_path / "home/1.0.0"
    assert not any((copy / kind).exists() for kind in ("rejected", "signals", "minhash"))
    record = json.loads((copy / "PUBLISHED.json").read_text())
    assert record == result.withheld and record["release_digest"] in (copy / "manifest.json").read_text()
    assert {e["kind"] for e in record["withheld_files"]} == {"rejected", "signals", "minhash"}
    assert verify(str(copy)) == []
    got = download(str(tmp_path / "home"), tmp_path / "dl")
    assert {p.split("/")[0] for p in release_files(tmp_path / "dl")} == {
        "data",
        "index",  # the lookup index for `pajama query` (ids, hashes and reasons; no text)
        "manifest.json",
        "SHA256SUMS",
        "README.md",
        "report.html",
        "PUBLISHED.json",
    }
    assert got.subset


def test_rejected_on_request_never_holds_license_drops(
    audited: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(["publish", str(audited), "--to", str(tmp_path / "home"), "--include", "rejected"]) == 0
    out = capsys.readouterr().out
    copy = tmp_path / "home/1.0.0"
    reasons = [r["rejected"]["reason"] for r in _rejected(copy)]
    assert reasons and not [r for r in reasons if r.startswith("license.")]
    assert [r for r in _rejected(audited) if r["rejected"]["reason"].startswith("license.")]
    record = json.loads((copy / "PUBLISHED.json").read_text())
    assert sum(record["withheld_license_documents"].values()) == _license_drops(audited)
    assert f"withheld: {_license_drops(audited)} license-dropped document(s)" in out
    assert verify(str(copy)) == []
    dl = download(str(tmp_path / "home"), tmp_path / "dl", kinds=["rejected"])
    assert [r["id"] for r in _rejected(tmp_path / "dl")] == [r["id"] for r in _rejected(copy)]
    assert dl.subset


def test_license_rejected_only_when_named(audited: Path, tmp_path: Path) -> None:
    args = ["publish", str(audited), "--to", str(tmp_path / "home"), "--include", "rejected"]
    assert cli([*args, "--include-license-rejected", "--include", "signals", "--include", "minhash"]) == 0
    copy = tmp_path / "home/1.0.0"
    assert release_files(copy) == release_files(audited)  # everything, byte for byte, and no record
    assert verify(str(copy)) == []


def test_hub_copy_withholds_too(audited: Path, hub: FakeHub) -> None:
    publish(str(audited), URI, include=["rejected"])
    tagged = set(hub.files("acme/audited", "v1.0.0"))
    assert "1.0.0/PUBLISHED.json" in tagged
    assert not [p for p in tagged if p.startswith(("1.0.0/signals/", "1.0.0/minhash/"))]
    rejected = [p for p in tagged if p.startswith("1.0.0/rejected/")]
    assert rejected
    for p in rejected:
        body = hub.read("acme/audited", p, "v1.0.0")
        assert b'"reason":"license.' not in zstandard.ZstdDecompressor().decompress(body, 1 << 26)


def _signed_copy(audited: Path, tmp_path: Path) -> tuple[Path, str]:
    import shutil

    release = tmp_path / "release"
    shutil.copytree(audited, release)
    _, pub = keygen(str(tmp_path / "key"))
    return release, pub


def test_signing_after_publishing_updates_the_published_version(audited: Path, tmp_path: Path) -> None:
    release, pub = _signed_copy(audited, tmp_path)
    home = tmp_path / "home"
    publish(str(release), str(home))
    assert not (home / "1.0.0/manifest.sig").exists()
    sign(str(release), str(tmp_path / "key"))
    result = publish(str(release), str(home))
    assert result.already and set(result.updated) == {"manifest.sig", "SHA256SUMS"}
    assert verify_signature(str(home / "1.0.0"), pub) == [] and verify(str(home / "1.0.0")) == []
    assert publish(str(release), str(home)).updated == ()  # nothing left to bring up to date


def test_signing_after_publishing_to_the_hub_moves_the_tag(audited: Path, hub: FakeHub, tmp_path: Path) -> None:
    release, pub = _signed_copy(audited, tmp_path)
    publish(str(release), URI)
    first = hub.repos["acme/audited"].tags["v1.0.0"]
    sign(str(release), str(tmp_path / "key"))
    assert publish(str(release), URI).updated == ("manifest.sig", "SHA256SUMS")
    assert hub.repos["acme/audited"].tags["v1.0.0"] != first
    download(URI, tmp_path / "dl", version="1.0.0")
    assert verify_signature(str(tmp_path / "dl"), pub) == []


def test_datasheet_that_changes_nothing_keeps_the_signature(
    audited: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    release, pub = _signed_copy(audited, tmp_path)
    sign(str(release), str(tmp_path / "key"))
    sums = (release / "SHA256SUMS").read_bytes()
    assert cli(["manifest", "datasheet", str(release)]) == 0
    out = capsys.readouterr().out
    assert "sign it again" not in out and "unchanged" in out
    assert (release / "SHA256SUMS").read_bytes() == sums
    assert verify_signature(str(release), pub) == []
