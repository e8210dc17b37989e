"""Fault injection for crash tests: `checkpoint(point)` SIGKILLs its own process at a chosen occurrence.

The engine calls `checkpoint("<phase>.<where>")` at points where a crash would hurt most: while reading
(`read.item`), filtering (`filter.stage`), deduplicating (`dedup.*`), writing shards (`write.*`),
finalizing (`manifest.*`) and just before an atomic rename makes a file final (`storage.rename`).

Nothing happens unless the environment asks for it (read once, at import):

    PAJAMA_FAULT="write.row:17"         SIGKILL at the 17th pass through checkpoint("write.row")
    PAJAMA_FAULT="*:120"                SIGKILL at the 120th checkpoint of any kind
    PAJAMA_FAULT="read.item:3,dedup.save:1"   several specs: the first one reached fires
    PAJAMA_FAULT_LOG=/path/trace.txt    append each point passed, one per line (to learn a run's points)

Counts are per process: with worker processes, each worker counts its own passes. SIGKILL cannot be
caught, so no cleanup code runs: exactly what a power cut or the OOM killer does.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

ENV = "PAJAMA_FAULT"
LOG_ENV = "PAJAMA_FAULT_LOG"
ANY = "*"


def _parse(spec: str) -> dict[str, int]:
    """{"point": occurrence} from "point:n[,point:n...]"; malformed entries are ignored."""
    plan: dict[str, int] = {}
    for part in spec.split(","):
        point, sep, count = part.strip().rpartition(":")
        if sep and point and count.isdigit() and int(count) > 0:
            plan[point] = int(count)
    return plan


_PLAN: dict[str, int] = _parse(os.environ.get(ENV, ""))
_LOG: str | None = os.environ.get(LOG_ENV) or None
_ACTIVE = bool(_PLAN) or _LOG is not None
_seen: Counter[str] = Counter()


def arm(spec: str, log: str | None = None) -> None:
    """Set the plan after import (a test's forked child process); the same syntax as PAJAMA_FAULT."""
    global _PLAN, _LOG, _ACTIVE
    _PLAN, _LOG = _parse(spec), log
    _ACTIVE = bool(_PLAN) or _LOG is not None
    _seen.clear()


def checkpoint(point: str) -> None:
    """A place where the process may be killed (by PAJAMA_FAULT); free when fault injection is off."""
    if not _ACTIVE:
        return
    _seen[point] += 1
    _seen[ANY] += 1
    if _LOG is not None:
        fd = os.open(_LOG, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, f"{point}\n".encode())
        finally:
            os.close(fd)
    if _PLAN.get(point) == _seen[point] or _PLAN.get(ANY) == _seen[ANY]:
        os.kill(os.getpid(), signal.SIGKILL)
