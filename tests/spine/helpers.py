"""Small builders shared by the spine tests: inputs made from pydoc topics, configs, CLI runs."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import yaml

from examples.samples.docs import topic_texts

REPO = Path(__file__).resolve().parents[2]


def write_corpus(folder: Path, files: int = 4, per_file: int = 40) -> list[dict[str, Any]]:
    """`files` JSONL inputs of real prose, a gzip one among them; returns every row written."""
    folder.mkdir(parents=True, exist_ok=True)
    topics = topic_texts()
    rows = []
    for f in range(files):
        lines = []
        for i in range(per_file):
            name, text = topics[(f * per_file + i) % len(topics)]
            row = {"id": f"{f}-{i}", "text": f"{text}\n\n(copy {f}.{i})", "meta": {"title": name}}
            rows.append(row)
            lines.append(orjson.dumps(row))
        data = b"\n".join(lines) + b"\n"
        if f % 2:
            with gzip.open(folder / f"part-{f}.jsonl.gz", "wb") as gz:
                gz.write(data)
        else:
            (folder / f"part-{f}.jsonl").write_bytes(data)
    return rows


def write_config(path: Path, inputs: list[str], output: Path, filters: list[Any] | None = None, **extra: Any) -> Path:
    if filters is None:
        filters = [{"min_length": {"min_words": 30}}]
    config = {
        "dataset": "t",
        "version": "1.0.0",
        "output": str(output),
        "shards": 3,
        "rejected": True,
        "sources": {
            "docs": {
                "reader": "jsonl",
                "inputs": inputs,
                "filters": filters if filters is not None else [{"min_length": {"min_words": 30}}],
            }
        },
    }
    for key, value in extra.items():
        config[key] = value
    path.write_text(yaml.safe_dump(config))
    return path


def pajama(*args: str, cwd: Path | None = None, check: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    proc = subprocess.run(
        [sys.executable, "-m", "pajama", *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=600
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"pajama {' '.join(args)} exited {proc.returncode}:\n{proc.stdout}\n{proc.stderr}")
    return proc


def manifest(release: Path) -> dict[str, Any]:
    return json.loads((release / "manifest.json").read_text())


def data_bytes(release: Path) -> dict[str, bytes]:
    return {str(p.relative_to(release)): p.read_bytes() for p in sorted((release / "data").rglob("*")) if p.is_file()}
