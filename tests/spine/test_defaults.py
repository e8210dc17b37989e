"""Defaults that say what they do (issue 23, item 7): Beam uses every core unless --workers says otherwise,
and `download` fetches the data, manifest and card unless --kind asks for more."""

from __future__ import annotations

import os
from pathlib import Path

from pajama.download import download
from pajama.manifests.verify import verify

from .helpers import manifest, pajama, write_config, write_corpus


def test_beam_defaults_to_all_cores() -> None:
    from pajama.jobs.beam import BeamExecutor  # apache_beam itself is imported only when a pipeline runs

    assert BeamExecutor().workers == (os.cpu_count() or 1)  # was 1: DirectRunner then ran in one process
    assert BeamExecutor(workers=1).workers == 1


def test_download_defaults_to_data_and_kind_all_fetches_everything(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", files=2, per_file=20)
    filters = [{"min_length": {"min_words": 200}}]
    extra = {"signals": "separate", "dedup": {"exact": True, "minhash": True}}
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out", filters, **extra)
    pajama("run", str(cfg), "--workers", "1", check=True)
    release = tmp_path / "out/t/1.0.0"
    kinds = {s["kind"] for s in manifest(release)["shards"]}
    assert {"data", "rejected", "signals", "minhash"} <= kinds
    got = download(str(release), tmp_path / "dl")
    top = {p.relative_to(tmp_path / "dl").parts[0] for p in (tmp_path / "dl").rglob("*") if p.is_file()}
    # data and the lookup index (index/, for `pajama query`) by default; rejected/, signals/, minhash/ on request
    assert top == {"data", "index", "manifest.json", "SHA256SUMS", "README.md", "report.html"} and got.subset
    every = download(str(release), tmp_path / "all", kinds=["all"])
    assert not every.subset and verify(str(tmp_path / "all")) == []
