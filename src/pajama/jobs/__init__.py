"""Engines: thin executors (pajama.engine.Executor) that run the same tasks on local processes, Apache
Beam or Spark. Importing this package registers them (pajama.registry.register_engine)."""

from __future__ import annotations

from pajama.jobs import beam, local, spark

__all__ = ["beam", "local", "spark"]
