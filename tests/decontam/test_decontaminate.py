"""Decontamination over real prose (pydoc topics) with planted benchmark items: tag, drop and mask."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from pydoc_data.topics import topics
from typing import Any

import orjson
import pytest
import yaml

from pajama.decontam.index import build
from pajama.decontam.items import Item
from pajama.decontam.ngrams import word_spans
from pajama.decontam.stage import find_hits, mask

_WORDS = " ".join(t for _, t in sorted(topics.items())).split()
# 150-word pieces of the pydoc topics: the first 60 are documents, the next 40 give the test items.
TEXTS = [" ".join(_WORDS[i : i + 150]) for i in range(0, 150 * 100, 150)]


def _items() -> list[dict[str, Any]]:
    """40 test items: question + choices, taken from topics that are never documents."""
    out = []
    for i, text in enumerate(TEXTS[60:100]):
        words = text.split()
        out.append({"qid": f"q{i}", "question": " ".join(words[20:60]), "choices": [" ".join(words[60:66]), "None"]})
    return out


def _corpus(tmp: Path) -> tuple[Path, Path, dict[str, set[str]]]:
    """60 documents; some carry an item whole or a 13-word span of one. Returns docs, bench, planted truth."""
    items = _items()
    planted: dict[str, set[str]] = {}
    rows = []
    for i, text in enumerate(TEXTS[:60]):
        doc_id = f"d{i}"
        if i % 7 == 3:  # a whole item (question and its choices) pasted into the middle
            item = items[i % len(items)]
            cut = len(text) // 2
            text = f"{text[:cut]}\n{item['question']}\n{item['choices'][0]}\n{text[cut:]}"
            planted[doc_id] = {item["qid"]}
        elif i % 7 == 5:  # a 13-word span from inside an item's question
            item = items[(i * 3) % len(items)]
            spans = word_spans(item["question"])  # 13 words as the stage counts words
            span = item["question"][spans[10][0] : spans[22][1]]
            text = f"{text}\n\nAs a note: {span}."
            planted[doc_id] = {item["qid"]}
        rows.append({"id": doc_id, "text": text})
    docs = tmp / "docs.jsonl"
    docs.write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
    bench = tmp / "bench.jsonl"
    bench.write_bytes(b"\n".join(orjson.dumps(r) for r in items) + b"\n")
    return docs, bench, planted


def _run(tmp: Path, mode: str, bench: Path, docs: Path, *, check: bool = True) -> subprocess.CompletedProcess[str]:
    config = {
        "dataset": "t",
        "version": "1.0.0",
        "output": str(tmp / "out"),
        "shards": 2,
        "rejected": True,
        "sources": {"docs": {"reader": "jsonl", "inputs": [str(docs)]}},
        "decontaminate": {
            "benchmarks": [
                {"name": "quiz", "path": str(bench), "text_fields": ["question", "choices"], "id_field": "qid"}
            ],
            "mode": mode,
        },
    }
    path = tmp / f"{mode}.yaml"
    path.write_text(yaml.safe_dump(config))
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [sys.executable, "-m", "pajama", "run", str(path), "--workers", "1", "--overwrite", "--fresh"],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def _records(release: Path, kind: str) -> dict[str, dict[str, Any]]:
    import zstandard

    out = {}
    for part in sorted((release / kind).rglob("*.jsonl.zst")):
        for line in zstandard.ZstdDecompressor().stream_reader(part.open("rb")).read().splitlines():
            row = orjson.loads(line)
            out[row["id"].split("/")[0] + ":" + str(row["origin"]["locator"])] = row
    return out


def _by_doc(rows: dict[str, dict[str, Any]], docs: Path) -> dict[str, dict[str, Any]]:
    ids = [orjson.loads(line)["id"] for line in docs.read_bytes().splitlines()]
    by_line = {json.dumps({"line": n + 1}, separators=(",", ":")): i for n, i in enumerate(ids)}
    out = {}
    for row in rows.values():
        key = json.dumps(row["origin"]["locator"], separators=(",", ":"))
        out[by_line.get(key, key)] = row
    return out


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, dict[str, set[str]]]:
    tmp = tmp_path_factory.mktemp("decontam")
    docs, bench, planted = _corpus(tmp)
    return tmp, docs, bench, planted


def test_tag_flags_exactly_the_planted_documents(corpus: tuple[Path, Path, Path, dict[str, set[str]]]) -> None:
    tmp, docs, bench, planted = corpus
    _run(tmp, "tag", bench, docs)
    release = tmp / "out" / "t" / "1.0.0"
    kept = _by_doc(_records(release, "data"), docs)
    assert len(kept) == 60
    flagged = {
        d: {h["item"] for h in r["meta"]["decontamination"]} for d, r in kept.items() if "decontamination" in r["meta"]
    }
    assert flagged == planted
    section = json.loads((release / "manifest.json").read_text())["decontamination"]["benchmarks"]["quiz"]
    assert section["item_ids"] == sorted({i for s in planted.values() for i in s}, key=lambda q: int(q[1:]))
    assert section["documents_hit"] == len(planted) and section["items"] == 40
    card = (release / "README.md").read_text()
    assert "## Benchmark decontamination" in card and f"quiz items found: {section['item_ids'][0]}," in card
    assert 'id="governance"' in (release / "report.html").read_text()


def test_drop_removes_them_and_mask_removes_only_the_spans(
    corpus: tuple[Path, Path, Path, dict[str, set[str]]],
) -> None:
    tmp, docs, bench, planted = corpus
    _run(tmp, "drop", bench, docs)
    release = tmp / "out" / "t" / "1.0.0"
    assert set(_by_doc(_records(release, "data"), docs)) == {f"d{i}" for i in range(60)} - set(planted)
    rejected = _by_doc(_records(release, "rejected"), docs)
    assert set(rejected) == set(planted)
    assert {r["rejected"]["reason"] for r in rejected.values()} == {"decontaminate.quiz"}
    verify = subprocess.run(
        [sys.executable, "-m", "pajama", "manifest", "verify", str(release)], capture_output=True, check=False
    )
    assert verify.returncode == 0, verify.stdout

    _run(tmp, "mask", bench, docs)
    masked = _by_doc(_records(release, "data"), docs)
    originals = {orjson.loads(line)["id"]: orjson.loads(line)["text"] for line in docs.read_bytes().splitlines()}
    for doc_id, row in masked.items():
        if doc_id not in planted:
            assert row["text"] == originals[doc_id]
            continue
        hits = row["meta"]["decontamination"]
        removed = sum(e - s for h in hits for s, e in h["spans"])
        assert len(row["text"]) == len(originals[doc_id]) - removed
        assert row["meta"]["edits"][-1]["stage"] == "decontaminate"


def test_short_items_and_overlap_threshold() -> None:
    items = [Item("b", "1", "alpha beta gamma delta epsilon zeta eta theta iota"), Item("b", "2", "too short")]
    index = build(items, ngram=13, min_words=8)
    assert index.stats["b"] == {"items": 2, "indexed": 1, "too_short": 1}
    text = "Intro. Alpha beta gamma delta epsilon zeta eta theta iota! Outro too short."
    hits = find_hits(text, index, min_overlap=1)
    assert [(h["item"], h["spans"]) for h in hits] == [("1", [[7, 57]])]
    assert find_hits(text, index, min_overlap=2) == []
    assert mask(text, hits[0]["spans"])[0] == "Intro. ! Outro too short."


def test_unspaced_scripts_match_by_character() -> None:
    item = Item("b", "ja", "東京は日本の首都であり人口が最も多い都市です")
    index = build([item], ngram=13, min_words=8)
    assert find_hits("今日は東京は日本の首都であり人口が最も多い都市ですね。", index, min_overlap=1)[0]["item"] == "ja"
    assert find_hits("大阪は日本の大きな都市です。", index, min_overlap=1) == []


@pytest.mark.parametrize(
    ("content", "fields", "needle"),
    [
        (b'{"question": "x"}\nnot json\n', ["question"], "line 2 is not JSON"),
        (b'{"question": "x"}\n{"prompt": "y"}\n', ["question"], "no field 'question'"),
        (b'{"question": {"a": 1}}\n', ["question"], "holds dict"),
    ],
)
def test_bad_benchmark_files_fail_before_work(tmp_path: Path, content: bytes, fields: list[str], needle: str) -> None:
    docs = tmp_path / "docs.jsonl"
    docs.write_text('{"text": "hello"}\n')
    bench = tmp_path / "bench.jsonl"
    bench.write_bytes(content)
    config = {
        "dataset": "t",
        "version": "1.0.0",
        "output": str(tmp_path / "out"),
        "sources": {"docs": {"reader": "jsonl", "inputs": [str(docs)]}},
        "decontaminate": {"benchmarks": [{"name": "quiz", "path": str(bench), "text_fields": fields}]},
    }
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(config))
    proc = subprocess.run(
        [sys.executable, "-m", "pajama", "run", str(path), "--dry-run"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 2, proc.stderr
    assert needle in proc.stderr and str(bench) in proc.stderr


def test_refilter_keeps_the_decontamination_record(corpus: tuple[Path, Path, Path, dict[str, set[str]]]) -> None:
    tmp, docs, bench, planted = corpus
    _run(tmp, "tag", bench, docs)
    release = tmp / "out" / "t" / "1.0.0"
    proc = subprocess.run(
        [sys.executable, "-m", "pajama", "refilter", str(release), "--version", "1.1.0", "--set",
         "decontaminate.mode=drop"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    new = json.loads((tmp / "out" / "t" / "1.1.0" / "manifest.json").read_text())
    old = json.loads((release / "manifest.json").read_text())
    assert new["decontamination"]["benchmarks"] == old["decontamination"]["benchmarks"]
    assert new["sources"]["docs"]["dropped"] == {"decontaminate.quiz": len(planted)}  # decided from stored signals
