"""`fineweb` and `c4` beside datatrove 0.10.1 on real extracted pages (benchmarks/compare_web.py).

Runs only when the peers virtualenv exists (benchmarks/peers_venv.sh) and ../shared/corpus is present;
a slice of the pages keeps it fast, `python -m benchmarks.compare_web` runs them all.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from benchmarks import compare_web


@pytest.fixture(scope="module")
def decisions(corpus: Path) -> tuple[dict, dict]:
    if not compare_web.PEERS_PYTHON.exists():
        pytest.skip(f"no peers virtualenv at {compare_web.PEERS_PYTHON} (benchmarks/peers_venv.sh makes it)")
    files = [p for p in compare_web.archives(corpus) if p.name.startswith("trafilatura-eval")]
    pages = compare_web.extract_pages(files, ["resiliparse"], limit=60)
    assert len(pages) == 60
    return compare_web.pajama_decisions(pages), compare_web.reference_decisions(pages)


def test_fineweb_makes_datatrove_decisions(decisions: tuple[dict, dict]) -> None:
    ours, theirs = decisions
    a = compare_web.agreement(ours, theirs, "fineweb")
    assert a["documents"] >= 55
    assert a["rate"] >= 0.98, a["disagreements"]
    assert a["same_reason"] >= a["agree"] - 1  # a drop is dropped for datatrove's reason


def test_c4_agrees_with_datatrove_run_with_the_paper_settings(decisions: tuple[dict, dict]) -> None:
    ours, theirs = decisions
    a = compare_web.agreement(ours, theirs, "c4")
    assert a["rate"] >= 0.98, a["disagreements"]
