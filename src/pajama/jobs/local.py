"""The local engine: worker processes over tasks. The default engine."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from typing import Any, TypeVar

from pajama.registry import register_engine

T = TypeVar("T")
R = TypeVar("R")

_FN: Callable[[Any], Any] | None = None


def _install(fn: Callable[[Any], Any]) -> None:
    """Pool initializer: the task function (and the plan it carries) arrives once per worker."""
    global _FN
    _FN = fn


def _call(task: Any) -> Any:
    if _FN is None:
        raise RuntimeError("worker not initialized")
    return _FN(task)


@register_engine("local")
class LocalExecutor:
    """Runs tasks in `workers` processes (default: all cores); with one worker, in this process."""

    name = "local"

    def __init__(self, *, workers: int | None = None) -> None:
        self.workers = max(1, workers or os.cpu_count() or 1)

    def map(self, fn: Callable[[T], R], tasks: Sequence[T], done: Callable[[T, R], None]) -> None:
        if self.workers == 1 or len(tasks) <= 1:
            for task in tasks:
                done(task, fn(task))
            return
        ctx = multiprocessing.get_context("spawn")
        with ProcessPoolExecutor(self.workers, mp_context=ctx, initializer=_install, initargs=(fn,)) as pool:
            pending: dict[Future[R], T] = {}
            queue = list(tasks)
            while queue or pending:
                while queue and len(pending) < self.workers * 2:
                    task = queue.pop(0)
                    pending[pool.submit(_call, task)] = task
                finished, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in finished:
                    done(pending.pop(fut), fut.result())
