"""Progress at the CLI edge: a rich progress bar on a terminal, plain log lines elsewhere.

Without a terminal (a batch job, `nohup`, CI) each phase logs a start line, then a line per finished input
or shard at most every `interval` seconds (items done/total, documents, rate, ETA), and an end line with
its wall time; long phases without a finished item (dedup) log that they are still running. The lines go
to stderr, as the bar does, so stdout stays the command's result.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any, TextIO

UNITS = {"read": "inputs", "write": "shards", "dedup": "documents"}
DEFAULT_INTERVAL = 10.0


def _interval() -> float:
    try:
        return max(0.0, float(os.environ.get("PAJAMA_PROGRESS_INTERVAL", DEFAULT_INTERVAL)))
    except ValueError:
        return DEFAULT_INTERVAL


def _clock(seconds: float) -> str:
    s = round(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


class Progress:
    def __init__(self, *, enabled: bool | None = None, interval: float | None = None, out: TextIO | None = None):
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self.interval = _interval() if interval is None else interval
        self._out = out
        self._bar: Any = None
        self._tasks: dict[str, Any] = {}
        self._docs: dict[str, int] = {}
        self._done: dict[str, int] = {}
        self._total: dict[str, int] = {}
        self._t0: dict[str, float] = {}
        self._last = 0.0
        self._ticker: threading.Event | None = None

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
        self._stop_ticker()
        if self._bar is not None:
            self._bar.__exit__(*exc)

    def _print(self, line: str) -> None:
        print(line, file=self._out or sys.stderr, flush=True)

    def start_phase(self, name: str, total: int, completed: int) -> None:
        self._docs[name], self._done[name], self._total[name] = 0, completed, total
        self._t0[name] = self._last = time.monotonic()
        unit = UNITS.get(name, "items")
        if self._bar is not None:
            self._tasks[name] = self._bar.add_task(name, total=total, completed=completed, rate="")
        elif total:
            self._print(f"{name}: {total:,} {unit} ({completed:,} already done)")

    def advance(self, name: str, documents: int, item: str | None = None) -> None:
        self._docs[name] += documents
        self._done[name] += 1
        elapsed = max(time.monotonic() - self._t0[name], 1e-6)
        rate = self._docs[name] / elapsed
        if self._bar is not None:
            self._bar.update(self._tasks[name], advance=1, rate=f"{rate:,.0f} docs/s")
            return
        now = time.monotonic()
        finished = self._done[name] >= self._total[name]
        if now - self._last < self.interval and not finished:
            return
        self._last = now
        done, total = self._done[name], self._total[name]
        eta = (total - done) * elapsed / max(done, 1) if done < total else 0.0
        where = f" (last: {item})" if item else ""
        self._print(
            f"{name}: {done:,}/{total:,} {UNITS.get(name, 'items')}, {self._docs[name]:,} documents, "
            f"{rate:,.0f} docs/s, elapsed {_clock(elapsed)}, ETA {_clock(eta)}{where}"
        )

    def phase_done(self, name: str, wall: float, detail: str = "") -> None:
        """The end line of a phase (also for phases without items, such as dedup)."""
        self._stop_ticker()
        if self._bar is None:
            self._print(f"{name}: done in {_clock(wall)}" + (f", {detail}" if detail else ""))

    def running(self, name: str, what: str) -> None:
        """A phase with no per-item progress: log its start, then that it is still running, every interval."""
        if self._bar is not None:
            return
        self._print(f"{name}: {what}")
        self._stop_ticker()
        stop = threading.Event()
        self._ticker = stop
        t0 = time.monotonic()

        def tick() -> None:
            while not stop.wait(max(self.interval, 1.0)):
                self._print(f"{name}: still running, elapsed {_clock(time.monotonic() - t0)}")

        threading.Thread(target=tick, name=f"pajama-progress-{name}", daemon=True).start()

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.set()
            self._ticker = None
