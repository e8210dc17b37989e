"""`pajama samples` is a thin entry point: the generators live in the checkout (examples/samples), not the wheel."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest

import pajama
from pajama.commands import samples

REPO = Path(__file__).resolve().parents[2]


def test_the_generators_are_not_in_the_package() -> None:
    assert not (Path(pajama.__file__).parent / "samples").exists()
    assert (REPO / "examples" / "samples" / "web.py").is_file()


def test_found_from_any_folder_through_the_checkout_pajama_runs_from(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert samples.checkout() == REPO


def test_without_a_checkout_it_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    wheel = tmp_path / "site-packages" / "pajama"  # where a wheel puts the package: no examples/ beside it
    wheel.mkdir(parents=True)
    monkeypatch.setattr(pajama, "__file__", str(wheel / "__init__.py"))
    monkeypatch.chdir(tmp_path)
    assert samples.main(argparse.Namespace(dir=str(tmp_path / "out"))) == 1
    err = capsys.readouterr().err
    assert "examples/samples/" in err and "Clone the pajama repository" in err
    assert not (tmp_path / "out").exists()
