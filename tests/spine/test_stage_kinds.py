"""The two stage kinds (filters decide from signals, transforms also change text) and the typed write sinks."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from pajama import registry
from pajama.build import config as config_mod
from pajama.build import plan as plan_mod
from pajama.build.pipeline import StageCount, run_stages
from pajama.build.runs import RunLine
from pajama.build.write import write_rows
from pajama.filter import Filter, SignalFilter, TextTransform, Transform
from pajama.filters.basic import MinLength
from pajama.filters.c4 import C4
from pajama.record import Record
from pajama.shardio import read_shard

GOOD = [
    "The first sentence of this page is long enough to keep. It says something.",
    "A second line also ends properly and has plenty of words in it. Really it does.",
    "The third line closes the page with a full stop at the end of it, as lines should.",
]


def record(text: str) -> Record:
    return Record(id="t/1", text=text, source="t", meta={}, origin={})


def stages(*filters: object) -> list[plan_mod.Stage]:
    return [plan_mod.Stage(type(f).name, type(f).name, 1, f, {}) for f in filters]  # type: ignore[attr-defined]


def test_every_registered_filter_is_one_of_the_two_kinds() -> None:
    for name, cls in registry.filters().items():
        kind = issubclass(cls, SignalFilter), issubclass(cls, TextTransform)
        assert kind in ((True, False), (False, True)), name
    assert isinstance(MinLength(), Filter) and not isinstance(MinLength(), Transform)
    assert isinstance(C4(), Transform)


def test_a_transform_changes_kept_text_and_records_the_edit() -> None:
    r = record("\n".join([GOOD[0], "Click here", GOOD[1], GOOD[2]]))
    counts: dict[str, StageCount] = {}
    assert run_stages(r, stages(C4(), MinLength(min_words=10)), counts) is None
    assert r.text == "\n".join(GOOD)
    assert r.meta["edits"] == [
        {"stage": "c4", "lines_removed": 1, "citations_removed": 0, "removed_by_rule": {"no_end_mark": 1},
         "chars_before": len(GOOD[0]) + len("Click here") + len(GOOD[1]) + len(GOOD[2]) + 3,
         "chars_after": len("\n".join(GOOD))}
    ]  # fmt: skip
    assert r.signals["c4.lines_removed"] == 1 and r.signals["min_length.words"] > 10
    assert (counts["c4"].out, counts["min_length"].out) == (1, 1)


def test_a_dropped_record_keeps_its_original_text() -> None:
    text = "\n".join([GOOD[0], "Click here"])  # one sentence-ending line: too few sentences
    r = record(text)
    assert run_stages(r, stages(C4()), {}) == "c4.too_few_sentences"
    assert r.text == text and "edits" not in r.meta


@pytest.fixture
def plan(tmp_path: Path) -> plan_mod.Plan:
    source = {"reader": "jsonl", "inputs": [str(tmp_path / "*.jsonl")], "allow_missing": True}
    raw = {"dataset": "d", "version": "1.0.0", "output": str(tmp_path / "out"), "shards": 1, "rejected": True,
           "sources": {"t": source}}  # fmt: skip
    return plan_mod.build(config_mod.validate(raw), work_dir=str(tmp_path / "work"))


def test_the_write_path_fills_the_digest_whatever_the_key_order(plan: plan_mod.Plan) -> None:
    """The record is parsed once and written by the sinks: origin's key order does not matter (no splicing)."""
    rows = []
    for n, status in enumerate(["K", "Dmin_length.too_few_words", "K"]):
        rec = {"id": f"t/{n}", "text": f"text {n}", "source": "t", "meta": {"language": "en"},
               "origin": {"locator": {"line": n}, "sha256": None, "uri": "in.jsonl"}, "signals": {}}  # fmt: skip
        rows.append(("ab" * 32, RunLine(rec["id"], status, b"[]", orjson.dumps(rec))))  # type: ignore[arg-type]
    result = write_rows(plan, "t", 0, rows, {"t/2": {"reason": "dedup.exact", "duplicate_of": "t/0"}})
    assert (result.kept, dict(result.dropped), dict(result.duplicates)) == (1, {"min_length.too_few_words": 1},
                                                                           {"dedup.exact": 1})  # fmt: skip
    files = {f["kind"]: Path(plan.release_uri) / f["path"] for f in result.files}
    (kept,) = read_shard(str(files["data"]))
    assert kept["origin"] == {"locator": {"line": 0}, "sha256": "ab" * 32, "uri": "in.jsonl"}
    rejected = list(read_shard(str(files["rejected"])))
    assert [r["rejected"] for r in rejected] == [
        {"reason": "min_length.too_few_words"}, {"duplicate_of": "t/0", "reason": "dedup.exact"}
    ]  # fmt: skip
    assert all(r["origin"]["sha256"] == "ab" * 32 for r in rejected)
