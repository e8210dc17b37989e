"""The manifest JSON Schema: real manifests validate, broken ones are rejected by verify."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pajama.manifests.schema import manifest_schema, validate_manifest
from pajama.manifests.verify import check_schema


def load(release: Path) -> dict[str, Any]:
    return json.loads((release / "manifest.json").read_text())


def test_real_manifests_validate(full_release: Path, docs_v1: Path, docs_v2: Path) -> None:
    for release in (full_release, docs_v1, docs_v2):
        assert validate_manifest(load(release)) == []


def _drop(m: dict[str, Any], key: str) -> None:
    del m[key]


@pytest.mark.parametrize(
    ("break_it", "where"),
    [
        (lambda m: _drop(m, "inputs"), "(top level)"),
        (lambda m: m["sources"]["docs"].update(kept=-1), "sources.docs.kept"),
        (lambda m: m["sources"]["docs"]["dropped"].update({"min_length.too_few_words": "7"}), "sources.docs.dropped"),
        (lambda m: m.update(release_digest="abc"), "release_digest"),
        (lambda m: m["shards"][0].update(path="../../etc/passwd"), "shards[0].path"),
        (lambda m: m["shards"][0].update(sha256="Z" * 64), "shards[0].sha256"),
        (lambda m: m.update(version="one"), "version"),
        (lambda m: m["inputs"][0].update(records=None), "inputs[0].records"),
        (lambda m: m["accounting"].update(balanced="yes"), "accounting.balanced"),
    ],
)
def test_broken_manifests_are_rejected(docs_v1: Path, break_it: Any, where: str) -> None:
    manifest = copy.deepcopy(load(docs_v1))
    break_it(manifest)
    problems = validate_manifest(manifest)
    assert problems and any(p.startswith(f"manifest.json: {where}") for p in problems), problems
    assert check_schema(manifest)  # verify reports it too


def test_schema_is_valid_and_printed(tmp_path: Path) -> None:
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(manifest_schema())
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [sys.executable, "-m", "pajama", "manifest", "schema"], capture_output=True, text=True, env=env
    )
    assert proc.returncode == 0 and json.loads(proc.stdout) == manifest_schema()
