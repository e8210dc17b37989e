"""The executor protocol (pajama.engine), the `engine:` config section and the work folder (pajama.workdir)."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from pajama import engine, registry
from pajama.build import config as config_mod
from pajama.build import plan as plan_mod
from pajama.build.driver import run
from pajama.errors import ConfigError
from pajama.jobs.local import LocalExecutor
from pajama.workdir import WorkDir
from tests.spine.helpers import data_bytes, manifest, pajama, write_config, write_corpus

PICKLED: list[int] = []


@dataclass(frozen=True)
class Payload:
    """Stands in for the plan a task function carries: counts how often it is pickled in this process."""

    factor: int

    def __reduce__(self) -> tuple[Any, ...]:
        PICKLED.append(self.factor)
        return (Payload, (self.factor,))


def times(payload: Payload, task: int) -> int:
    return payload.factor * task


def test_the_local_pool_ships_the_task_function_once_per_worker() -> None:
    PICKLED.clear()
    got: dict[int, int] = {}
    LocalExecutor(workers=2).map(functools.partial(times, Payload(3)), list(range(8)), got.__setitem__)
    assert got == {i: 3 * i for i in range(8)}
    assert len(PICKLED) == 2  # one per worker process, not one per task


@dataclass
class Tallied:
    n: int

    def counters(self) -> dict[str, int]:
        return {"kept": self.n}


def test_deliver_checks_the_engines_own_tally() -> None:
    results = [Tallied(2), Tallied(5)]
    seen: list[tuple[str, int]] = []
    counters: dict[str, int] = {}
    engine.deliver("x", ["a", "b"], results, lambda t, r: seen.append((t, r.n)), {"kept": 7}, counters)
    assert seen == [("a", 2), ("b", 5)] and counters == {"kept": 7}
    with pytest.raises(RuntimeError, match="x counter kept=6 disagrees with task results \\(7\\)"):
        engine.deliver("x", ["a", "b"], results, lambda t, r: None, {"kept": 6}, counters)


def test_engines_are_registered_with_typed_options() -> None:
    assert {"local", "beam", "spark"} <= set(registry.engines())
    spark = engine.make_executor("spark", workers=3, options={"master": "local[3]"}, args=["spark.x.y=1"])
    assert (spark.workers, spark.master, spark.conf) == (3, "local[3]", {"spark.x.y": "1"})  # type: ignore[attr-defined]
    with pytest.raises(ConfigError, match=r"engine.options.colour: unknown option"):
        engine.make_executor("beam", options={"colour": "red"})
    with pytest.raises(ConfigError, match=r"engine.options.master: Input should be a valid string"):
        engine.make_executor("spark", options={"master": 2})
    with pytest.raises(ConfigError, match=r"unknown engine 'flink' \(known engines: .*local"):
        engine.make_executor("flink")
    with pytest.raises(ConfigError, match="takes no arguments after --"):
        engine.make_executor("local", args=["--x"])


def test_the_engine_section_runs_and_leaves_the_config_digest_alone(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", files=2, per_file=6)
    inputs = [str(tmp_path / "in" / "*")]
    plain = write_config(tmp_path / "a.yaml", inputs, tmp_path / "out")
    with_engine = write_config(tmp_path / "b.yaml", inputs, tmp_path / "out", engine={"name": "local", "workers": 1})
    assert config_mod.load(plain).sha256() == config_mod.load(with_engine).sha256()
    assert pajama("run", str(plain), "--workers", "1", "--output", str(tmp_path / "a"), cwd=tmp_path).returncode == 0
    assert pajama("run", str(with_engine), "--output", str(tmp_path / "b"), cwd=tmp_path).returncode == 0
    a, b = tmp_path / "a/t/1.0.0", tmp_path / "b/t/1.0.0"
    assert data_bytes(a) == data_bytes(b)
    engine_record = {k: v for k, v in manifest(b)["engine"].items() if k != "timing"}  # timing: not data
    assert engine_record == {"name": "local", "workers": 1}
    assert manifest(b)["config"]["engine"] == {"name": "local", "workers": 1, "options": {}}
    bad = write_config(tmp_path / "c.yaml", inputs, tmp_path / "c", engine={"name": "spark", "options": {"mastr": 1}})
    proc = pajama("run", str(bad), cwd=tmp_path)
    assert proc.returncode == 2 and "engine.options.mastr: unknown option" in proc.stderr
    assert not (tmp_path / "c").exists()  # refused before any work


def test_the_work_folder_holds_every_checkpoint(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", files=2, per_file=6)
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out")
    plan = plan_mod.build(config_mod.load(cfg))
    run(plan, LocalExecutor(workers=1))
    work = plan.work
    src = plan.sources[0]
    for inp in src.inputs:
        result = work.load_if_done(work.map_done(work.map_dir(src.name, inp)))
        assert result is not None and result["uri"] == inp.uri
    shards = [work.load_json(work.shard_done(src.name, k)) for k in range(plan.config.shards)]
    assert sum(s["kept"] for s in shards) == manifest(tmp_path / "out/t/1.0.0")["sources"]["docs"]["kept"]


def test_work_dir_markers_go_through_fsspec() -> None:
    work = WorkDir("memory://pajama-test-work")
    marker = work.shard_done("web", 3)
    assert marker == "memory://pajama-test-work/write/web/00003.json"
    assert work.load_if_done(marker) is None
    work.save_json(marker, {"kept": 1})
    assert work.load_if_done(marker) == {"kept": 1}
    work.clear()
    assert work.load_if_done(marker) is None
