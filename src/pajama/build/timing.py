"""Wall and CPU time per phase and per input, for the manifest's `engine.timing`.

Timing is about the run, not the data: it sits in `engine` (which release_digest does not cover and
`manifest diff` does not compare as data), so two runs of the same config stay byte-identical in their
shards and digest whatever the load. CPU time of a phase counts this process and its finished worker
processes (os.times children, which include a local pool's workers once the phase has joined them);
an input's CPU time is its worker's process time while it was read. Inputs reused from a checkpoint were
not read in this run and show 0.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from typing import Any


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class PhaseTimer:
    def __init__(self, progress: Any = None) -> None:
        self.progress = progress
        self.phases: dict[str, dict[str, float]] = {}

    @contextlib.contextmanager
    def phase(self, name: str, what: str = "") -> Iterator[None]:
        wall0, cpu0 = time.monotonic(), _cpu()
        if self.progress is not None and name == "dedup":
            self.progress.running(name, f"resolving duplicates among {what}" if what else "resolving duplicates")
        yield
        wall = time.monotonic() - wall0
        self.phases[name] = {"wall_s": round(wall, 3), "cpu_s": round(_cpu() - cpu0, 3)}
        if self.progress is not None:
            self.progress.phase_done(name, wall, f"cpu {self.phases[name]['cpu_s']:,.1f} s")

    def summary(self, inputs: list[Any]) -> dict[str, Any]:
        return {
            "phases": self.phases,
            "inputs": [
                {"source": r.source, "name": r.name, "wall_s": round(r.wall_s, 3), "cpu_s": round(r.cpu_s, 3)}
                for r in inputs
            ],
        }
