"""Extraction quality through the whole WARC reader against ../shared/corpus/html ground truth.

Each ground-truth page lists snippets its main text must contain ("with") and boilerplate it must not
("without"). As in trafilatura's own evaluation: a found "with" snippet is a true positive, a missing one
a false negative, a found "without" snippet a false positive. Whitespace is normalized on both sides.

Measured on the two WARCs of the corpus (320 pages, 902 "with" and 935 "without" snippets):
trafilatura precision 0.919 / recall 0.909; resiliparse precision 0.777 / recall 0.926.
The floors below are those numbers minus 0.03.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pajama.record import Doc
from pajama.sources.warc import WarcReader
from pajama.storage import InputFile

SETS = ("trafilatura-cache", "trafilatura-eval-shared")
FLOORS = {"trafilatura": (0.889, 0.879), "resiliparse": (0.747, 0.896)}


def normalize(text: str) -> str:
    return " ".join(text.split())


def snippet_counts(corpus: Path, extractor: str) -> tuple[int, int, int]:
    tp = fn = fp = 0
    for name in SETS:
        truth_path, warc = corpus / "html" / f"{name}-groundtruth.json", corpus / "warc" / f"{name}.warc.gz"
        if not truth_path.exists() or not warc.exists():
            pytest.skip(f"{name} ground truth or WARC absent")
        truth = json.loads(truth_path.read_text())
        reader = WarcReader(extractor=extractor, lid=False)  # type: ignore[arg-type]
        texts = {
            item.meta["url"]: normalize(item.text)
            for item in reader.read(InputFile(uri=str(warc), name=warc.name, source="web"))
            if isinstance(item, Doc)
        }
        for entry in truth.values():
            text = texts.get(entry["url"], "")
            found = [normalize(s) in text for s in entry.get("with", [])]
            tp, fn = tp + sum(found), fn + found.count(False)
            fp += sum(normalize(s) in text for s in entry.get("without", []))
    return tp, fn, fp


@pytest.mark.parametrize("extractor", sorted(FLOORS))
def test_extraction_precision_and_recall_stay_above_measured(corpus: Path, extractor: str) -> None:
    tp, fn, fp = snippet_counts(corpus, extractor)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"{extractor}: precision {precision:.3f} recall {recall:.3f} (tp {tp}, fn {fn}, fp {fp})")
    min_precision, min_recall = FLOORS[extractor]
    assert precision >= min_precision and recall >= min_recall, (precision, recall)
