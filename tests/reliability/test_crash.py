"""Crash anywhere, lose nothing: SIGKILL a multi-source job at >= 20 seeded-random checkpoints, resume each
time, and require the same release as an uninterrupted run; no partial file ever carries a final name."""

from __future__ import annotations

import importlib
import random
import shutil
from collections import Counter
from pathlib import Path

import pytest

from .helpers import (
    check_no_partial_final_files,
    check_release,
    final_names,
    forked_pajama,
    multi_source_config,
    run_pajama,
    verify_release,
)

SEED = 20240613
MIN_KILLS = 20
TARGET_KILLS = 22  # distinct positions aimed at (a little above the minimum)
MAX_ATTEMPTS = 60
#: checkpoint points by the phase they interrupt (pajama.faults); `storage.rename` is every atomic write
PHASES = {
    "read": ("read.item", "map.result"),
    "filter": ("filter.stage",),
    "dedup": ("dedup.features", "dedup.resolve", "dedup.save", "dedup.saved"),
    "write": ("write.row", "write.done"),
    "rename": ("storage.rename",),
    "manifest": ("manifest.card", "manifest.write", "manifest.sums"),
}
ORDER = list(PHASES)


def _warm_up() -> None:
    """Import what a run imports, once, so that each forked attempt starts warm."""
    from pajama import registry
    from pajama.cli import build_parser

    registry.discover()
    build_parser()
    for module in ("pajama.build.driver", "pajama.dedup.stage", "pajama.manifests.builder", "pajama.jobs.local"):
        importlib.import_module(module)


@pytest.fixture(scope="module")
def reference(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Counter[str]]:
    """The uninterrupted run, and how often it passed each checkpoint."""
    _warm_up()
    root = tmp_path_factory.mktemp("crash-ref")
    cfg = multi_source_config(root / "c.yaml", samples, root / "out")
    trace = root / "trace.txt"
    assert forked_pajama("run", str(cfg), "--workers", "1", cwd=root, log=trace, tmp=root) == 0
    counts = Counter(trace.read_text().split())
    return root / "out/crash/1.0.0", counts


def _schedule(rng: random.Random, counts: Counter[str], hits: Counter[str]) -> list[tuple[str, str, int]]:
    """One campaign: kills in phase order, each at a random occurrence of a random point of that phase
    (random phases, plus the phase killed least so far, so that every phase gets its share)."""
    least = min(ORDER, key=lambda phase: (hits[phase], rng.random()))
    phases = sorted({*rng.sample(ORDER, rng.randint(1, 3)), least}, key=ORDER.index)
    plan = []
    for phase in phases:
        point = rng.choice([p for p in PHASES[phase] if counts[p]])
        # early occurrences: a resumed run skips finished inputs/shards, so late ones may never come
        plan.append((phase, point, rng.randint(1, max(1, counts[point] // 3))))
    return plan


@pytest.mark.slow
def test_sigkill_at_seeded_random_checkpoints_then_resume(
    samples: Path, reference: tuple[Path, Counter[str]], tmp_path: Path
) -> None:
    ref, counts = reference
    assert all(counts[p] for points in PHASES.values() for p in points if p != "dedup.saved"), counts
    rng = random.Random(SEED)
    kills: list[tuple[str, str, int]] = []
    campaigns = attempts = 0
    while attempts < MAX_ATTEMPTS and (len(set(kills)) < TARGET_KILLS or len({k[0] for k in kills}) < len(PHASES)):
        campaigns += 1
        root = tmp_path / f"campaign-{campaigns}"
        root.mkdir()
        cfg = multi_source_config(root / "c.yaml", samples, root / "out")
        release, work = root / "out/crash/1.0.0", root / "out/.pajama-work"
        for phase, point, n in [*_schedule(rng, counts, Counter(k[0] for k in kills)), ("none", "", 0)]:
            attempts += 1
            fault = f"{point}:{n}" if point else ""
            code = forked_pajama("run", str(cfg), "--workers", "1", cwd=root, fault=fault, tmp=root)
            if code == -9:
                kills.append((phase, point, n))
                check_no_partial_final_files(release, work, ref)
                continue
            assert code == 0, f"attempt after kills {kills[-3:]} exited {code}"
            break  # the campaign's release is complete (its remaining faults were never reached)
        check_release(release, ref)
        shutil.rmtree(root)
    assert len(set(kills)) >= MIN_KILLS, kills  # distinct (point, occurrence) positions
    by_phase = Counter(phase for phase, _, _ in kills)
    assert set(by_phase) == set(PHASES), by_phase  # every phase was interrupted at least once
    positions = {(point, n) for _, point, n in kills}
    print(f"{len(kills)} kills at {len(positions)} distinct positions in {campaigns} campaigns ({attempts} attempts):")
    print(f"  by phase {dict(by_phase)}; {sorted(positions)}")


def test_kills_while_sealing_leave_no_temporary_files_and_resume(samples: Path, tmp_path: Path) -> None:
    """PAJAMA_FAULT works in a fresh interpreter. Kills after manifest.json but before SHA256SUMS (the seal),
    and inside the renames of manifest.json and SHA256SUMS: the same config resumes the unsealed release
    (it does not `already exist`), and the temporary files of the killed writes do not end up in it."""
    cfg = multi_source_config(tmp_path / "c.yaml", samples, tmp_path / "out", dedup={})
    release = tmp_path / "out/crash/1.0.0"
    run = ("run", str(cfg), "--workers", "1")
    killed = run_pajama(*run, cwd=tmp_path, env={"PAJAMA_FAULT": "manifest.sums:1"})
    assert killed.code == -9
    assert (release / "manifest.json").exists() and not (release / "SHA256SUMS").exists()
    trace = tmp_path / "trace.txt"
    assert forked_pajama(*run, cwd=tmp_path, fault="manifest.sums:1", log=trace) == -9
    renames = trace.read_text().split().count("storage.rename")  # the last one wrote manifest.json
    for n, name in ((renames, "manifest"), (renames + 1, "SHA256SUMS")):
        assert forked_pajama(*run, cwd=tmp_path, fault=f"storage.rename:{n}") == -9
        assert name in {p.name.split(".")[1] for p in release.glob(".*.tmp")}  # killed inside that write
    assert forked_pajama(*run, cwd=tmp_path) == 0
    assert not [p for p in release.rglob(".*") if p.is_file()]
    assert verify_release(release) == []
    listed = [line.split()[1] for line in (release / "SHA256SUMS").read_text().splitlines()]
    assert sorted(listed) == sorted(str(p.relative_to(release)) for p in final_names(release) if p.name != "SHA256SUMS")
    again = run_pajama(*run, cwd=tmp_path)
    assert again.code == 2 and "already exists" in again.stderr  # a sealed release is never redone
