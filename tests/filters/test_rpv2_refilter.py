"""`pajama refilter` re-decides rpv2 bounds from the stored RP-v2 signals (spans included) like a full run."""

from __future__ import annotations

from pathlib import Path

from tests.spine.helpers import manifest, pajama, write_config, write_corpus


def _run(base: Path, name: str, low: int, signals: str) -> Path:
    filters = [{"rpv2": {"bounds": {"rps_doc_word_count": [low, None], "rps_lines_num_words": [None, 6]}}}]
    cfg = write_config(base / f"{name}.yaml", [str(base / "in" / "*")], base / name, filters, signals=signals)
    pajama("run", str(cfg), "--workers", "1", check=True)
    return base / name / "t/1.0.0"


def test_refilter_rpv2_bounds_equals_a_full_run(tmp_path: Path) -> None:
    signals = "separate"  # the signals Parquet: line spans stored as nested lists, nulls dropped on reading
    write_corpus(tmp_path / "in", files=1, per_file=30)
    old, full = _run(tmp_path, "old", 50, signals), _run(tmp_path, "full", 400, signals)
    out = tmp_path / "refiltered"
    new_bound = "sources.docs.filters.0.rpv2.bounds.rps_doc_word_count=[400, null]"
    proc = pajama("refilter", str(old), "--version", "1.1.0", "--output", str(out), "--set", new_bound)
    assert proc.returncode == 0, proc.stderr
    new, want = manifest(out / "t/1.1.0"), manifest(full)
    assert new["sources"]["docs"]["kept"] == want["sources"]["docs"]["kept"] < manifest(old)["sources"]["docs"]["kept"]
    assert new["release_digest"] == want["release_digest"]
    assert [s["dropped"] for s in new["stages"]] == [s["dropped"] for s in want["stages"]]
    assert set(want["stages"][0]["dropped"]) >= {"rpv2.min_rps_doc_word_count", "rpv2.max_rps_lines_num_words"}
