"""report.html: no "largest None", no cut or overlapping axis labels (issue 23, item 7).

Text extents are estimated with the same per-character width the charts use; the page was also checked
by eye in headless Chromium (see the note of the change)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pajama.manifests.report import render_report
from pajama.manifests.svg import Row, Segment, hbars, text_width, vbars


def _texts(svg: str) -> list[tuple[float, float, str, str, str]]:
    out = []
    for m in re.finditer(r'<text x="([\d.]+)" y="([\d.]+)" text-anchor="(\w+)"([^>]*)>([^<]*)', svg):
        out.append((float(m[1]), float(m[2]), m[3], m[4], m[5]))
    return out


def test_no_largest_none_without_clusters(full_release: Path) -> None:
    m = json.loads((full_release / "manifest.json").read_text())
    m["dedup"]["minhash"]["largest_cluster"] = None
    m["dedup"]["minhash"]["clusters"] = 0
    html = render_report(m)
    assert "None" not in html and "0 near-duplicate clusters" in html


def test_bar_labels_and_notes_stay_inside_the_chart() -> None:
    rows = [Row("CC-BY-SA-2.5 AND CC-BY-SA-3.0 AND GFDL-1.3-or-later", [Segment(9_999_999, "#000", "t")],
                note="9,999,999 (100% of all documents)"), Row("en", [Segment(3, "#000", "t")])]  # fmt: skip
    svg = hbars("t", rows, width=720)
    for x, _, anchor, _, text in _texts(svg):
        left, right = (x - text_width(text), x) if anchor == "end" else (x, x + text_width(text))
        assert left >= 0 and right <= 720, text
    assert "<title>CC-BY-SA-2.5 AND CC-BY-SA-3.0 AND GFDL-1.3-or-later</title>" in svg  # clipped, not lost


def test_histogram_labels_do_not_overlap() -> None:
    labels = ["0", "100", "300", "1.0k", "3.0k", "10.0k", "30.0k", "100.0k", "300.0k", "1.0M"]
    svg = vbars("t", [(label, i + 1, "t") for i, label in enumerate(labels)], width=340, color="#000")
    axis = [t for t in _texts(svg) if 'class="axis"' in t[3]]
    assert len(axis) == len(labels)
    assert all("rotate(-45" in t[3] for t in axis)  # too wide side by side: turned
    height = float(re.search(r'height="(\d+)"', svg)[1])  # type: ignore[index]
    assert all(y + text_width(text) * 0.71 <= height + 1 for _, y, _, _, text in axis)  # not cut at the bottom
    values = [t for t in _texts(svg) if 'class="num"' in t[3]]
    step = (340 - 10) / len(labels)
    assert all(text_width(text) <= step for *_, text in values)
    wide = vbars("t", [("2", 13, "t"), ("3-4", 3, "t")], width=480, color="#000")
    assert "rotate" not in wide  # room enough: labels stay level
