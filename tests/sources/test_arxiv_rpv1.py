"""The arxiv reader beside RedPajama-v1's own cleaner on the real submissions of ../shared/corpus.

Runs when the RP-v1 copy in ../shared/reference is importable (it imports fasttext); skips cleanly
otherwise. `python -m benchmarks.compare_arxiv` prints the same table.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from benchmarks import compare_arxiv


@pytest.fixture(scope="module")
def rows(corpus: Path) -> list[dict[str, Any]]:
    cleaner = compare_arxiv.rp_v1_cleaner()
    if cleaner is None:
        pytest.skip(f"RedPajama-v1 arXiv cleaner not importable from {compare_arxiv.REFERENCE}")
    files = sorted(p for p in (corpus / "arxiv" / "src").iterdir() if p.is_file())
    return [compare_arxiv.compare(cleaner, p) for p in files]


def test_same_keep_or_drop_where_rp_v1_can_read_the_submission(rows: list[dict[str, Any]]) -> None:
    readable = [r for r in rows if not r["rp_v1_unreadable"]]
    assert len(readable) >= 8
    differ = [r["submission"] for r in readable if r["rp_v1_kept"] != r["pajama_kept"]]
    assert len(differ) <= 1, differ
    # RP-v1 gives up on a file that is not UTF-8; pajama reads it as latin-1 and keeps the paper
    assert all(r["pajama_kept"] for r in rows if r["rp_v1_unreadable"])


def test_rp_v1s_lines_are_in_pajamas_text(rows: list[dict[str, Any]]) -> None:
    kept = [r for r in rows if r["rp_v1_kept"] and r["pajama_kept"]]
    assert len(kept) >= 5
    low = [(r["submission"], round(r["coverage"], 3)) for r in kept if r["coverage"] < 0.9]
    assert not low
    assert sum(r["coverage"] for r in kept) / len(kept) >= 0.95


def test_the_paper_alone_leaves_out_what_no_root_includes(corpus: Path) -> None:
    cleaner = compare_arxiv.rp_v1_cleaner()
    if cleaner is None:
        pytest.skip("RedPajama-v1 arXiv cleaner not importable")
    # yellowpaper.tar.gz ships JS.tex, a file with sections that Paper.tex does not include
    path = corpus / "arxiv" / "src" / "yellowpaper.tar.gz"
    alone = compare_arxiv.compare(cleaner, path, "skip")
    appended = compare_arxiv.compare(cleaner, path)
    assert alone["main"] == appended["main"] == "Paper.tex"
    assert 0.8 < alone["coverage"] < 0.9 < 0.95 <= appended["coverage"]
