"""Progress at the CLI edge: a rich progress bar on a terminal, plain log lines elsewhere."""

from __future__ import annotations

import sys
import time
from typing import Any


class Progress:
    def __init__(self, *, enabled: bool | None = None) -> None:
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._docs: dict[str, int] = {}
        self._t0: dict[str, float] = {}

    def __enter__(self) -> Progress:
        if self.enabled:
            from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
            from rich.progress import Progress as Bar

            self._bar = Bar(
                TextColumn("{task.description:<6}"),
                BarColumn(),
                MofNCompleteColumn(),
                TextColumn("{task.fields[rate]}"),
                TimeElapsedColumn(),
                transient=False,
            )
            self._bar.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def start_phase(self, name: str, total: int, completed: int) -> None:
        self._docs[name] = 0
        self._t0[name] = time.monotonic()
        unit = "inputs" if name == "read" else "shards"
        if self._bar is not None:
            self._tasks[name] = self._bar.add_task(name, total=total, completed=completed, rate="")
        elif total:
            print(f"{name}: {total} {unit} ({completed} already done)", file=sys.stderr)

    def advance(self, name: str, documents: int) -> None:
        self._docs[name] += documents
        rate = self._docs[name] / max(time.monotonic() - self._t0[name], 1e-6)
        if self._bar is not None:
            self._bar.update(self._tasks[name], advance=1, rate=f"{rate:,.0f} docs/s")
