"""The Apache Beam engine: map and write tasks as Beam transforms, on any Beam runner.

Each map task (one input) and each write task (one source shard) is one element; workers call the same
core functions as the local engine (pajama.build.driver.map_one / write_one) and leave their result files in
`work_dir`, which the driver reads back once the pipeline finished. Beam metrics counters tally records,
documents and kept documents independently of those results, and the two are checked against each other.
Runners: the classic DirectRunner locally (the default here: Prism needs to download its binary); on a
cluster FlinkRunner, SparkRunner or DataflowRunner with pajama shipped as a wheel (`--extra_package
dist/pajama-*.whl`) or `--setup_file`, and `work_dir`/`output` on storage every worker reaches.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from typing import Any

from pajama.build.driver import MapTask, WriteTask, map_one, map_result_path, shard_done_path, write_one
from pajama.build.pipeline import InputResult
from pajama.build.plan import Plan
from pajama.build.write import ShardResult

NAMESPACE = "pajama"


class BeamExecutor:
    name = "beam"

    def __init__(
        self, *, workers: int | None = None, runner: str | None = None, pipeline_args: list[str] | None = None
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)  # as --workers says: default all cores
        self.runner = runner or "DirectRunner"
        self.pipeline_args = list(pipeline_args or [])
        self.counters: dict[str, int] = {}

    def _options(self) -> Any:
        from apache_beam.options.pipeline_options import PipelineOptions

        args = list(self.pipeline_args)
        if self.runner == "DirectRunner":
            runner: Any = _classic_direct_runner()
            if self.workers > 1:
                args += ["--direct_running_mode=multi_processing", f"--direct_num_workers={self.workers}"]
        else:
            runner = self.runner
        return runner, PipelineOptions(args)

    def _run(self, label: str, elements: list[Any], fn: Callable[[Any], dict[str, int]]) -> None:
        import apache_beam as beam
        from apache_beam.metrics import Metrics
        from apache_beam.metrics.metric import MetricsFilter

        def work(element: Any) -> None:
            for name, n in fn(element).items():
                Metrics.counter(NAMESPACE, name).inc(n)

        runner, options = self._options()
        pipeline = beam.Pipeline(runner=runner, options=options)
        _ = pipeline | f"{label}-tasks" >> beam.Create(elements, reshuffle=True) | f"{label}-run" >> beam.Map(work)
        outcome = pipeline.run()
        outcome.wait_until_finish()
        for counter in outcome.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]:
            name = counter.key.metric.name
            self.counters[name] = self.counters.get(name, 0) + int(counter.committed or counter.attempted or 0)

    def run_map(self, plan: Plan, tasks: Sequence[MapTask], done: Callable[[MapTask, InputResult], None]) -> None:
        if not tasks:
            return
        before = dict(self.counters)

        def fn(task: MapTask) -> dict[str, int]:
            result = map_one(plan, task)
            return {"records": result.records, "documents": result.documents}

        self._run("map", list(tasks), fn)
        results = []
        for task in tasks:
            with open(map_result_path(task)) as f:
                result = InputResult.from_json(json.load(f))
            results.append(result)
            done(task, result)
        self._check(before, "records", sum(r.records for r in results))
        self._check(before, "documents", sum(r.documents for r in results))

    def run_write(
        self,
        plan: Plan,
        tasks: Sequence[WriteTask],
        removed: dict[str, Any],
        done: Callable[[WriteTask, ShardResult], None],
    ) -> None:
        if not tasks:
            return
        before = dict(self.counters)

        def fn(task: WriteTask) -> dict[str, int]:
            return {"kept": write_one(plan, task, removed).kept}

        self._run("write", list(tasks), fn)
        results = []
        for task in tasks:
            with open(shard_done_path(plan, task.source, task.shard)) as f:
                result = ShardResult.from_json(json.load(f))
            results.append(result)
            done(task, result)
        self._check(before, "kept", sum(r.kept for r in results))

    def resolve_dedup(
        self, feature_files: list[str], cfg: Any, *, work_dir: str, workers: int = 1, previous: Sequence[str] = ()
    ) -> Any:
        """The dedup decision with Beam transforms (jobs/beam_dedup.py); equal to dedup.stage.resolve()'s."""
        from pajama.jobs.beam_dedup import resolve

        return resolve(feature_files, cfg, work_dir=work_dir, previous=previous, options=self._options)

    def _check(self, before: dict[str, int], name: str, reported: int) -> None:
        counted = self.counters.get(name, 0) - before.get(name, 0)
        if counted != reported:
            raise RuntimeError(f"beam counter {name}={counted} disagrees with task results ({reported})")


def _classic_direct_runner() -> Any:
    """Beam's Python DirectRunner, not the Prism runner that newer Beam switches to (it fetches a binary)."""
    from apache_beam.runners.direct.direct_runner import SwitchingDirectRunner

    return SwitchingDirectRunner()
