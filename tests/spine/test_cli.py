"""Every CLI verb of the spine, run as a real subprocess."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .helpers import manifest, pajama, write_config, write_corpus


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("cli")
    write_corpus(tmp / "in", files=2, per_file=15)
    cfg = write_config(tmp / "c.yaml", [str(tmp / "in" / "*")], tmp / "out")
    proc = pajama("run", str(cfg), "--workers", "2", check=True)
    assert "release_digest" in proc.stdout
    return tmp / "out/t/1.0.0"


def test_run_prints_funnel_and_writes_release(release: Path) -> None:
    m = manifest(release)
    assert m["accounting"]["balanced"]
    assert m["engine"]["name"] == "local"
    assert {"manifest.json", "SHA256SUMS", "README.md", "report.html"} <= {p.name for p in release.iterdir()}


def test_manifest_verify_ok(release: Path) -> None:
    proc = pajama("manifest", "verify", str(release))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("OK")


def test_manifest_show_lists_sources_and_reasons(release: Path) -> None:
    proc = pajama("manifest", "show", str(release), check=True)
    m = manifest(release)
    assert "docs" in proc.stdout
    for reason in m["sources"]["docs"]["dropped"]:
        assert reason in proc.stdout
    assert m["release_digest"] in proc.stdout


def test_inspect_jsonl_shows_documents_and_errors(tmp_path: Path) -> None:
    f = tmp_path / "x.jsonl"
    f.write_bytes(b'{"text": "hello there"}\n{"oops\n{"text": "again"}\n')
    proc = pajama("inspect", "jsonl", str(f), check=True)
    rows = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["document", "error", "document"]
    assert rows[1]["reason"] == "jsonl.malformed_json"
    assert pajama("inspect", "jsonl", str(f), "--limit", "1", check=True).stdout.count("\n") == 1


def test_list_names_readers_filters(tmp_path: Path) -> None:
    out = pajama("list", check=True).stdout
    for name in ("jsonl@1", "parquet@1", "min_length@1"):
        assert name in out


def test_dry_run_prints_resolved_plan_without_writing(tmp_path: Path) -> None:
    write_corpus(tmp_path / "in", files=1, per_file=3)
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out")
    proc = pajama("run", str(cfg), "--dry-run", "--verbose", check=True)
    plan = json.loads(proc.stdout)
    assert plan["config"]["shards"] == 3
    assert plan["plan"]["sources"][0]["stages"][0]["params"] == {"min_chars": 0, "min_words": 30, "language": "auto"}
    assert not (tmp_path / "out").exists()
    short = pajama("run", str(cfg), "--dry-run", check=True).stdout
    assert "source   docs: jsonl@1, 1 input(s)" in short and "filters min_length" in short
    assert len(short.splitlines()) < 10 and "{" not in short


@pytest.mark.parametrize(
    ("override", "key"),
    [
        ("shardz=3", "shardz"),
        ("version=1.0", "version"),
        ("format=csv", "format"),
        ("sources.docs.reader=nope", "sources.docs.reader"),
        ("sources.docs.filters.0.min_length.min_wordz=3", "sources.docs.filters[0].min_length.min_wordz"),
        ("sources.docs.filters.0.min_length.min_words=many", "sources.docs.filters[0].min_length.min_words"),
        ("sources.docs.options.text_feld=body", "sources.docs.options.text_feld"),
        ("shards=0", "shards"),
    ],
)
def test_bad_config_exits_2_naming_the_key(tmp_path: Path, override: str, key: str) -> None:
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "*.jsonl")], tmp_path / "out")
    proc = pajama("run", str(cfg), "--set", override)
    assert proc.returncode == 2, proc.stderr
    assert key in proc.stderr
    assert not (tmp_path / "out").exists()


def test_unreadable_config_and_unwritable_output(tmp_path: Path) -> None:
    assert pajama("run", str(tmp_path / "nope.yaml")).returncode == 2
    (tmp_path / "bad.yaml").write_text("dataset: [unclosed")
    assert pajama("run", str(tmp_path / "bad.yaml")).returncode == 2
    write_corpus(tmp_path / "in", files=1, per_file=3)
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], blocker / "out")
    proc = pajama("run", str(cfg))
    assert proc.returncode != 0
    assert "file-not-folder" in proc.stderr


def test_preset_options_override_its_filters(tmp_path: Path) -> None:
    cfg = write_config(
        tmp_path / "c.yaml",
        [str(tmp_path / "*.jsonl")],
        tmp_path / "out",
        filters=[{"gopher": {"gopher_quality": {"min_words": 10}}}],
    )
    allow = ("--set", "sources.docs.allow_missing=true")
    plan = json.loads(pajama("run", str(cfg), "--dry-run", "--verbose", *allow, check=True).stdout)
    stages = {s["filter"]: s["params"] for s in plan["plan"]["sources"][0]["stages"]}
    assert stages["gopher_quality"]["min_words"] == 10
    assert stages["gopher_quality"]["max_words"] == 100_000  # the preset's other values stay
    assert "gopher_repetition" in stages
    bad = pajama("run", str(cfg), "--dry-run", *allow, "--set", "sources.docs.filters.0={gopher: {c4: {}}}")
    assert bad.returncode == 2
    assert "sources.docs.filters[0].gopher.c4" in bad.stderr
