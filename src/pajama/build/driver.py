"""The run: plan -> map (per input) -> dedup -> write (per shard) -> manifest, with checkpoints.

Engines supply an Executor that runs map and write tasks somewhere (processes, Beam, Spark); the order
of phases, the checkpoints and the manifest live here, once.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import fsspec

from pajama import faults
from pajama.build.pipeline import InputResult, process_input
from pajama.build.plan import Plan, SourcePlan, input_key
from pajama.build.timing import PhaseTimer
from pajama.build.write import ShardResult, write_shard
from pajama.errors import ConfigError
from pajama.storage import InputFile, atomic_write, join, local_path

log = logging.getLogger(__name__)


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


class Executor(Protocol):
    name: str
    workers: int

    def run_map(self, plan: Plan, tasks: Sequence[MapTask], done: Callable[[MapTask, InputResult], None]) -> None: ...

    def run_write(
        self,
        plan: Plan,
        tasks: Sequence[WriteTask],
        removed: dict[str, Any],
        done: Callable[[WriteTask, ShardResult], None],
    ) -> None: ...


def source_by_name(plan: Plan, name: str) -> SourcePlan:
    return next(s for s in plan.sources if s.name == name)


def map_one(plan: Plan, task: MapTask) -> InputResult:
    """Run (or redo) one map task and mark it done: its result.json is written last, atomically."""
    src = source_by_name(plan, task.source)
    inp = src.inputs[task.input_index]
    fresh = InputFile(uri=inp.uri, name=inp.name, source=inp.source, is_dir=inp.is_dir)
    result = process_input(plan, src, fresh, task.out_dir)
    faults.checkpoint("map.result")
    with atomic_write(map_result_path(task), "w") as f:
        json.dump(result.to_json(), f)
    return result


def shard_tokens(plan: Plan, source: str, shard: int) -> Any:
    """Token counting (and token shard writing) for one data shard, when the config names a tokenizer."""
    if not plan.config.tokenizer or not (plan.config.tokens.count or plan.config.tokens.write):
        return None
    from pajama.tokenization.stage import ShardTokens, load_tokenizer

    tok = load_tokenizer(plan.config.tokenizer)
    prefix = None
    if plan.config.tokens.write:
        base = local_path(plan.release_uri) or plan.release_uri
        prefix = os.path.join(base, "tokens", _safe(tok.name), source, f"part-{shard:05d}")
    return ShardTokens(tok, plan.config.tokens, prefix)


def map_result_path(task: MapTask) -> str:
    return os.path.join(task.out_dir, "result.json")


def write_one(plan: Plan, task: WriteTask, removed: dict[str, Any]) -> ShardResult:
    tokens = shard_tokens(plan, task.source, task.shard)
    result = write_shard(plan, task.source, task.shard, task.runs, removed, tokens)
    relative_token_paths(plan, result)
    faults.checkpoint("write.done")
    with atomic_write(shard_done_path(plan, task.source, task.shard), "w") as f:
        json.dump(result.to_json(), f)
    return result


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def relative_token_paths(plan: Plan, result: ShardResult) -> None:
    """Token writers report local paths; the manifest lists every file relative to the release."""
    base = (local_path(plan.release_uri) or plan.release_uri).rstrip("/") + "/"
    for entry in result.files:
        entry["path"] = entry["path"].removeprefix(base)


def shard_done_path(plan: Plan, source: str, shard: int) -> str:
    return os.path.join(plan.work_dir, "write", source, f"{shard:05d}.json")


def _map_dir(plan: Plan, src: SourcePlan, inp: InputFile) -> str:
    return os.path.join(plan.work_dir, "map", src.name, input_key(inp))


def check_release_slot(plan: Plan, *, overwrite: bool) -> None:
    fs, path = fsspec.core.url_to_fs(plan.release_uri)
    if fs.exists(f"{path}/manifest.json") and not _unsealed_by_same_config(fs, path, plan):
        if not overwrite:
            raise ConfigError(
                "version", f"release {plan.release_uri} already exists; bump `version` or pass --overwrite"
            )
        fs.rm(path, recursive=True)


def _unsealed_by_same_config(fs: Any, path: str, plan: Plan) -> bool:
    """A crash between manifest.json and SHA256SUMS (which seals a release) leaves it unfinished: the
    same config may resume it; a sealed release, or one another config began, is never touched."""
    if fs.exists(f"{path}/SHA256SUMS"):
        return False
    try:
        with fs.open(f"{path}/manifest.json", "rb") as f:
            return bool(json.load(f).get("config_sha256") == plan.config_sha256)
    except (OSError, ValueError):
        return False


def preflight(plan: Plan) -> None:
    """Fail before any work when the release or work folder cannot be written."""
    from pajama.errors import OutputError

    for where, uri in (("work_dir", plan.work_dir), ("output", plan.release_uri)):
        try:
            fs, path = fsspec.core.url_to_fs(uri)
            fs.makedirs(path, exist_ok=True)
            with atomic_write(join(uri, ".pajama-write-check"), "w") as f:
                f.write("ok")
            fs.rm(f"{path.rstrip('/')}/.pajama-write-check")
        except OSError as e:
            raise OutputError(f"{where} {uri} is not writable: {e.strerror or e}") from None


def run(
    plan: Plan, executor: Executor, *, fresh: bool = False, overwrite: bool = False, progress: Any = None
) -> dict[str, Any]:
    """Build the release; returns the manifest. Safe to rerun after a crash: finished work is reused."""
    from pajama.manifests.builder import finalize_release

    started = time.time()
    check_release_slot(plan, overwrite=overwrite)
    if fresh and os.path.isdir(plan.work_dir):
        shutil.rmtree(plan.work_dir)
    preflight(plan)
    timer = PhaseTimer(progress)
    with timer.phase("read"):
        inputs = _map_phase(plan, executor, progress)
    with timer.phase("dedup", f"{sum(r.documents for r in inputs):,} documents"):
        removed, dedup_stats, signature_files = _dedup_phase(plan, inputs, executor)
    with timer.phase("write"):
        shards = _write_phase(plan, executor, inputs, removed, progress)
    engine: dict[str, Any] = {"name": executor.name, "workers": executor.workers}
    counters: dict[str, int] | None = getattr(executor, "counters", None)
    if counters:
        engine["counters"] = dict(sorted(counters.items()))
    engine["timing"] = timer.summary(inputs)  # in `engine`: outside release_digest, and not data for diff
    return finalize_release(plan, engine, inputs, shards, dedup_stats, started=started, extra_files=signature_files)


def _map_phase(plan: Plan, executor: Executor, progress: Any) -> list[InputResult]:
    results: dict[tuple[str, int], InputResult] = {}
    todo: list[MapTask] = []
    for src in plan.sources:
        for i, inp in enumerate(src.inputs):
            out_dir = _map_dir(plan, src, inp)
            marker = os.path.join(out_dir, "result.json")
            if os.path.exists(marker):
                with open(marker) as f:
                    results[(src.name, i)] = InputResult.from_json(json.load(f))
            else:
                todo.append(MapTask(src.name, i, out_dir))
    if progress is not None:
        progress.start_phase("read", len(todo) + len(results), len(results))

    def done(task: MapTask, result: InputResult) -> None:
        results[(task.source, task.input_index)] = result
        if progress is not None:
            progress.advance("read", result.documents, f"{result.source}:{result.name}")

    executor.run_map(plan, todo, done)
    ordered = [results[(s.name, i)] for s in plan.sources for i in range(len(s.inputs))]
    return ordered + [_missing_result(s.name, m) for s in plan.sources for m in s.missing]


def _missing_result(source: str, pattern: str) -> InputResult:
    r = InputResult(source, pattern, pattern)
    r.records = 1
    r.errors["input.missing"] = 1
    log.warning("input %s of source %s: no such file (counted as input.missing)", pattern, source)
    return r


def _dedup_phase(
    plan: Plan, inputs: list[InputResult], executor: Any = None
) -> tuple[dict[str, Any], dict[str, Any] | None, list[dict[str, Any]]]:
    dedup = plan.config.dedup
    if dedup.exact is None and dedup.minhash is None:
        return {}, None, []
    from pajama.dedup.stage import DedupResult, resolve, write_signatures

    saved = os.path.join(plan.work_dir, "dedup.result")
    feature_files = [_feature_path(plan, r) for r in inputs if r.features]
    if os.path.exists(saved):
        result = DedupResult.load(saved)
    else:
        faults.checkpoint("dedup.resolve")
        # An engine may resolve in its own shuffle (Spark, Beam); the result must equal the local one.
        resolver = getattr(executor, "resolve_dedup", None) or resolve
        result = resolver(
            feature_files, dedup, work_dir=os.path.join(plan.work_dir, "dedup"), workers=1, previous=list(dedup.against)
        )
        faults.checkpoint("dedup.save")
        result.save(saved + ".tmp")  # then renamed: a crash inside save must not leave a partial result to load
        faults.checkpoint("dedup.saved")
        os.replace(saved + ".tmp", saved)
    signature_files: list[dict[str, Any]] = []
    if dedup.minhash is not None and dedup.minhash.store_signatures:
        from pajama.storage import sha256_file

        base = (local_path(plan.release_uri) or plan.release_uri).rstrip("/")
        for path in write_signatures(feature_files, base, shards=plan.config.shards, result=result):
            sha, size = sha256_file(path)
            rel = path.removeprefix(base + "/")
            signature_files.append(
                {
                    "kind": "minhash",
                    "path": rel,
                    "sha256": sha,
                    "bytes": size,
                    "documents": None,
                    "source": rel.split("/")[1],
                }
            )
    removed = {
        k: {"reason": v.reason, "duplicate_of": v.duplicate_of, "cluster_id": v.cluster_id}
        for k, v in result.removed.items()
    }
    return removed, result.stats, signature_files


def _feature_path(plan: Plan, r: InputResult) -> str:
    src = source_by_name(plan, r.source)
    inp = next(i for i in src.inputs if i.uri == r.uri)
    return os.path.join(_map_dir(plan, src, inp), r.features or "")


def _write_phase(
    plan: Plan, executor: Executor, inputs: list[InputResult], removed: dict[str, Any], progress: Any
) -> list[ShardResult]:
    results: dict[tuple[str, int], ShardResult] = {}
    todo: list[WriteTask] = []
    for src in plan.sources:
        for shard in range(plan.config.shards):
            marker = shard_done_path(plan, src.name, shard)
            if os.path.exists(marker) and _shard_files_intact(plan, marker):
                with open(marker) as f:
                    results[(src.name, shard)] = ShardResult.from_json(json.load(f))
                continue
            runs = [
                (r.sha256, os.path.join(_map_dir(plan, src, _input_of(src, r)), name))
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

    executor.run_write(plan, todo, removed, done)
    return [results[(s.name, k)] for s in plan.sources for k in range(plan.config.shards)]


def _input_of(src: SourcePlan, r: InputResult) -> InputFile:
    return next(i for i in src.inputs if i.uri == r.uri)


def _shard_files_intact(plan: Plan, done_path: str) -> bool:
    """A shard marked done is reused only when every file it wrote is still there, whole."""
    from pajama.storage import sha256_file

    with open(done_path) as f:
        files = json.load(f)["files"]
    for entry in files:
        uri = join(plan.release_uri, entry["path"])
        try:
            if sha256_file(uri)[0] != entry["sha256"]:
                return False
        except FileNotFoundError:
            return False
    return True
