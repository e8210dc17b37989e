"""The README's "Writing a filter, a reader, an engine": its three files, installed through real entry points.

Each example is taken out of README.md verbatim, written as a module next to a `.dist-info` folder whose
`entry_points.txt` names it, and that folder goes on the subprocess's PYTHONPATH: pajama finds the plugins
exactly as it finds an installed third-party package. Nothing inside pajama is edited or imported here.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[2]
PAJAMA = str(Path(sys.executable).parent / "pajama")
ENTRY_POINTS = {"pajama.filters": "shouting", "pajama.readers": "paragraphs", "pajama.engines": "serial_engine"}
NAMES = {"shouting": "shouting", "paragraphs": "paragraphs", "serial_engine": "serial"}
TEXT = "A calm first paragraph of plain words.\n\nTHIS ONE SHOUTS AT EVERY READER!\n\nA calm closing paragraph.\n"


def readme_files() -> dict[str, str]:
    """{file name: code} of the README's ```python blocks that start with `# file: NAME.py`."""
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    return dict(re.findall(r"```python\n# file: (\w+\.py)\n(.*?)```", readme, flags=re.S))


def _site(tmp: Path) -> Path:
    site = tmp / "site"
    info = site / "pajama_readme_plugins-1.0.dist-info"
    info.mkdir(parents=True)
    for name, code in readme_files().items():
        (site / name).write_text(code, encoding="utf-8")
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: pajama-readme-plugins\nVersion: 1.0\n")
    groups = [f"[{group}]\n{NAMES[module]} = {module}\n" for group, module in ENTRY_POINTS.items()]
    (info / "entry_points.txt").write_text("\n".join(groups))
    return site


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    tmp = tmp_path_factory.mktemp("plugins")
    paths = [str(_site(tmp)), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(paths))
    (tmp / "in").mkdir()
    (tmp / "in" / "notes.txt").write_text(TEXT, encoding="utf-8")
    config = {
        "dataset": "notes",
        "version": "1.0.0",
        "output": str(tmp / "out"),
        "shards": 1,
        "rejected": True,
        "report": False,
        "sources": {"notes": {"reader": "paragraphs", "inputs": [str(tmp / "in" / "*.txt")], "filters": ["shouting"]}},
    }
    (tmp / "notes.yaml").write_text(yaml.safe_dump(config))
    return tmp, env


def pajama(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run([PAJAMA, *args], env=env, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    return proc


def run(tmp: Path, env: dict[str, str], out: str, *args: str) -> dict[str, Any]:
    pajama(env, "run", str(tmp / "notes.yaml"), "--output", str(tmp / out), "--fresh", *args)
    return json.loads((tmp / out / "notes" / "1.0.0" / "manifest.json").read_text())  # type: ignore[no-any-return]


def test_the_readme_holds_one_file_of_each_kind() -> None:
    assert sorted(readme_files()) == ["paragraphs.py", "serial_engine.py", "shouting.py"]


def test_a_plugin_reader_and_filter_run_through_entry_points(setup: tuple[Path, dict[str, str]]) -> None:
    tmp, env = setup
    listed = pajama(env, "list", "filters").stdout
    assert "shouting" in listed
    manifest = run(tmp, env, "local")
    (stage,) = [s for s in manifest["stages"] if s["source"] == "notes"]
    assert (stage["filter"], stage["in"], stage["out"]) == ("shouting", 3, 2)
    assert stage["dropped"] == {"shouting.too_loud": 1}
    from pajama.shardio import read_shard

    (data,) = [s["path"] for s in manifest["shards"] if s["kind"] == "data"]
    docs = list(read_shard(str(tmp / "local" / "notes" / "1.0.0" / data)))
    assert sorted(d["text"] for d in docs) == ["A calm closing paragraph.", "A calm first paragraph of plain words."]
    assert all(0 < d["signals"]["shouting.upper_frac"] < 0.5 for d in docs)


def _has(module: str, attribute: str) -> bool:
    import importlib

    try:
        return hasattr(importlib.import_module(module), attribute)
    except ImportError:
        return False


@pytest.mark.skipif(not _has("pajama.raw", "RawRecord"), reason="needs readers owning reread (arch-build branch)")
def test_trace_rereads_a_plugin_readers_record(setup: tuple[Path, dict[str, str]]) -> None:
    tmp, env = setup
    release = tmp / "local" / "notes" / "1.0.0"
    if not release.exists():
        run(tmp, env, "local")
    from pajama.shardio import read_shard

    manifest = json.loads((release / "manifest.json").read_text())
    (data,) = [s["path"] for s in manifest["shards"] if s["kind"] == "data"]
    doc = next(d for d in read_shard(str(release / data)) if d["text"].startswith("A calm closing"))
    found = json.loads(pajama(env, "manifest", "trace", str(release), doc["id"], "--json").stdout)
    assert found["reread"]["status"] == "ok", found["reread"]
    assert found["reread"]["raw"]["text"] == "A calm closing paragraph."


@pytest.mark.skipif(not _has("pajama.registry", "register_engine"), reason="needs register_engine (arch-build branch)")
def test_a_plugin_engine_makes_the_same_release(setup: tuple[Path, dict[str, str]]) -> None:
    tmp, env = setup
    local = run(tmp, env, "local-again")
    serial = run(tmp, env, "serial", "--engine", "serial")
    assert serial["engine"]["name"] == "serial"
    assert serial["release_digest"] == local["release_digest"]
