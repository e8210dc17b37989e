"""The Spark engine: the same tasks as the local engine, one Spark partition each.

Workers call the task function the driver hands over (broadcast once), so the release is byte-identical;
results come back by value through `collect`. The results' counters are also tallied through a Spark
accumulator and the two are checked against each other (engine.deliver). Spark needs PYSPARK_PYTHON
to name the Python that has pajama installed; this engine sets it to the driver's interpreter when unset.
On a cluster, ship pajama as a wheel (`--py-files dist/pajama-*.whl` or `spark.submit.pyFiles`) and put
`work_dir` and `output` on storage every executor can reach.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from pajama.engine import Counted, deliver
from pajama.errors import ConfigError
from pajama.registry import register_engine

if TYPE_CHECKING:
    from pajama.dedup.config import DedupConfig
    from pajama.dedup.stage import DedupResult

T = TypeVar("T")
R = TypeVar("R")


class SparkOptions(BaseModel):
    """`engine.options` of the Spark engine (`--engine-opt master=yarn`; spark.key=value settings after `--`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    master: str | None = Field(
        None, description="local[N] (default: local[workers]), spark://host:7077, yarn, k8s://..."
    )
    conf: dict[str, str] = Field(default_factory=dict, description="Spark settings, e.g. spark.executor.memory: 4g")
    py_files: list[str] = Field(default_factory=list, description="wheels or zips shipped to every executor")


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


@register_engine("spark", options=SparkOptions)
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

    @staticmethod
    def from_args(args: list[str]) -> dict[str, Any]:
        """`-- spark.executor.memory=4g spark.submit.pyFiles=dist/pajama.whl`: Spark settings after `--`."""
        conf = {}
        for pair in args:
            key, sep, value = pair.partition("=")
            if not sep or not key.startswith("spark."):
                raise ConfigError("--", f"Spark settings after -- are spark.key=value, got {pair!r}")
            conf[key] = value
        return {"conf": conf}

    @property
    def spark(self) -> Any:
        if self._spark is None:
            self._spark = _session(self.master, "pajama", self.conf)
            self._spark.sparkContext.setLogLevel("ERROR")
            for path in self.py_files:  # first on the executors' sys.path: the shipped code wins
                self._spark.sparkContext.addPyFile(_zip_name(path))
        return self._spark

    def map(self, fn: Callable[[T], R], tasks: Sequence[T], done: Callable[[T, R], None]) -> None:
        if not tasks:
            return
        sc = self.spark.sparkContext
        fn_b = sc.broadcast(fn)  # the task function and its plan travel once per executor, not per task
        counted = sc.accumulator({}, _counts_param())

        def work(item: tuple[int, T]) -> tuple[int, R]:
            index, task = item
            result = fn_b.value(task)
            if isinstance(result, Counted):
                counted.add(result.counters())
            return index, result

        rdd = sc.parallelize(list(enumerate(tasks)), len(tasks))
        by_index = dict(rdd.map(work).collect())
        results = [by_index[i] for i in range(len(tasks))]
        deliver("spark accumulator", tasks, results, done, counted.value, self.counters)

    def resolve_dedup(
        self,
        feature_files: list[str],
        cfg: DedupConfig,
        *,
        work_dir: str,
        workers: int = 1,
        previous: Sequence[str] = (),
    ) -> DedupResult:
        """The dedup decision in Spark's shuffle (jobs/spark_dedup.py); equal to dedup.stage.resolve()'s."""
        from pajama.jobs.spark_dedup import resolve

        return resolve(self.spark, feature_files, cfg, previous=previous)

    def close(self) -> None:
        if self._spark is not None:
            self._spark.stop()
            self._spark = None


def _counts_param() -> Any:
    """An accumulator of {name: count} dicts (Spark's built-in ones hold one number)."""
    from pyspark.accumulators import AccumulatorParam

    class Counts(AccumulatorParam):  # type: ignore[type-arg]
        def zero(self, value: dict[str, int]) -> dict[str, int]:
            return {}

        def addInPlace(self, a: dict[str, int], b: dict[str, int]) -> dict[str, int]:
            for name, n in b.items():
                a[name] = a.get(name, 0) + n
            return a

    return Counts()
