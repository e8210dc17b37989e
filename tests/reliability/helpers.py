"""Shared by the reliability tests: sample inputs, configs, child processes, release comparisons."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
#: data folders of a release whose files must be byte-identical between equal runs
DATA_DIRS = ("data", "rejected", "signals", "minhash", "tokens")
#: manifest keys that must be equal between an interrupted-and-resumed run and an uninterrupted one
COMPARED_KEYS = ("release_digest", "inputs", "sources", "stages", "dedup", "licenses", "shards", "accounting")


def multi_source_config(path: Path, samples: Path, output: Path, **extra: Any) -> Path:
    """jsonl + books + stackexchange + arxiv + wikipedia + warc over `pajama samples`, with dedup."""
    config: dict[str, Any] = {
        "dataset": "crash",
        "version": "1.0.0",
        "output": str(output),
        "shards": 2,
        "rejected": True,
        "sources": {
            "docs": {
                "reader": "jsonl",
                "inputs": [f"{samples}/docs/*.jsonl", f"{samples}/docs/*.jsonl.gz"],
                "filters": [{"min_length": {"min_words": 20}}],
            },
            "books": {"reader": "books", "inputs": [f"{samples}/books/*.txt"]},
            "stackexchange": {"reader": "stackexchange", "inputs": [f"{samples}/stackexchange/*"]},
            "arxiv": {"reader": "arxiv", "inputs": [f"{samples}/arxiv/*.tar.gz"]},
            "wiki": {"reader": "wikipedia", "inputs": [f"{samples}/wiki/*.xml.bz2"]},
            "web": {"reader": "warc", "inputs": [f"{samples}/web/*.warc.gz"], "options": {"extractor": "resiliparse"}},
        },
        "dedup": {"exact": {}, "minhash": {"threshold": 0.8}},
        **extra,
    }
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


@dataclass
class Outcome:
    code: int  # exit status, or -signal number when a signal ended the process
    max_rss_mb: float
    stdout: str = ""
    stderr: str = ""


def _status(status: int) -> int:
    return -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)


def run_pajama(*args: str, cwd: Path, env: dict[str, str] | None = None, timeout: float = 300) -> Outcome:
    """`python -m pajama ARGS` in a fresh interpreter."""
    full_env = dict(os.environ, PYTHONWARNINGS="ignore", **(env or {}))
    proc = subprocess.run(
        [sys.executable, "-m", "pajama", *args], cwd=cwd, env=full_env, capture_output=True, text=True, timeout=timeout
    )
    return Outcome(proc.returncode, 0.0, proc.stdout, proc.stderr)


def run_pajama_rss(*args: str, cwd: Path, env: dict[str, str], timeout: float = 300) -> Outcome:
    """Like run_pajama, output to files, and the peak resident set size of exactly that child (wait4)."""
    # Linux carries the resident size a child had at fork (a copy of this big test process) into its
    # ru_maxrss across exec, so the run is started by a small launcher and measured from there.
    out_path, err_path, rss_path = cwd / ".child-stdout", cwd / ".child-stderr", cwd / ".child-rss"
    with open(out_path, "w") as out, open(err_path, "w") as err:
        proc = subprocess.Popen(
            [sys.executable, "-c", _LAUNCHER, str(rss_path), sys.executable, "-m", "pajama", *args],
            cwd=cwd,
            env=dict(env, PYTHONWARNINGS="ignore"),
            stdout=out,
            stderr=err,
        )
    proc.wait(timeout)
    status, maxrss_kb = (int(x) for x in rss_path.read_text().split())
    text_out, text_err = out_path.read_text(), err_path.read_text()
    for path in (out_path, err_path, rss_path):
        path.unlink()
    return Outcome(_status(status), maxrss_kb / 1024, text_out, text_err)


_LAUNCHER = """
import os, subprocess, sys
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
open(sys.argv[1], "w").write(f"{status} {usage.ru_maxrss}")
"""


def forked_pajama(
    *args: str,
    cwd: Path,
    fault: str = "",
    log: Path | None = None,
    tmp: Path | None = None,
    prepare: Callable[[], Any] | None = None,
    stderr: Path | None = None,
) -> int:
    """Run the CLI in a forked child of this (already warmed-up) interpreter, with a fault plan armed.

    A fork costs milliseconds where a new interpreter costs a second of imports; SIGKILL still ends a
    separate process, so nothing of the child's state survives into the next attempt. `prepare` runs in
    the child first (to install an injected failure). Returns the exit status, or -9 when the fault fired.
    """
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        code = 70
        try:
            os.chdir(cwd)
            sys.stdout = open(os.devnull, "w")
            sys.stderr = open(stderr or os.devnull, "w")
            os.dup2(sys.stdout.fileno(), 1)
            os.dup2(sys.stderr.fileno(), 2)
            if tmp is not None:
                import tempfile

                tempfile.tempdir = str(tmp)
            from pajama import faults
            from pajama.cli import main

            faults.arm(fault, str(log) if log else None)
            if prepare is not None:
                prepare()
            code = main(list(args))
        except BaseException:  # anything the child raises is its exit status (and its traceback on stderr)
            import traceback

            traceback.print_exc()
            code = 70
        sys.stderr.flush()
        os._exit(code)
    _, status = os.waitpid(pid, 0)
    return _status(status)


def manifest(release: Path) -> dict[str, Any]:
    return dict(json.loads((release / "manifest.json").read_text()))


def release_files(release: Path) -> dict[str, bytes]:
    """Every data-folder file of a release (relative path -> bytes)."""
    out = {}
    for top in DATA_DIRS:
        for p in sorted((release / top).rglob("*")) if (release / top).exists() else []:
            if p.is_file():
                out[str(p.relative_to(release))] = p.read_bytes()
    return out


def final_names(folder: Path) -> list[Path]:
    """Files whose names are final (temporary files of an atomic write start with a dot)."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and not p.name.startswith("."))


def verify_release(release: Path) -> list[str]:
    from pajama.manifests.verify import verify

    return list(verify(str(release)))


def check_no_partial_final_files(release: Path, work: Path, ref: Path) -> None:
    """After a kill: every file with a final name is whole (data identical to the reference's bytes)."""
    ref_manifest = manifest(ref)
    for path in final_names(release) if release.exists() else []:
        rel = str(path.relative_to(release))
        if rel.split("/", 1)[0] in DATA_DIRS:
            assert path.read_bytes() == (ref / rel).read_bytes(), f"{rel} carries a final name but differs"
        elif rel == "manifest.json":
            got = json.loads(path.read_text())
            assert {k: got[k] for k in COMPARED_KEYS} == {k: ref_manifest[k] for k in COMPARED_KEYS}
        elif rel == "report.html":
            assert path.read_text().rstrip().endswith("</html>")
        elif rel == "README.md":
            assert len(path.read_text().splitlines()) == len((ref / rel).read_text().splitlines())
        else:
            assert rel != "SHA256SUMS", "the release was sealed although the run was killed"
    for path in final_names(work):
        if path.suffix == ".json":
            json.loads(path.read_text())  # checkpoints are whole JSON or absent


def check_release(release: Path, ref: Path) -> None:
    got, want = manifest(release), manifest(ref)
    for key in COMPARED_KEYS:
        assert got[key] == want[key], key
    assert release_files(release) == release_files(ref)
    names = {str(p.relative_to(release)) for p in final_names(release)}
    assert names == {str(p.relative_to(ref)) for p in final_names(ref)}
    leftovers = [p for p in release.rglob(".*") if p.is_file()]
    assert not leftovers, f"temporary files left in the release: {leftovers}"
    assert verify_release(release) == []
