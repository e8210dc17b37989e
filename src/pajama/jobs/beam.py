"""The Apache Beam engine: each task is one element of a Beam pipeline, on any Beam runner.

Workers call the task function the driver hands over (the same one the local engine calls) and leave
each result, pickled, in the engine's scratch folder of the work dir; the driver reads them back once the
pipeline finished (Beam has no general way to return values to the launcher). Beam metrics counters
tally the results' counters independently, and the two are checked against each other (engine.deliver).
Runners: the classic DirectRunner locally (the default here: Prism needs to download its binary); on a
cluster FlinkRunner, SparkRunner or DataflowRunner with pajama shipped as a wheel (`--extra_package
dist/pajama-*.whl`) or `--setup_file`, and `work_dir`/`output` on storage every worker reaches.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from pajama.engine import Counted, deliver
from pajama.registry import register_engine
from pajama.storage import atomic_write
from pajama.workdir import WorkDir

if TYPE_CHECKING:
    from pajama.dedup.config import DedupConfig
    from pajama.dedup.stage import DedupResult

NAMESPACE = "pajama"
T = TypeVar("T")
R = TypeVar("R")


class BeamOptions(BaseModel):
    """`engine.options` of the Beam engine (`--engine-opt runner=FlinkRunner`; pipeline args after `--`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    runner: str | None = Field(None, description="DirectRunner (default), FlinkRunner, SparkRunner, DataflowRunner")
    pipeline_args: list[str] = Field(default_factory=list, description="Beam pipeline options, e.g. --project=P")


@register_engine("beam", options=BeamOptions)
class BeamExecutor:
    name = "beam"

    def __init__(
        self, *, workers: int | None = None, runner: str | None = None, pipeline_args: list[str] | None = None
    ) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)  # as --workers says: default all cores
        self.runner = runner or "DirectRunner"
        self.pipeline_args = list(pipeline_args or [])
        self.counters: dict[str, int] = {}
        self._work: WorkDir | None = None
        self._runs = 0

    @staticmethod
    def from_args(args: list[str]) -> dict[str, Any]:
        """`pajama run CONFIG --engine beam -- --project=P ...`: the words after `--` are pipeline args."""
        return {"pipeline_args": args}

    def attach(self, work: WorkDir) -> None:
        self._work = work

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

    def map(self, fn: Callable[[T], R], tasks: Sequence[T], done: Callable[[T, R], None]) -> None:
        if not tasks:
            return
        self._runs += 1
        label = f"tasks{self._runs}"
        scratch = self._work.engine_scratch("beam", label) if self._work else tempfile.mkdtemp(prefix="pajama-beam-")
        work = WorkDir(scratch)

        def run_one(item: tuple[int, T]) -> dict[str, int]:
            index, task = item
            result = fn(task)
            with atomic_write(work.path(f"{index:06d}.pickle"), "wb") as f:
                pickle.dump(result, f, protocol=pickle.HIGHEST_PROTOCOL)
            return result.counters() if isinstance(result, Counted) else {}

        counted = self._run(label, list(enumerate(tasks)), run_one)
        results = []
        for index in range(len(tasks)):
            with work.fs.open(work.path(f"{index:06d}.pickle"), "rb") as f:
                results.append(pickle.load(f))
        work.clear()
        deliver("beam", tasks, results, done, counted, self.counters)

    def _run(self, label: str, elements: list[Any], fn: Callable[[Any], dict[str, int]]) -> dict[str, int]:
        """Run `fn` on every element in one pipeline; the metrics counters its calls reported, summed."""
        import apache_beam as beam
        from apache_beam.metrics import Metrics
        from apache_beam.metrics.metric import MetricsFilter

        def work(element: Any) -> None:
            for name, n in fn(element).items():
                Metrics.counter(NAMESPACE, name).inc(n)

        runner, options = self._options()
        pipeline = beam.Pipeline(runner=runner, options=options)
        _ = pipeline | f"{label}-create" >> beam.Create(elements, reshuffle=True) | f"{label}-run" >> beam.Map(work)
        outcome = pipeline.run()
        outcome.wait_until_finish()
        counted: dict[str, int] = {}
        for counter in outcome.metrics().query(MetricsFilter().with_namespace(NAMESPACE))["counters"]:
            name = counter.key.metric.name
            counted[name] = counted.get(name, 0) + int(counter.committed or counter.attempted or 0)
        return counted

    def resolve_dedup(
        self,
        feature_files: list[str],
        cfg: DedupConfig,
        *,
        work_dir: str,
        workers: int = 1,
        previous: Sequence[str] = (),
    ) -> DedupResult:
        """The dedup decision with Beam transforms (jobs/beam_dedup.py); equal to dedup.stage.resolve()'s."""
        from pajama.jobs.beam_dedup import resolve

        return resolve(feature_files, cfg, work_dir=work_dir, previous=previous, options=self._options)


def _classic_direct_runner() -> Any:
    """Beam's Python DirectRunner, not the Prism runner that newer Beam switches to (it fetches a binary)."""
    from apache_beam.runners.direct.direct_runner import SwitchingDirectRunner

    return SwitchingDirectRunner()
