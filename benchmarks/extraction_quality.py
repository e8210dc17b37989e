"""Main-text extraction against the snippet ground truth of ../shared/corpus/html, per extractor setting.

    .venv/bin/python -m benchmarks.extraction_quality

For each page of the two ground-truth sets (decoded as the warc reader decodes it): a "with" snippet
found is a true positive, one missing a false negative, a "without" snippet found a false positive.
Recall = tp / (tp + fn); leakage = fp / "without" snippets; precision = tp / (tp + fp). Rows: the
reader's settings now (`_html.EXTRACTORS`), the earlier trafilatura setting (`favor_precision=True`,
no comments) and `trafilatura.extract(html)` with every default, the yardstick of issue 21.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from pajama.sources import _warc_record as rec
from pajama.sources._html import EXTRACTORS, decode_html
from pajama.sources._warc_stream import iter_entries

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SETS = ("trafilatura-cache", "trafilatura-eval-shared")


def pages() -> tuple[dict[str, str], list[dict[str, object]]]:
    html: dict[str, str] = {}
    truth: list[dict[str, object]] = []
    for name in SETS:
        truth += json.loads((CORPUS / "html" / f"{name}-groundtruth.json").read_text()).values()
        path = CORPUS / "warc" / f"{name}.warc.gz"
        with path.open("rb") as f:
            for entry in iter_entries(f, path.name, verify_digests=False):
                info = rec.describe(entry)
                if info.warc_type == "response" and info.url:
                    html[info.url] = decode_html(entry.read_payload(8 << 20).data, info.charset)[0]
                entry.finish()
    return html, truth


def score(extract: Callable[[str, str], str], html: dict[str, str], truth: list[dict[str, object]]) -> str:
    tp = fn = fp = without = 0
    for entry in truth:
        url = str(entry["url"])
        text = " ".join((extract(html[url], url) or "").split()) if url in html else ""
        found = [" ".join(s.split()) in text for s in entry.get("with", [])]  # type: ignore[attr-defined]
        tp, fn = tp + sum(found), fn + found.count(False)
        bad = [" ".join(s.split()) in text for s in entry.get("without", [])]  # type: ignore[attr-defined]
        fp, without = fp + sum(bad), without + len(bad)
    rates = f"recall {tp / (tp + fn):.3f}  leakage {fp / without:.3f}  precision {tp / (tp + fp):.3f}"
    return f"{rates}  (tp {tp} fn {fn} fp {fp})"


def main() -> None:
    import trafilatura

    html, truth = pages()
    rows: dict[str, Callable[[str, str], str]] = {
        "trafilatura, reader setting": lambda h, u: EXTRACTORS["trafilatura"](h, u),
        "resiliparse, reader setting": lambda h, u: EXTRACTORS["resiliparse"](h, u),
        "trafilatura, favor_precision (before)": lambda h, u: (
            trafilatura.extract(
                h, url=u, favor_precision=True, include_comments=False, include_tables=True, deduplicate=False
            )
            or ""
        ),
        "trafilatura.extract(html) defaults": lambda h, u: trafilatura.extract(h) or "",
    }
    print(f"{len(html)} pages, {len(truth)} ground-truth entries")
    for label, extract in rows.items():
        print(f"{label:<40} {score(extract, html, truth)}")


if __name__ == "__main__":
    main()
