"""The Spark engine: the same map and write tasks as the local engine, scheduled by Spark.

Inputs are the partitions of the map stage; (source, shard) pairs are the partitions of the write stage.
Workers call the same core functions as the local engine (pajama.build.driver.map_one / write_one), so the
release is byte-identical. Counters come back through Spark accumulators and are checked against the
per-task results. Spark needs PYSPARK_PYTHON to name the Python that has pajama installed; this engine
sets it to the driver's interpreter when it is unset. On a cluster, ship pajama as a wheel
(`--py-files dist/pajama-*.whl` or `spark.submit.pyFiles`) and put `work_dir` and `output` on storage
every executor can reach.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any

from pajama.build.driver import MapTask, WriteTask, map_one, write_one
from pajama.build.pipeline import InputResult
from pajama.build.plan import Plan
from pajama.build.write import ShardResult


def _session(master: str, app: str, conf: dict[str, str]) -> Any:
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.master(master).appName(app)
    for key, value in {"spark.ui.enabled": "false", "spark.ui.showConsoleProgress": "false", **conf}.items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def _zip_name(path: str) -> str:
    """Spark puts shipped .zip/.egg files on the workers' sys.path but not .whl ones: a wheel is a zip."""
    if not path.endswith(".whl"):
        return path
    import shutil
    import tempfile

    target = os.path.join(tempfile.mkdtemp(prefix="pajama-pyfiles-"), os.path.basename(path)[:-4] + ".zip")
    shutil.copyfile(path, target)
    return target


class SparkExecutor:
    name = "spark"

    def __init__(
        self,
        *,
        workers: int | None = None,
        master: str | None = None,
        conf: dict[str, str] | None = None,
        py_files: Sequence[str] = (),
    ) -> None:
        self.workers = workers or 2
        self.master = master or f"local[{self.workers}]"
        self.conf = conf or {}
        #: wheels or zips shipped to every executor (e.g. dist/pajama-0.1.0-py3-none-any.whl)
        self.py_files = [*py_files, *filter(None, self.conf.get("spark.submit.pyFiles", "").split(","))]
        self.counters: dict[str, int] = {}
        self._spark: Any = None

    @property
    def spark(self) -> Any:
        if self._spark is None:
            self._spark = _session(self.master, "pajama", self.conf)
            self._spark.sparkContext.setLogLevel("ERROR")
            for path in self.py_files:  # first on the executors' sys.path: the shipped code wins
                self._spark.sparkContext.addPyFile(_zip_name(path))
        return self._spark

    def run_map(self, plan: Plan, tasks: Sequence[MapTask], done: Callable[[MapTask, InputResult], None]) -> None:
        if not tasks:
            return
        sc = self.spark.sparkContext
        plan_b = sc.broadcast(plan)
        records = sc.accumulator(0)
        documents = sc.accumulator(0)

        def work(item: tuple[int, MapTask]) -> tuple[int, str]:
            index, task = item
            result = map_one(plan_b.value, task)
            records.add(result.records)
            documents.add(result.documents)
            return index, json.dumps(result.to_json())

        rdd = sc.parallelize(list(enumerate(tasks)), len(tasks))
        results = {i: InputResult.from_json(json.loads(r)) for i, r in rdd.map(work).collect()}
        for i, task in enumerate(tasks):
            done(task, results[i])
        self._check("records", records.value, sum(r.records for r in results.values()))
        self._check("documents", documents.value, sum(r.documents for r in results.values()))

    def run_write(
        self,
        plan: Plan,
        tasks: Sequence[WriteTask],
        removed: dict[str, Any],
        done: Callable[[WriteTask, ShardResult], None],
    ) -> None:
        if not tasks:
            return
        sc = self.spark.sparkContext
        plan_b = sc.broadcast(plan)
        removed_b = sc.broadcast(removed)
        kept = sc.accumulator(0)

        def work(item: tuple[int, WriteTask]) -> tuple[int, str]:
            index, task = item
            result = write_one(plan_b.value, task, removed_b.value)
            kept.add(result.kept)
            return index, json.dumps(result.to_json())

        rdd = sc.parallelize(list(enumerate(tasks)), len(tasks))
        results = {i: ShardResult.from_json(json.loads(r)) for i, r in rdd.map(work).collect()}
        for i, task in enumerate(tasks):
            done(task, results[i])
        self._check("kept", kept.value, sum(r.kept for r in results.values()))

    def resolve_dedup(
        self, feature_files: list[str], cfg: Any, *, work_dir: str, workers: int = 1, previous: Sequence[str] = ()
    ) -> Any:
        """The dedup decision in Spark's shuffle (jobs/spark_dedup.py); equal to dedup.stage.resolve()'s."""
        from pajama.jobs.spark_dedup import resolve

        return resolve(self.spark, feature_files, cfg, previous=previous)

    def _check(self, name: str, counted: int, reported: int) -> None:
        """Accumulators and task results are two independent tallies of the same numbers."""
        if counted != reported:
            raise RuntimeError(f"spark accumulator {name}={counted} disagrees with task results ({reported})")
        self.counters[name] = self.counters.get(name, 0) + counted

    def close(self) -> None:
        if self._spark is not None:
            self._spark.stop()
            self._spark = None
