"""`pajama list` prints the built-ins from the generated pajama._catalog: it must say what the registry says."""

from __future__ import annotations

import ast
import importlib.machinery
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pajama import _catalog, registry


def test_the_catalog_matches_the_registry() -> None:
    """In a fresh interpreter, so that no plugin loaded by another test is rendered as a built-in."""
    code = "import json\nfrom pajama import _catalog\nprint(json.dumps(_catalog.generate()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == _catalog.BUILTINS, "stale catalog: run `.venv/bin/python -m pajama._catalog`"


def test_the_catalog_names_the_module_of_every_builtin() -> None:
    """MODULES is what the registry imports for a name (fresh interpreter, as above); importing only that
    module must register the name."""
    code = "import json\nfrom pajama import _catalog\nprint(json.dumps(_catalog.generate_modules()))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert json.loads(out) == _catalog.MODULES, "stale catalog: run `.venv/bin/python -m pajama._catalog`"
    check = (
        "import importlib, sys\nfrom pajama import registry, _catalog\n"
        "kind, name = sys.argv[1], sys.argv[2]\n"
        "importlib.import_module(_catalog.MODULES[kind][name])\n"
        "assert name in registry.registered()[kind], (kind, name)\n"
    )
    for kind, name in [
        ("sources", "wet"),
        ("filters", "gopher_quality"),
        ("presets", "fineweb2"),
        ("engines", "spark"),
    ]:
        subprocess.run([sys.executable, "-c", check, kind, name], check=True)


def test_a_run_plan_imports_only_the_modules_its_config_names(tmp_path: Path) -> None:
    config = tmp_path / "c.yaml"
    config.write_text(
        "dataset: lazy\nversion: 1.0.0\noutput: out\n"
        f"sources:\n  web:\n    reader: jsonl\n    inputs: [{tmp_path}/*.jsonl]\n    allow_missing: true\n"
        "    filters: [gopher, {language: {keep: [en]}}]\n"
    )
    code = (
        "import sys\nfrom pajama.build import config, plan\n"
        f"plan.build(config.load({str(config)!r}))\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('pajama.sources.', 'pajama.filters.')))))\n"
    )
    out = (
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        .stdout.strip()
        .split(",")
    )
    assert "pajama.sources.jsonl" in out and "pajama.filters.gopher" in out and "pajama.filters.language" in out
    assert not {"pajama.sources.warc", "pajama.sources.arxiv", "pajama.sources.wikipedia", "pajama.filters.pii"} & set(
        out
    )


TRICKY = ["plain", "it's", 'say "hi"', "both ' and \"", "back\\slash \\U00011f43", "\t\n\x00", "\U00011f43", ""]


@pytest.mark.parametrize("text", TRICKY)
def test_a_generated_literal_reads_back_as_its_text(text: str) -> None:
    assert ast.literal_eval(_catalog._literal(text)) == text


def _site(tmp_path: Path, entry_points: str) -> Path:
    info = tmp_path / "some_plugin-1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text(entry_points)
    return tmp_path


@pytest.mark.parametrize(
    ("entry_points", "found"),
    [
        ("[pajama.filters]\nshouting = shouting\n", True),
        ("[console_scripts]\nx = x:main\n\n[ pajama.engines ]\nserial = serial_engine\n", True),
        ("[console_scripts]\npajama = pajama.cli:main\n", False),
        ("[pajama.unrelated]\nx = x\n", False),
    ],
)
def test_plugins_installed_reads_the_entry_points_on_sys_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, entry_points: str, found: bool
) -> None:
    monkeypatch.setattr(sys, "path", [str(_site(tmp_path, entry_points))])
    monkeypatch.setattr(sys, "meta_path", [importlib.machinery.PathFinder])
    assert registry.plugins_installed() is found


def test_plugins_installed_says_yes_to_what_it_cannot_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A zip on sys.path, or a distribution finder other than the path finder, might hold a plugin."""
    zipped = tmp_path / "plugins.zip"
    zipped.write_bytes(b"PK\x05\x06" + bytes(18))
    monkeypatch.setattr(sys, "path", [str(zipped)])
    assert registry.plugins_installed()

    class Finder:
        def find_distributions(self, *args: object) -> list[object]:
            return []

    monkeypatch.setattr(sys, "path", [])
    monkeypatch.setattr(sys, "meta_path", [*sys.meta_path, Finder()])
    assert registry.plugins_installed()
