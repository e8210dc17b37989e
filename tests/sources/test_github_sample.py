"""The quickstart code sample: a deterministic repository folder and its tarball, read as one repository."""

from __future__ import annotations

import os
from pathlib import Path

from examples.samples import code as sample
from pajama.record import Doc
from pajama.sources.github import GitHubReader
from pajama.storage import InputFile


def test_sample_repository_forms_agree(tmp_path: Path) -> None:
    sample.build(tmp_path / "a")
    sample.build(tmp_path / "b")
    tarball = tmp_path / "a" / "code" / f"{sample.REPO}.tar.gz"
    assert tarball.read_bytes() == (tmp_path / "b" / "code" / f"{sample.REPO}.tar.gz").read_bytes()
    folder = tmp_path / "a" / "code" / "repos" / sample.REPO
    reader = GitHubReader()
    from_tar = [d for d in reader.read(InputFile(str(tarball), tarball.name, "code")) if isinstance(d, Doc)]
    from_dir = [d for d in reader.read(InputFile(str(folder), sample.REPO, "code", is_dir=True)) if isinstance(d, Doc)]
    files = sorted(os.path.relpath(os.path.join(r, f), folder) for r, _, fs in os.walk(folder) for f in fs)
    assert [d.meta["path"] for d in from_tar] == files
    assert [(d.key, d.text) for d in from_tar] == [(d.key, d.text) for d in from_dir]
    assert {d.meta["repo"] for d in from_tar} == {"python/stdlib-sample"}
    assert {d.meta["license"] for d in from_tar} == {"Python-2.0"}  # the PSF license stack, found in LICENSE
