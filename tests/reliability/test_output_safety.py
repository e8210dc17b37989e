"""Output safety: an existing release is never overwritten silently; a full disk leaves no corrupt file
with a final name, and once there is space again the rerun gives the release an uninterrupted run gives."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from . import diskfull
from .helpers import (
    check_no_partial_final_files,
    check_release,
    final_names,
    forked_pajama,
    manifest,
    multi_source_config,
    release_files,
    run_pajama,
    verify_release,
)


@pytest.fixture(scope="module")
def reference(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("safety-ref")
    cfg = multi_source_config(root / "c.yaml", samples, root / "out")
    assert forked_pajama("run", str(cfg), "--workers", "1", cwd=root, tmp=root) == 0
    return root / "out/crash/1.0.0"


def _tree_bytes(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(folder)): (p.read_bytes(), p.stat().st_mtime_ns) for p in final_names(folder)}


def test_existing_release_is_never_overwritten_silently(samples: Path, reference: Path, tmp_path: Path) -> None:
    cfg = multi_source_config(tmp_path / "c.yaml", samples, tmp_path / "out", dedup={})
    release = tmp_path / "out/crash/1.0.0"
    assert forked_pajama("run", str(cfg), "--workers", "1", cwd=tmp_path, tmp=tmp_path) == 0
    before = _tree_bytes(release)
    again = run_pajama("run", str(cfg), "--workers", "1", cwd=tmp_path)
    assert again.code == 2
    assert "already exists" in again.stderr and "--overwrite" in again.stderr
    assert _tree_bytes(release) == before  # not a byte, not a timestamp changed
    bumped = run_pajama("run", str(cfg), "--set", "version=1.0.1", "--workers", "1", cwd=tmp_path)
    assert bumped.code == 0, bumped.stderr[-2000:]
    assert _tree_bytes(release) == before and (tmp_path / "out/crash/1.0.1/SHA256SUMS").exists()
    (release / "data" / "stray.txt").write_text("not part of the release\n")
    replaced = forked_pajama("run", str(cfg), "--workers", "1", "--overwrite", cwd=tmp_path, tmp=tmp_path)
    assert replaced == 0
    assert not (release / "data" / "stray.txt").exists()  # --overwrite replaces the folder, it does not merge
    assert manifest(release)["created"] >= manifest(tmp_path / "out/crash/1.0.1")["created"]
    assert release_files(release) == {k: v for k, (v, _) in before.items() if k.split("/")[0] in ("data", "rejected")}
    assert verify_release(release) == []


def _phase_reached(work: Path, release: Path) -> str:
    if (release / "manifest.json").exists():
        return "manifest"
    if list(work.rglob("write/*/*.json")):
        return "write"
    if list(work.rglob("dedup.result")):
        return "dedup"
    return "map"


@pytest.mark.slow
def test_injected_disk_full_leaves_no_corrupt_final_file(samples: Path, reference: Path, tmp_path: Path) -> None:
    """ENOSPC once a budget of bytes is spent (10%, 50%, 90% of what a run writes, and all but the last
    byte): the run stops, every file with a final name is whole, and the rerun (space back) makes the
    reference release."""

    def run(root: Path, budget: int, report: Path | None = None) -> tuple[int, Path, Path]:
        out = root / "out"
        cfg = multi_source_config(root / "c.yaml", samples, out)
        err = root / "stderr.txt"
        prepare = lambda: diskfull.install(str(out), budget, str(report) if report else None)  # noqa: E731
        code = forked_pajama("run", str(cfg), "--workers", "1", cwd=root, tmp=root, stderr=err, prepare=prepare)
        return code, cfg, err

    (tmp_path / "measure").mkdir()
    report = tmp_path / "written.txt"
    assert run(tmp_path / "measure", 1 << 40, report)[0] == 0
    total = int(report.read_text())  # bytes a whole run writes through Python file objects
    phases = []
    for budget in (total // 10, total // 2, total * 9 // 10, total - 1):
        root = tmp_path / f"budget-{budget}"
        root.mkdir()
        code, cfg, err = run(root, budget)
        assert code == 1 and "No space left on device" in err.read_text(), err.read_text()[-2000:]
        out = root / "out"
        release = out / "crash/1.0.0"
        phases.append(_phase_reached(out / ".pajama-work", release))
        check_no_partial_final_files(release, out / ".pajama-work", reference)
        assert forked_pajama("run", str(cfg), "--workers", "1", cwd=root, tmp=root) == 0
        check_release(release, reference)
        shutil.rmtree(root)
    assert phases[-1] == "manifest" and len(set(phases)) >= 3, phases
    print(f"disk full after {total} bytes x (0.1, 0.5, 0.9, all but one): phases {phases}")


def _mount_tmpfs(where: Path, size: str) -> bool:
    where.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], capture_output=True)
    return done.returncode == 0


@pytest.mark.slow
def test_real_full_file_system_on_a_small_tmpfs(samples: Path, reference: Path, tmp_path: Path) -> None:
    """A real ENOSPC from a 700 KB tmpfs (needs the right to mount; skipped elsewhere), then more space."""
    disk = tmp_path / "disk"
    if shutil.which("mount") is None or not _mount_tmpfs(disk, "700k"):
        pytest.skip("cannot mount a tmpfs here")
    try:
        cfg = multi_source_config(tmp_path / "c.yaml", samples, disk / "out")
        release, err = disk / "out/crash/1.0.0", tmp_path / "stderr.txt"
        code = forked_pajama("run", str(cfg), "--workers", "1", cwd=tmp_path, tmp=tmp_path, stderr=err)
        assert code != 0 and "No space left on device" in err.read_text(), err.read_text()[-2000:]
        check_no_partial_final_files(release, disk / "out/.pajama-work", reference)
        remount = ["mount", "-o", "remount,size=64m", str(disk)]
        subprocess.run(remount, check=True, capture_output=True)
        assert forked_pajama("run", str(cfg), "--workers", "1", cwd=tmp_path, tmp=tmp_path) == 0
        check_release(release, reference)
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
