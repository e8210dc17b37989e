"""`pajama refilter` from stored signals gives the same data as a full run with the same thresholds."""

from __future__ import annotations

from pathlib import Path

import pytest

from .helpers import manifest, pajama, write_config, write_corpus


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("refilter")
    write_corpus(tmp / "in", files=2, per_file=40)
    return tmp


def _full(base: Path, name: str, min_words: int, signals: str) -> Path:
    filters = [{"min_length": {"min_words": min_words}}, {"gopher_repetition": {}}]
    cfg = write_config(base / f"{name}.yaml", [str(base / "in" / "*")], base / name, filters, signals=signals)
    pajama("run", str(cfg), "--workers", "1", check=True)
    return base / name / "t/1.0.0"


@pytest.mark.parametrize("signals", ["inline", "separate"])
@pytest.mark.parametrize("new_min", [150, 20])  # tighter, then looser (documents come back from rejected/)
def test_refilter_equals_full_run(base: Path, signals: str, new_min: int) -> None:
    old = _full(base, f"old-{signals}-{new_min}", 60, signals)
    target = _full(base, f"full-{signals}-{new_min}", new_min, signals)
    out = base / f"refiltered-{signals}-{new_min}"
    proc = pajama(
        "refilter",
        str(old),
        "--version",
        "1.1.0",
        "--output",
        str(out),
        "--set",
        f"sources.docs.filters.0.min_length.min_words={new_min}",
    )
    assert proc.returncode == 0, proc.stderr
    new = manifest(out / "t/1.1.0")
    full = manifest(target)
    assert new["parent"] == "1.0.0"
    assert new["sources"]["docs"]["kept"] != manifest(old)["sources"]["docs"]["kept"]  # the threshold mattered
    assert new["release_digest"] == full["release_digest"]
    assert new["sources"]["docs"]["kept"] == full["sources"]["docs"]["kept"]
    assert new["sources"]["docs"]["dropped"] == full["sources"]["docs"]["dropped"]
    assert [(s["name"], s["in"], s["out"]) for s in new["stages"]] == [
        (s["name"], s["in"], s["out"]) for s in full["stages"]
    ]
    assert pajama("manifest", "verify", str(out / "t/1.1.0")).returncode == 0


def test_refilter_rejects_a_changed_filter_list(base: Path) -> None:
    old = _full(base, "old-list", 60, "inline")
    proc = pajama(
        "refilter",
        str(old),
        "--version",
        "1.1.0",
        "--output",
        str(base / "x"),
        "--set",
        "sources.docs.filters.1={min_length: {}}",
    )
    assert proc.returncode == 2
    assert "sources.docs.filters" in proc.stderr
