"""The run: plan -> map (per input) -> dedup -> write (per shard) -> manifest, with checkpoints.

An engine (pajama.engine.Executor) runs the map and write tasks somewhere (processes, Beam, Spark) and
hands their results back; the order of phases lives here, once. Where checkpoints go is pajama.workdir,
whether the release may be written is build/slot.py, token files are build/token_files.py, and the
manifest is build/release.py.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from pajama import faults
from pajama.build.pipeline import InputResult, process_input
from pajama.build.plan import Plan, SourcePlan
from pajama.build.release import finalize_release, minhash_files
from pajama.build.slot import check_release_slot, preflight
from pajama.build.timing import PhaseTimer
from pajama.build.token_files import relative_token_paths, shard_tokens
from pajama.build.write import ShardResult, write_shard
from pajama.engine import DedupShuffle, Executor, UsesWorkDir
from pajama.storage import InputFile, join, sha256_file

if TYPE_CHECKING:
    from pajama.dedup.stage import DedupResult
    from pajama.progress import Progress

log = logging.getLogger(__name__)

#: What the dedup decision removed, by id: {reason, duplicate_of, cluster_id}, as rejected/ records it.
Removed = dict[str, dict[str, str]]


@dataclass(frozen=True)
class MapTask:
    source: str
    input_index: int
    out_dir: str


@dataclass(frozen=True)
class WriteTask:
    source: str
    shard: int
    runs: list[tuple[str, str]]


def source_by_name(plan: Plan, name: str) -> SourcePlan:
    return next(s for s in plan.sources if s.name == name)


def map_one(plan: Plan, task: MapTask) -> InputResult:
    """Run (or redo) one map task and mark it done: its result.json is written last, atomically."""
    src = source_by_name(plan, task.source)
    inp = src.inputs[task.input_index]
    fresh = InputFile(uri=inp.uri, name=inp.name, source=inp.source, is_dir=inp.is_dir)
    result = process_input(plan, src, fresh, task.out_dir)
    faults.checkpoint("map.result")
    plan.work.save_json(plan.work.map_done(task.out_dir), result.to_json())
    return result


def write_one(plan: Plan, removed: Removed, task: WriteTask) -> ShardResult:
    """Write one (source, shard) and mark it done."""
    tokens = shard_tokens(plan, task.source, task.shard)
    result = write_shard(plan, task.source, task.shard, task.runs, removed, tokens)
    relative_token_paths(plan, result)
    faults.checkpoint("write.done")
    plan.work.save_json(plan.work.shard_done(task.source, task.shard), result.to_json())
    return result


def run(
    plan: Plan, executor: Executor, *, fresh: bool = False, overwrite: bool = False, progress: Progress | None = None
) -> dict[str, Any]:
    """Build the release; returns the manifest. Safe to rerun after a crash: finished work is reused."""
    started = time.time()
    check_release_slot(plan, overwrite=overwrite)
    if fresh:
        plan.work.clear()
    preflight(plan)
    prepare_stages(plan)
    if isinstance(executor, UsesWorkDir):
        executor.attach(plan.work)
    timer = PhaseTimer(progress)
    with timer.phase("read"):
        inputs = _map_phase(plan, executor, progress)
    features = [_feature_path(plan, r) for r in inputs if r.features]
    with timer.phase("dedup", f"{sum(r.documents for r in inputs):,} documents"):
        removed, dedup_stats, signature_files = _dedup_phase(plan, features, executor)
    with timer.phase("write"):
        shards = _write_phase(plan, executor, inputs, removed, progress)
    engine: dict[str, Any] = {"name": executor.name, "workers": executor.workers}
    counters: dict[str, int] | None = getattr(executor, "counters", None)
    if counters:
        engine["counters"] = dict(sorted(counters.items()))
    engine["timing"] = timer.summary(inputs)  # in `engine`: outside release_digest, and not data for diff
    return finalize_release(
        plan, engine, inputs, shards, dedup_stats, started=started, extra_files=signature_files, feature_files=features
    )


def prepare_stages(plan: Plan) -> None:
    """Once per run, before the map phase: stages that share a built resource (the decontamination
    index) build it here, so workers only map it."""
    done: set[int] = set()
    for src in plan.sources:
        for stage in src.stages:
            prepare = getattr(stage.filter, "prepare", None)
            if prepare is not None and id(stage.filter) not in done:
                done.add(id(stage.filter))
                prepare()


def _map_phase(plan: Plan, executor: Executor, progress: Progress | None) -> list[InputResult]:
    results: dict[tuple[str, int], InputResult] = {}
    todo: list[MapTask] = []
    for src in plan.sources:
        for i, inp in enumerate(src.inputs):
            out_dir = plan.work.map_dir(src.name, inp)
            saved = plan.work.load_if_done(plan.work.map_done(out_dir))
            if saved is not None:
                results[(src.name, i)] = InputResult.from_json(saved)
            else:
                todo.append(MapTask(src.name, i, out_dir))
    if progress is not None:
        progress.start_phase("read", len(todo) + len(results), len(results))

    def done(task: MapTask, result: InputResult) -> None:
        results[(task.source, task.input_index)] = result
        if progress is not None:
            progress.advance("read", result.documents, f"{result.source}:{result.name}")

    executor.map(partial(map_one, plan), todo, done)
    ordered = [results[(s.name, i)] for s in plan.sources for i in range(len(s.inputs))]
    return ordered + [_missing_result(s.name, m) for s in plan.sources for m in s.missing]


def _missing_result(source: str, pattern: str) -> InputResult:
    r = InputResult(source, pattern, pattern)
    r.records = 1
    r.errors["input.missing"] = 1
    log.warning("input %s of source %s: no such file (counted as input.missing)", pattern, source)
    return r


def _dedup_phase(
    plan: Plan, feature_files: list[str], executor: Executor
) -> tuple[Removed, dict[str, Any] | None, list[dict[str, Any]]]:
    dedup = plan.config.dedup
    if dedup.exact is None and dedup.minhash is None:
        return {}, None, []
    result = _dedup_result(plan, feature_files, executor)
    signature_files: list[dict[str, Any]] = []
    if dedup.minhash is not None and dedup.minhash.store_signatures:
        signature_files = minhash_files(plan, feature_files, result)
    removed = {
        k: {"reason": v.reason, "duplicate_of": v.duplicate_of, "cluster_id": v.cluster_id}
        for k, v in result.removed.items()
    }
    return removed, result.stats, signature_files


def _dedup_result(plan: Plan, feature_files: list[str], executor: Executor) -> DedupResult:
    """The saved decision of an earlier attempt, else resolved now (in the engine's shuffle when it has one)."""
    from pajama.dedup.stage import DedupResult, resolve

    work, dedup = plan.work, plan.config.dedup
    if work.exists(work.dedup_result):
        return DedupResult.load(work.dedup_result)
    faults.checkpoint("dedup.resolve")
    # An engine may resolve in its own shuffle (Spark, Beam); the result must equal the local one.
    resolver = executor.resolve_dedup if isinstance(executor, DedupShuffle) else resolve
    result: DedupResult = resolver(
        feature_files, dedup, work_dir=work.dedup_scratch, workers=1, previous=list(dedup.against)
    )
    faults.checkpoint("dedup.save")
    result.save(work.dedup_result + ".tmp")  # then renamed: a crash inside save must not leave a partial result
    faults.checkpoint("dedup.saved")
    work.rename(work.dedup_result + ".tmp", work.dedup_result)
    return result


def _feature_path(plan: Plan, r: InputResult) -> str:
    src = source_by_name(plan, r.source)
    return f"{plan.work.map_dir(src.name, _input_of(src, r))}/{r.features or ''}"


def _write_phase(
    plan: Plan, executor: Executor, inputs: list[InputResult], removed: Removed, progress: Progress | None
) -> list[ShardResult]:
    results: dict[tuple[str, int], ShardResult] = {}
    todo: list[WriteTask] = []
    for src in plan.sources:
        for shard in range(plan.config.shards):
            saved = plan.work.load_if_done(plan.work.shard_done(src.name, shard))
            if saved is not None and _shard_files_intact(plan, saved):
                results[(src.name, shard)] = ShardResult.from_json(saved)
                continue
            runs = [
                (r.sha256, f"{plan.work.map_dir(src.name, _input_of(src, r))}/{name}")
                for r in inputs
                if r.source == src.name and r.runs
                for s, name in r.runs
                if s == shard
            ]
            todo.append(WriteTask(src.name, shard, runs))
    if progress is not None:
        progress.start_phase("write", len(todo) + len(results), len(results))

    def done(task: WriteTask, result: ShardResult) -> None:
        results[(result.source, result.shard)] = result
        if progress is not None:
            progress.advance("write", result.kept, f"{result.source}/{result.shard:05d}")

    executor.map(partial(write_one, plan, removed), todo, done)
    return [results[(s.name, k)] for s in plan.sources for k in range(plan.config.shards)]


def _input_of(src: SourcePlan, r: InputResult) -> InputFile:
    return next(i for i in src.inputs if i.uri == r.uri)


def _shard_files_intact(plan: Plan, saved: dict[str, Any]) -> bool:
    """A shard marked done is reused only when every file it wrote is still there, whole."""
    for entry in saved["files"]:
        try:
            if sha256_file(join(plan.release_uri, entry["path"]))[0] != entry["sha256"]:
                return False
        except FileNotFoundError:
            return False
    return True
