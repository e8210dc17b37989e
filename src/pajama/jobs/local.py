"""The local engine: worker processes over inputs, then over shards. The default engine."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any

from pajama.build.driver import MapTask, WriteTask, map_one, write_one
from pajama.build.pipeline import InputResult
from pajama.build.plan import Plan
from pajama.build.write import ShardResult

_PLAN: Plan | None = None
_REMOVED: dict[str, Any] = {}


def _init(plan: Plan, removed: dict[str, Any]) -> None:
    global _PLAN, _REMOVED
    _PLAN, _REMOVED = plan, removed


def _map(task: MapTask) -> InputResult:
    if _PLAN is None:
        raise RuntimeError("worker not initialized")
    return map_one(_PLAN, task)


def _write(task: WriteTask) -> ShardResult:
    if _PLAN is None:
        raise RuntimeError("worker not initialized")
    return write_one(_PLAN, task, _REMOVED)


class LocalExecutor:
    """Runs tasks in `workers` processes (default: all cores); with one worker, in this process."""

    name = "local"

    def __init__(self, *, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)

    def run_map(self, plan: Plan, tasks: Sequence[MapTask], done: Callable[[MapTask, InputResult], None]) -> None:
        if self.workers == 1 or len(tasks) <= 1:
            for task in tasks:
                done(task, map_one(plan, task))
            return
        self._pool(plan, {}, _map, tasks, done)

    def run_write(
        self,
        plan: Plan,
        tasks: Sequence[WriteTask],
        removed: dict[str, Any],
        done: Callable[[WriteTask, ShardResult], None],
    ) -> None:
        if self.workers == 1 or len(tasks) <= 1:
            for task in tasks:
                done(task, write_one(plan, task, removed))
            return
        self._pool(plan, removed, _write, tasks, done)

    def _pool(
        self,
        plan: Plan,
        removed: dict[str, Any],
        fn: Callable[[Any], Any],
        tasks: Sequence[Any],
        done: Callable[[Any, Any], None],
    ) -> None:
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_init, initargs=(plan, removed)) as pool:
            pending: dict[Future[Any], Any] = {}
            queue = list(tasks)
            while queue or pending:
                while queue and len(pending) < self.workers * 2:
                    task = queue.pop(0)
                    pending[pool.submit(fn, task)] = task
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    done(pending.pop(fut), fut.result())
