"""Hostile inputs are contained: each costs only itself, as a counted error or skip with its reason, in
bounded memory, and nothing is written outside the output folder. One `pajama run` reads them all."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from . import hostile as h
from .helpers import run_pajama, run_pajama_rss, verify_release

#: peak RSS bound for the whole run (one worker): the interpreter, the readers' libraries, the fastText
#: language-id model, plus at most one cap's worth of data (caps below are 8-32 MiB)
MAX_RSS_MB = 400
CAP = 32 * h.MIB


def _inputs(root: Path, token: str) -> dict[str, Any]:
    """Build every hostile input under root/in; returns the `sources:` of the config."""
    d = root / "in"
    for sub in ("lines", "wiki", "se", "code", "papers", "books", "web"):
        (d / sub).mkdir(parents=True)
    h.gzip_single_line_jsonl(d / "lines/one-line.jsonl.gz", h.GIB)
    h.bad_bytes_jsonl(d / "lines/bad-bytes.jsonl")
    for kind, suffix in (("gzip", "gz"), ("bz2", "bz2"), ("zstd", "zst")):
        h.wiki_bomb(d / f"wiki/bomb-{kind}.xml.{suffix}", kind, 4 * CAP)
    h.zstd_single_frame(
        d / "wiki/bomb-zstd-one-frame.xml.zst", h.wiki_head(d / "wiki/one-frame") + b"<page><title>x</title>", h.GIB
    )
    h.billion_laughs_wiki(d / "wiki/laughs.xml")
    h.external_entity_wiki(d / "wiki/xxe.xml", root / "secret.txt")
    h.deep_xml_wiki(d / "wiki/deep-xml.xml", 200_000)
    h.deep_wikitext_wiki(d / "wiki/deep-wikitext.xml", 5_000)
    h.bad_bytes_wiki(d / "wiki/bad-bytes.xml")
    h.se_billion_laughs(d / "se/laughs.stackexchange.com")
    h.se_deep(d / "se/deep.stackexchange.com", 200_000)
    h.se_bomb(d / "se/bomb.stackexchange.com", 4 * CAP)
    good = {"repo/README.md": b"# A repository\n", "repo/main.py": b"print('hello, world')\n" * 5}
    escape, absolute = f"repo/../../escaped-{token}.py", f"/tmp/absolute-{token}.py"
    h.evil_tar(d / "code/owner__evil.tar.gz", escape, absolute, good)
    h.evil_zip(d / "code/owner__evilzip.zip", escape, absolute, good)
    h.zip_bomb(d / "code/owner__zipbomb.zip", 200, 512 << 10)
    h.tar_bomb(d / "code/owner__tarbomb.tar.gz", h.GIB)
    tex = {"p/main.tex": rb"\documentclass{article}\begin{document}\section{One}Text.\end{document}"}
    h.evil_tar(d / "papers/2401.00001.tar.gz", f"p/../../escaped-{token}.tex", f"/tmp/absolute-{token}.tex", tex)
    h.gutenberg_bomb(d / "books/pg1-bomb.txt.gz", 4 * CAP)
    h.huge_length_warc(d / "web/huge-length.warc")
    h.huge_header_warc(d / "web/huge-header.warc.gz", 64 * h.MIB)
    (root / "secret.txt").write_text("TOP SECRET\n")
    return {
        "lines": {"reader": "jsonl", "inputs": [f"{d}/lines/*"], "options": {"max_line_bytes": 8 * h.MIB}},
        "wiki": {"reader": "wikipedia", "inputs": [f"{d}/wiki/*"], "options": {"max_input_bytes": CAP}},
        "se": {"reader": "stackexchange", "inputs": [f"{d}/se/*"], "options": {"max_bytes": CAP}},
        "code": {"reader": "github", "inputs": [f"{d}/code/*"], "options": {"max_repo_bytes": CAP // 2}},
        "papers": {"reader": "arxiv", "inputs": [f"{d}/papers/*"]},
        "books": {"reader": "books", "inputs": [f"{d}/books/*"], "options": {"max_book_bytes": CAP}},
        "web": {"reader": "warc", "inputs": [f"{d}/web/*"], "options": {"extractor": "resiliparse"}},
    }


def _tree(*roots: Path) -> dict[str, int]:
    return {str(p): p.stat().st_size for root in roots for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("hostile")
    token = root.name
    sources = _inputs(root, token)
    out, home, tmp, cwd = root / "out", root / "home", root / "tmp", root / "cwd"
    for folder in (home, tmp, cwd):
        folder.mkdir()
    config = {"dataset": "hostile", "version": "1.0.0", "output": str(out), "shards": 1, "rejected": True}
    cfg = root / "hostile.yaml"
    cfg.write_text(yaml.safe_dump({**config, "sources": sources}))
    before = _tree(root)
    env = dict(os.environ, HOME=str(home), TMPDIR=str(tmp))
    outcome = run_pajama_rss("run", str(cfg), "--workers", "1", cwd=cwd, env=env)
    new = {p for p in set(_tree(root)) - set(before) if not p.startswith(str(out) + "/")}
    release = out / "hostile/1.0.0"
    manifest = json.loads((release / "manifest.json").read_text()) if (release / "manifest.json").exists() else {}
    return {
        "outcome": outcome,
        "release": release,
        "manifest": manifest,
        "new_outside": new,
        "token": token,
        "root": root,
    }


def _by_input(manifest: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {Path(i["uri"]).name: i for i in manifest["inputs"]}


@pytest.mark.slow
def test_hostile_job_finishes_with_balanced_accounting(hostile_run: dict[str, Any]) -> None:
    outcome = hostile_run["outcome"]
    assert outcome.code == 0, outcome.stderr[-3000:]
    assert hostile_run["manifest"]["accounting"]["balanced"]
    for name, source in hostile_run["manifest"]["sources"].items():
        assert source["kept"] == source["documents"], name  # no filters, no dedup: every document is stored
    assert verify_release(hostile_run["release"]) == []
    verify = run_pajama("manifest", "verify", str(hostile_run["release"]), cwd=hostile_run["root"])
    assert verify.code == 0, verify.stdout + verify.stderr


@pytest.mark.slow
def test_memory_stays_bounded(hostile_run: dict[str, Any]) -> None:
    """A 1 GiB line, 1 GiB bombs and a 64 MiB header line go through a run that peaks under MAX_RSS_MB."""
    rss = hostile_run["outcome"].max_rss_mb
    print(f"peak RSS of the hostile run: {rss:.0f} MB (bound {MAX_RSS_MB} MB)")
    assert 0 < rss < MAX_RSS_MB


@pytest.mark.slow
def test_nothing_is_written_outside_the_output_folder(hostile_run: dict[str, Any]) -> None:
    assert hostile_run["new_outside"] == set()  # not in the inputs' folders, HOME, TMPDIR or the cwd
    token = hostile_run["token"]
    for escaped in (f"/tmp/absolute-{token}.py", f"/tmp/absolute-{token}.tex"):
        assert not os.path.exists(escaped)
    root: Path = hostile_run["root"]
    for folder in (root, root.parent, root.parent.parent):
        assert not list(folder.glob(f"escaped-{token}*"))
    stored = "".join(p.read_text(errors="replace") for p in (hostile_run["release"] / "data").rglob("*.zst"))
    assert "TOP SECRET" not in stored  # the external entity was never resolved


EXPECTED_ERRORS = {
    "one-line.jsonl.gz": {"jsonl.line_too_long": 1},
    "bomb-gzip.xml.gz": {"input.expansion_cap": 1},
    "bomb-bz2.xml.bz2": {"input.expansion_cap": 1},
    "bomb-zstd.xml.zst": {"input.expansion_cap": 1},
    "bomb-zstd-one-frame.xml.zst": {"input.expansion_cap": 1},
    "laughs.xml": {"wiki.unsafe_xml": 1},
    "xxe.xml": {"wiki.unsafe_xml": 1},
    "deep-xml.xml": {},
    "deep-wikitext.xml": {},
    "bad-bytes.xml": {"wiki.malformed_xml": 1},  # the raw NUL byte is not XML: the pages before it count
    "laughs.stackexchange.com": {"xml.entities_forbidden": 1},
    "deep.stackexchange.com": {},
    "bomb.stackexchange.com": {"input.expansion_cap": 1},
    "owner__evil.tar.gz": {},
    "owner__evilzip.zip": {},
    "owner__zipbomb.zip": {"archive.expansion_cap": 1},
    "owner__tarbomb.tar.gz": {"archive.expansion_cap": 1},
    "2401.00001.tar.gz": {"archive.path_traversal": 1},
    "pg1-bomb.txt.gz": {"input.expansion_cap": 1},
    "huge-length.warc": {"warc.truncated_input": 1},
    "huge-header.warc.gz": {"warc.header_too_long": 1},
}
#: documents that sit before the hostile part of an input, and must survive it
EXPECTED_DOCUMENTS = {
    "one-line.jsonl.gz": 1,
    "bomb-gzip.xml.gz": 1,
    "bomb-bz2.xml.bz2": 1,
    "bomb-zstd.xml.zst": 1,
    "deep-xml.xml": 2,
    "deep-wikitext.xml": 2,  # the good page and the nested links' text; nested templates leave nothing
    "bad-bytes.xml": 2,
    "deep.stackexchange.com": 1,
    "bomb.stackexchange.com": 1,
    "owner__evil.tar.gz": 2,
    "owner__evilzip.zip": 2,
    "huge-length.warc": 1,
}


@pytest.mark.slow
def test_each_hostile_input_is_a_counted_error_with_its_reason(hostile_run: dict[str, Any]) -> None:
    inputs = _by_input(hostile_run["manifest"])
    assert set(EXPECTED_ERRORS) | {"bad-bytes.jsonl"} == set(inputs)
    for name, errors in EXPECTED_ERRORS.items():
        assert inputs[name]["errors"] == errors, name
        assert inputs[name]["documents"] == EXPECTED_DOCUMENTS.get(name, 0), name


@pytest.mark.slow
def test_archive_members_that_could_escape_are_skipped_by_reason(hostile_run: dict[str, Any]) -> None:
    inputs = _by_input(hostile_run["manifest"])
    tar, zipped = inputs["owner__evil.tar.gz"]["skipped"], inputs["owner__evilzip.zip"]["skipped"]
    assert tar == {
        "archive.path_traversal": 1,
        "archive.absolute_path": 1,
        "archive.hardlink": 1,
        "archive.special_file": 2,  # a character device and a FIFO
        "code.symlink": 2,  # one absolute, one relative target out of the tree
    }
    assert zipped == {"archive.path_traversal": 1, "archive.absolute_path": 1, "code.symlink": 1}


@pytest.mark.slow
def test_invalid_utf8_and_nul_bytes(hostile_run: dict[str, Any]) -> None:
    lines = _by_input(hostile_run["manifest"])["bad-bytes.jsonl"]
    # 6 lines: a good one, invalid UTF-8, a raw NUL inside JSON, escaped NULs, a lone surrogate, binary junk
    assert lines["records"] == 6 and lines["documents"] == 2
    assert lines["errors"] == {"jsonl.invalid_utf8": 2, "jsonl.malformed_json": 2}
    from pajama.shardio import read_shard

    records = [r for shard in (hostile_run["release"] / "data").rglob("*.jsonl.zst") for r in read_shard(str(shard))]
    texts = {r["meta"].get("source_id"): r["text"] for r in records if r["source"] == "lines"}
    assert texts["escaped-nul"] == "escaped  NUL characters are removed"
    wiki = [r["text"] for r in records if r["source"] == "wiki" and r["text"].startswith("caf")]
    assert wiki == ["caf\ufffd(\ufffd bytes"]  # bad bytes in XML text become U+FFFD, the page is kept
