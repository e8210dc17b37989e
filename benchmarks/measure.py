"""Measuring a stage: wall time, CPU time and peak memory of a child process and all its descendants.

Every stage runs in a fresh child process, so its peak RSS is its own. Two memory figures:
    peak_rss_mb        the largest resident set of any one process, sampled every SAMPLE_SECONDS from
                       /proc; stages also report their own high-water mark (VmHWM, see peak_rss_mb())
    peak_tree_rss_mb   the largest sum of resident sets over the whole process tree, sampled likewise
                       (what the machine needed; worker processes share little)
Not ru_maxrss of the child: on Linux a child started by fork/vfork + exec inherits the parent's
high-water mark, so it would report the suite's own size for every stage. CPU time is user + system of
the child and its descendants ("per core" rates divide by it, so other work on the machine skews them
less than it skews wall time).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SAMPLE_SECONDS = 0.2
PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096
TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
REPO = Path(__file__).resolve().parent.parent


def _proc_table() -> dict[int, tuple[int, float, int]]:
    """{pid: (ppid, cpu seconds, rss bytes)} of every process, from /proc."""
    table = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        # after "(comm)": state ppid ... utime(12) stime(13) ... rss(22), counted from state = 0
        table[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS, int(fields[21]) * PAGE)
    return table


@dataclass
class TreeSampler:
    """Samples the RSS sum and the per-process CPU time of `root` and its descendants in a thread."""

    root: int
    peak_tree: int = 0
    peak_one: int = 0
    cpu: dict[int, float] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample(self) -> None:
        if not os.path.isdir("/proc"):
            return
        table = _proc_table()
        children: dict[int, list[int]] = {}
        for pid, (ppid, _, _) in table.items():
            children.setdefault(ppid, []).append(pid)
        tree, todo = [], [self.root]
        while todo:
            pid = todo.pop()
            if pid in table:
                tree.append(pid)
                todo.extend(children.get(pid, []))
        rss = [table[p][2] for p in tree]
        self.peak_tree = max(self.peak_tree, sum(rss))
        self.peak_one = max(self.peak_one, max(rss, default=0))
        for pid in tree:
            self.cpu[pid] = max(self.cpu.get(pid, 0.0), table[pid][1])

    def run(self) -> None:
        while not self._stop.wait(SAMPLE_SECONDS):
            self.sample()

    def stop(self) -> None:
        self._stop.set()


@dataclass
class Measured:
    wall_s: float
    cpu_s: float
    peak_rss_mb: float
    peak_tree_rss_mb: float
    returncode: int
    stdout: str
    stderr: str

    def last_json(self) -> dict[str, Any]:
        """The last line of stdout that is a JSON object (what a stage or a benchmark script printed)."""
        for line in reversed(self.stdout.strip().splitlines()):
            if line.startswith("{"):
                result: dict[str, Any] = json.loads(line)
                return result
        raise RuntimeError(f"no JSON result in the output; stderr:\n{self.stderr[-3000:]}")


def run(cmd: list[str], *, env: dict[str, str] | None = None, cwd: Path = REPO, check: bool = True) -> Measured:
    """Run `cmd`, measuring it and its descendants; raises RuntimeError with stderr when it fails."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, env={**os.environ, **(env or {})}, text=True, stdout=out, stderr=err)
        sampler = TreeSampler(proc.pid)
        thread = threading.Thread(target=sampler.run, daemon=True)
        thread.start()
        _, status, usage = os.wait4(proc.pid, 0)  # the rusage of this child and the descendants it waited for
        wall = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        sampler.stop()
        thread.join()
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if check and proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {proc.returncode}:\n{stderr[-3000:]}")
    return Measured(
        wall_s=wall,
        cpu_s=max(usage.ru_utime + usage.ru_stime, sum(sampler.cpu.values())),
        peak_rss_mb=sampler.peak_one / 2**20,
        peak_tree_rss_mb=max(sampler.peak_tree, sampler.peak_one) / 2**20,
        returncode=proc.returncode,
        stdout=stdout,
        stderr=stderr,
    )


def python(module: str, *args: str, env: dict[str, str] | None = None, check: bool = True) -> Measured:
    """`python -m module args...` with this interpreter, measured."""
    return run([sys.executable, "-m", module, *args], env=env, check=check)


def peak_rss_mb() -> float:
    """This process's own resident-set high-water mark (VmHWM), in MB; 0 where /proc is missing."""
    try:
        with open("/proc/self/status") as f:
            line = next((x for x in f if x.startswith("VmHWM:")), "VmHWM: 0 kB")
    except OSError:
        return 0.0
    return int(line.split()[1]) / 1024
