"""Removal requests make new versions (byte-identical where untouched); queries say what became of a document."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from pydoc_data.topics import topics
from typing import Any

import orjson
import pytest
import yaml

from pajama.shardio import read_shard

_WORDS = " ".join(t for _, t in sorted(topics.items())).split()


def pajama(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run(
        [sys.executable, "-m", "pajama", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
        check=False,
    )


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A release of 80 real-prose documents on two hosts, with dedup signatures and GPT-2 token shards."""
    tmp = tmp_path_factory.mktemp("remove")
    rows = [
        {
            "id": f"d{i}",
            "text": " ".join(_WORDS[i * 120 : (i + 1) * 120]),
            "meta": {"url": f"https://{'ab'[i % 2]}.example.org/p{i}"},
        }
        for i in range(80)
    ]
    (tmp / "docs.jsonl").write_bytes(b"\n".join(orjson.dumps(r) for r in rows) + b"\n")
    config = {
        "dataset": "g",
        "version": "1.0.0",
        "output": "out",
        "shards": 4,
        "rejected": True,
        "sources": {
            "docs": {"reader": "jsonl", "inputs": ["docs.jsonl"], "filters": [{"min_length": {"min_words": 110}}]}
        },
        "dedup": {"exact": {}, "minhash": {"threshold": 0.8}},
        "tokenizer": "gpt2",
        "tokens": {"write": True},
    }
    (tmp / "c.yaml").write_text(yaml.safe_dump(config))
    proc = pajama("run", "c.yaml", "--workers", "1", cwd=tmp)
    assert proc.returncode == 0, proc.stderr
    return tmp


def _kept(release: Path) -> dict[str, dict[str, Any]]:
    return {r["id"]: r for p in sorted((release / "data").rglob("*.zst")) for r in read_shard(str(p))}


def _shas(release: Path) -> dict[str, str]:
    return {s["path"]: s["sha256"] for s in json.loads((release / "manifest.json").read_text())["shards"]}


def test_remove_by_ids_urls_domains_then_query(base: Path) -> None:
    v1 = base / "out/g/1.0.0"
    kept = _kept(v1)
    by_url = {r["meta"]["url"]: i for i, r in kept.items()}
    ids = sorted(kept)[:2]
    (base / "ids.txt").write_text("\n".join(ids) + "\n")
    (base / "urls.txt").write_text("https://A.example.org/p4#frag\n")  # host case and fragment do not matter
    proc = pajama(
        "remove",
        "out/g/1.0.0",
        "--version",
        "1.1.0",
        "--reason",
        "opt-out 7",
        "--ids",
        "ids.txt",
        "--urls",
        "urls.txt",
        cwd=base,
    )
    assert proc.returncode == 0, proc.stderr
    v2 = base / "out/g/1.1.0"
    gone = {*ids, by_url["https://a.example.org/p4"]}
    assert set(_kept(v2)) == set(kept) - gone
    assert pajama("manifest", "verify", "out/g/1.1.0", cwd=base).returncode == 0
    before, after = _shas(v1), _shas(v2)
    touched = {
        s["path"].rsplit("/", 1)[-1].split(".")[0]
        for s in json.loads((v2 / "manifest.json").read_text())["shards"]
        if s["kind"] == "data" and before.get(s["path"]) != s["sha256"]
    }
    for path, sha in before.items():
        if path.rsplit("/", 1)[-1].split(".")[0] not in touched:
            assert after[path] == sha, path  # untouched shards are byte-identical
    m2 = json.loads((v2 / "manifest.json").read_text())
    assert m2["parent"] == "1.0.0" and m2["removals"][-1]["removed"] == {"removal.ids": 2, "removal.urls": 1}
    diff = pajama("manifest", "diff", "out/g/1.0.0", "out/g/1.1.0", cwd=base).stdout
    assert "opt-out 7" in diff and m2["removals"][-1]["request_sha256"][:12] in diff

    (base / "domains.txt").write_text("b.example.org\n")
    proc = pajama(
        "remove", "out/g/1.1.0", "--version", "1.2.0", "--reason", "site opt-out", "--domains", "domains.txt", cwd=base
    )
    assert proc.returncode == 0, proc.stderr
    v3 = _kept(base / "out/g/1.2.0")
    assert set(v3) == {i for i in set(kept) - gone if "//a." in kept[i]["meta"]["url"]}
    m3 = json.loads((base / "out/g/1.2.0/manifest.json").read_text())
    assert [r["version"] for r in m3["removals"]] == ["1.1.0", "1.2.0"]  # requests compose
    card = (base / "out/g/1.2.0/README.md").read_text()
    assert "## Removal requests" in card and "| 1.1.0 | opt-out 7 |" in card and "| 1.2.0 | site opt-out |" in card

    answer = json.loads(pajama("query", "out/g/1.2.0", "--id", ids[0], "--json", "--all-versions", cwd=base).stdout)
    assert [a["matches"][0]["status"] for a in answer] == ["removed", "removed", "kept"]
    assert answer[0]["matches"][0]["removed_by"] == {
        "version": "1.1.0",
        "request_sha256": m2["removals"][-1]["request_sha256"],
        "reason": "opt-out 7",
    }
    absent = json.loads(pajama("query", "out/g/1.2.0", "--id", "docs/nope", "--json", cwd=base).stdout)
    assert absent["status"] == "absent" and absent["matches"] == []


def test_near_text_removal_and_nothing_matched(base: Path) -> None:
    kept = _kept(base / "out/g/1.0.0")
    victim = sorted(kept)[10]
    edited = kept[victim]["text"].replace(" the ", " a ", 1)
    (base / "texts.jsonl").write_bytes(orjson.dumps({"text": edited}) + b"\n")
    proc = pajama(
        "remove", "out/g/1.0.0", "--version", "2.0.0", "--reason", "copyright", "--texts", "texts.jsonl", cwd=base
    )
    assert proc.returncode == 0, proc.stderr
    assert victim not in _kept(base / "out/g/2.0.0")
    (base / "none.txt").write_text("docs/0000\n")
    proc = pajama("remove", "out/g/1.0.0", "--version", "2.1.0", "--reason", "x", "--ids", "none.txt", cwd=base)
    assert proc.returncode == 0 and "matched no document" in proc.stderr
    assert not (base / "out/g/2.1.0").exists()


@pytest.mark.parametrize(("args", "needle"), [(["--ids", "empty.txt"], "--ids"), ([], "give at least one")])
def test_bad_requests_exit_2(base: Path, args: list[str], needle: str) -> None:
    (base / "empty.txt").write_text("\n")
    proc = pajama("remove", "out/g/1.0.0", "--version", "3.0.0", "--reason", "x", *args, cwd=base)
    assert proc.returncode == 2 and needle in proc.stderr
