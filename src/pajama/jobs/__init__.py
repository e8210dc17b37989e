"""Engines: thin adapters that run the same plan (local processes, Apache Beam, Spark)."""

from __future__ import annotations

from typing import Any

ENGINES = ("local", "beam", "spark")


def get_executor(engine: str, *, workers: int | None = None, **options: Any) -> Any:
    if engine == "local":
        from pajama.jobs.local import LocalExecutor

        return LocalExecutor(workers=workers)
    if engine == "beam":
        from pajama.jobs.beam import BeamExecutor

        return BeamExecutor(workers=workers, **options)
    if engine == "spark":
        from pajama.jobs.spark import SparkExecutor

        return SparkExecutor(workers=workers, **options)
    raise ValueError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
