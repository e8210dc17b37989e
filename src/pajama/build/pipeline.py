"""The map phase for one input: read -> normalize -> id -> filter stages -> sorted runs + dedup features.

This is the per-input function every engine calls; it holds no engine knowledge.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import orjson

from pajama import faults
from pajama.build.plan import Plan, SourcePlan, Stage
from pajama.build.runs import RunWriter
from pajama.errors import InputError, RecordError
from pajama.filter import run_stage
from pajama.record import Doc, Failure, Record, Skip, canonical_json, make_id, normalize_text
from pajama.storage import InputFile
from pajama.text.languages import rules_label

if TYPE_CHECKING:
    from pajama.dedup.features import Featurizer

log = logging.getLogger(__name__)


@dataclass
class StageCount:
    inp: int = 0
    out: int = 0
    dropped: Counter[str] = field(default_factory=Counter)
    languages: Counter[str] = field(default_factory=Counter)  # language rules applied (pajama.text.languages)


@dataclass
class InputResult:
    """What one input produced: counts for the manifest, run files and the dedup feature file."""

    source: str
    uri: str
    name: str
    sha256: str = ""
    bytes: int = 0
    records: int = 0
    documents: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    errors: Counter[str] = field(default_factory=Counter)
    stages: dict[str, StageCount] = field(default_factory=dict)
    licenses: dict[str, Counter[str]] = field(default_factory=dict)
    runs: list[tuple[int, str]] = field(default_factory=list)
    features: str | None = None
    # benchmark -> {"documents": documents hit, "items": {item ids hit}} (the decontaminate stage)
    contamination: dict[str, dict[str, Any]] = field(default_factory=dict)
    reproducible: bool = True  # False when a wall-clock guard decided a record (Failure.reproducible)
    wall_s: float = 0.0  # time spent in this run (engine.timing in the manifest; not in to_json: not data)
    cpu_s: float = 0.0

    def note_contamination(self, hits: list[dict[str, Any]]) -> None:
        for benchmark in {h["benchmark"] for h in hits}:
            entry = self.contamination.setdefault(benchmark, {"documents": 0, "items": set()})
            entry["documents"] += 1
            entry["items"].update(h["item"] for h in hits if h["benchmark"] == benchmark)

    def to_json(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "uri": self.uri,
            "name": self.name,
            "sha256": self.sha256,
            "bytes": self.bytes,
            "records": self.records,
            "documents": self.documents,
            "skipped": dict(sorted(self.skipped.items())),
            "errors": dict(sorted(self.errors.items())),
            "stages": {
                k: {"in": v.inp, "out": v.out, "dropped": dict(sorted(v.dropped.items()))}
                | ({"languages": dict(sorted(v.languages.items()))} if v.languages else {})
                for k, v in self.stages.items()
            },
            "licenses": {k: dict(sorted(v.items())) for k, v in sorted(self.licenses.items())},
            "runs": self.runs,
            "features": self.features,
            "contamination": {
                k: {"documents": v["documents"], "items": sorted(v["items"])}
                for k, v in sorted(self.contamination.items())
            },
            **({} if self.reproducible else {"reproducible": False}),
        }

    def counters(self) -> dict[str, int]:
        """What engines tally on their own (accumulators, metrics) to check the results against."""
        return {"records": self.records, "documents": self.documents}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> InputResult:
        r = cls(d["source"], d["uri"], d["name"], d["sha256"], d["bytes"], d["records"], d["documents"])
        r.skipped.update(d["skipped"])
        r.errors.update(d["errors"])
        for k, v in d["stages"].items():
            r.stages[k] = StageCount(v["in"], v["out"], Counter(v["dropped"]), Counter(v.get("languages", {})))
        r.licenses = {k: Counter(v) for k, v in d["licenses"].items()}
        r.runs = [(int(s), f) for s, f in d["runs"]]
        r.features = d["features"]
        r.contamination = {
            k: {"documents": v["documents"], "items": set(v["items"])} for k, v in d.get("contamination", {}).items()
        }
        r.reproducible = d.get("reproducible", True)
        return r


def license_of(meta: dict[str, Any]) -> str:
    lic = meta.get("license")
    return str(lic) if lic else "unknown"


def _facts(record: Record) -> bytes:
    return orjson.dumps([len(record.text), record.meta.get("language"), license_of(record.meta)])


def _read_items(src: SourcePlan, inp: InputFile, result: InputResult) -> Iterator[Doc]:
    """Reader items, with skips and failures counted; input-level failures become one counted error."""
    try:
        for item in src.reader.read(inp):
            faults.checkpoint("read.item")
            result.records += 1
            if isinstance(item, Doc):
                yield item
            elif isinstance(item, Skip):
                result.skipped[item.reason] += 1
            elif isinstance(item, Failure):
                result.errors[item.reason] += 1
                result.reproducible = result.reproducible and item.reproducible
                log.debug("%s: %s %s %s", inp.uri, item.reason, item.locator, item.detail)
    except InputError as e:
        result.records += 1
        result.errors[e.reason] += 1
        log.warning("input %s: %s", inp.uri, e)
    except (OSError, EOFError, ValueError, UnicodeError, LookupError) as e:
        # A library deep inside a reader gave up on these bytes: the input is bad, the job goes on.
        result.records += 1
        result.errors[f"input.{type(e).__name__}"] += 1
        log.warning("input %s: reader failed: %s: %s", inp.uri, type(e).__name__, e)


def to_record(doc: Doc, src: SourcePlan, inp: InputFile) -> Record:
    identity = (doc.key,) if doc.key else (inp.name, canonical_json(doc.locator))
    return Record(
        id=make_id(src.name, *identity),
        text=normalize_text(doc.text),
        source=src.name,
        meta=doc.meta,
        origin={"uri": inp.uri, "sha256": None, "locator": doc.locator},
    )


def _stored_signals(record: Record, label: str) -> dict[str, Any]:
    prefix = f"{label}."
    return {k[len(prefix) :]: v for k, v in record.signals.items() if k.startswith(prefix)}


def run_stages(
    record: Record, stages: list[Stage], counts: dict[str, StageCount], *, from_signals: bool = False
) -> str | None:
    """Apply stages (filters and transforms) in order; return the drop reason, or None when kept.

    With `from_signals` (refilter), a stage whose signals the record already carries decides from them
    (`decide(signals)`) instead of recomputing; a stage it never reached is computed in full.
    """
    for stage in stages:
        count = counts.setdefault(stage.label, StageCount())
        count.inp += 1
        if (language := rules_label(stage.filter, record)) is not None:
            count.languages[language] += 1
        faults.checkpoint("filter.stage")
        stored = _stored_signals(record, stage.label) if from_signals else {}
        try:
            verdict = stage.filter.decide(stored) if stored else run_stage(stage.filter, record, label=stage.label)
        except RecordError as e:
            reason = f"{stage.label}.error.{e.reason}"
            count.dropped[reason] += 1
            return reason
        if not verdict.kept:
            reason = verdict.reason or f"{stage.label}.dropped"
            count.dropped[reason] += 1
            return reason
        count.out += 1
    return None


def iter_input(
    plan: Plan, src: SourcePlan, inp: InputFile, result: InputResult, featurizer: Featurizer | None = None
) -> Iterator[tuple[str, str, bytes, bytes]]:
    """The map phase over one input as a stream of (id, status, facts, json) rows (see pajama.build.runs).

    Counts go into `result`; kept records also go to the dedup `featurizer`. `result.sha256` is set once
    the stream is exhausted (the input is hashed while it is read).
    """
    config = plan.config
    keep_signals = config.signals != "none"
    for doc in _read_items(src, inp, result):
        record = to_record(doc, src, inp)
        if not record.text.strip():
            result.skipped["record.empty_text"] += 1
            continue
        result.documents += 1
        reason = run_stages(record, src.stages, result.stages)
        if "decontamination" in record.meta:
            result.note_contamination(record.meta["decontamination"])
        if not keep_signals:
            record.signals = {}
        lic = result.licenses.setdefault(license_of(record.meta), Counter())
        lic["dropped" if reason else "passed"] += 1
        if reason is None and featurizer is not None:
            featurizer.add(record)
        if reason is None or config.rejected:
            body = orjson.dumps(record.to_dict(), option=orjson.OPT_NON_STR_KEYS)
            yield record.id, "K" if reason is None else f"D{reason}", _facts(record), body
    result.sha256, result.bytes = _finish(inp, result)


def process_input(plan: Plan, src: SourcePlan, inp: InputFile, out_dir: str) -> InputResult:
    """Run the map phase over one input, writing id-sorted runs (per shard) into `out_dir`."""
    if os.path.exists(out_dir):
        shutil.rmtree(out_dir)
    result = InputResult(src.name, inp.uri, inp.name)
    wall0, cpu0 = time.monotonic(), time.process_time()
    runs = RunWriter(out_dir, plan.config.shards)
    featurizer = make_featurizer(plan, src)
    for row in iter_input(plan, src, inp, result, featurizer):
        runs.add(*row)
    runs.flush()
    result.runs = runs.files
    if featurizer is not None:
        faults.checkpoint("dedup.features")
        result.features = "features.parquet"
        featurizer.write(os.path.join(out_dir, result.features))
    result.wall_s, result.cpu_s = time.monotonic() - wall0, time.process_time() - cpu0
    return result


def _finish(inp: InputFile, result: InputResult) -> tuple[str, int]:
    try:
        return inp.finish()
    except InputError as e:
        if not result.errors:
            result.records += 1
            result.errors[e.reason] += 1
        return "", 0
    except OSError as e:
        result.records += 1
        result.errors["input.unreadable"] += 1
        log.warning("input %s: %s", inp.uri, e)
        return "", 0


def make_featurizer(plan: Plan, src: SourcePlan) -> Featurizer | None:
    dedup = plan.config.dedup
    if dedup.exact is None and dedup.minhash is None:
        return None
    from pajama.dedup.features import Featurizer

    return Featurizer(dedup, source=src.name, source_rank=src.rank)
