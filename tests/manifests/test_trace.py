"""`pajama manifest trace`: a kept and a dropped document of every source, with the raw record re-read.

Each raw record is compared with the same record read by an independent, simple method (warcio, tarfile,
ElementTree, pyarrow, plain line reading), never with output copied from a run.
"""

from __future__ import annotations

import bz2
import gzip
import json
import os
import shutil
import subprocess
import sys
import tarfile
import unicodedata
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from pajama.manifests.trace import trace

from pajama.shardio import read_shard

from .builders import MIN_WORDS, build, source
from .conftest import FULL_ORDER


def records(release: Path, source_name: str, kind: str) -> list[dict[str, Any]]:
    manifest = json.loads((release / "manifest.json").read_text())
    out = []
    for f in manifest["shards"]:
        if f["kind"] == kind and f["source"] == source_name:
            out += list(read_shard(str(release / f["path"])))
    return out


def pick(release: Path, source_name: str) -> tuple[dict[str, Any], dict[str, Any]]:
    kept = records(release, source_name, "data")
    dropped = [r for r in records(release, source_name, "rejected") if r["rejected"]["reason"].startswith("min_length")]
    assert kept and dropped, f"the {source_name} sample no longer splits at min_words={MIN_WORDS[source_name]}"
    return kept[0], dropped[0]


# ------------------------------------------------------------------------- independent raw readers


def raw_jsonl(path: Path, loc: dict[str, Any]) -> str:
    opener = gzip.open if path.name.endswith(".gz") else open
    with opener(path, "rb") as f:
        return f.read().split(b"\n")[loc["line"] - 1].decode()


def raw_parquet(path: Path, loc: dict[str, Any]) -> dict[str, Any]:
    return pq.read_table(path).to_pylist()[loc["row"]]


def raw_warc(path: Path, loc: dict[str, Any]) -> tuple[int, str]:
    from warcio.archiveiterator import ArchiveIterator

    with open(path, "rb") as f:
        it = ArchiveIterator(f)
        for rec in it:
            if rec.rec_headers.get_header("WARC-Record-ID").strip("<>") == loc["record_id"].strip("<>"):
                body = rec.content_stream().read().decode()
                return it.get_record_offset(), body
    raise AssertionError("record not in the WARC")


def raw_wiki(path: Path, loc: dict[str, Any]) -> str:
    root = ET.fromstring(bz2.decompress(path.read_bytes()))
    for page in root.iter():
        if page.tag.endswith("}page") and next(c.text for c in page if c.tag.endswith("}id")) == loc["page_id"]:
            revision = [c for c in page if c.tag.endswith("}revision")][-1]
            return next(c.text or "" for c in revision if c.tag.endswith("}text"))
    raise AssertionError("page not in the dump")


def raw_arxiv(path: Path, loc: dict[str, Any]) -> str:
    with tarfile.open(path) as tf:
        member = next(m for m in tf.getmembers() if m.name.split("/")[-1] == loc["main"].split("/")[-1])
        return tf.extractfile(member).read().decode()  # type: ignore[union-attr]


def raw_books(path: Path, loc: dict[str, Any]) -> str:
    data = path.read_bytes()
    try:
        return data.decode()
    except UnicodeDecodeError:
        return data.decode("cp1252")


def raw_se(path: Path, loc: dict[str, Any]) -> list[dict[str, str]]:
    posts = next(p for p in path.iterdir() if p.name.lower() == "posts.xml")
    rows = [r.attrib for r in ET.parse(posts).getroot().iter("row")]
    question = [r for r in rows if r["Id"] == str(loc["post_id"])]
    return question + [r for r in rows if r.get("ParentId") == str(loc["post_id"])]


def check_raw(source_name: str, workdir: Path, record: dict[str, Any], raw_text: str) -> None:
    path = workdir / record["origin"]["uri"]
    loc = record["origin"]["locator"]
    if source_name == "docs":
        assert raw_text == raw_jsonl(path, loc)
        assert unicodedata.normalize("NFC", json.loads(raw_text)["text"]) == record["text"]
    elif source_name == "snapshot":
        assert json.loads(raw_text) == raw_parquet(path, loc)
    elif source_name == "web":
        offset, body = raw_warc(path, loc)
        assert (offset, raw_text) == (loc["offset"], body)
    elif source_name == "wiki":
        assert raw_text == raw_wiki(path, loc)
    elif source_name == "arxiv":
        assert raw_text == raw_arxiv(path, loc)
    elif source_name == "books":
        assert raw_text == raw_books(path, loc)
    elif source_name == "se":
        assert [dict(r.attrib) for r in ET.fromstring(f"<posts>{raw_text}</posts>")] == raw_se(path, loc)
    else:  # a source added to FULL_ORDER needs its independent reader here
        raise AssertionError(f"no independent reader for {source_name}")
    words = set(record["text"].split()[:50])
    assert len(words & set(raw_text.replace("\\n", " ").split())) >= min(5, len(words)) or source_name == "web"


# -------------------------------------------------------------------------------------------- tests


@pytest.mark.parametrize("source_name", FULL_ORDER)
def test_trace_kept_and_dropped_rereads_the_raw_record(full_release: Path, workdir: Path, source_name: str) -> None:
    kept, dropped = pick(full_release, source_name)
    threshold = MIN_WORDS[source_name]

    t = trace(str(full_release), kept["id"])
    assert (t.status, t.reason, t.file) == ("kept", None, f"data/{source_name}/{Path(t.file or '').name}")
    assert t.reread is not None and t.reread.status == "ok", t.reread
    assert t.reread.raw is not None
    check_raw(source_name, workdir, kept, t.reread.raw.text)
    steps = {s.name: s for s in t.steps}
    assert steps["min_length"].outcome == "passed" and steps["min_length"].signals["min_length.words"] >= threshold
    assert steps["dedup"].outcome == "passed"
    assert t.record is not None and t.record["origin"]["sha256"] == t.input["sha256"]  # type: ignore[index]

    t = trace(str(full_release), dropped["id"])
    assert (t.status, t.reason) == ("dropped", "min_length.too_few_words")
    assert t.file is not None and t.file.startswith(f"rejected/{source_name}/")
    steps = {s.name: s for s in t.steps}
    assert steps["min_length"].outcome == "dropped" and steps["min_length"].signals["min_length.words"] < threshold
    assert steps["dedup"].outcome == "not reached"
    assert t.reread is not None and t.reread.raw is not None
    check_raw(source_name, workdir, dropped, t.reread.raw.text)


def test_trace_of_a_duplicate_names_its_cluster_and_the_kept_document(full_release: Path) -> None:
    dups = [
        r
        for n in FULL_ORDER
        for r in records(full_release, n, "rejected")
        if r["rejected"]["reason"].startswith("dedup.")
    ]
    assert dups, "the full release has no duplicates to trace"
    kept_ids = {r["id"] for n in FULL_ORDER for r in records(full_release, n, "data")}
    for dup in dups[:3]:
        t = trace(str(full_release), dup["id"], reread_raw=False)
        assert (t.status, t.reason) == ("duplicate", dup["rejected"]["reason"])
        assert t.cluster is not None and t.cluster["kept"] == dup["rejected"]["duplicate_of"]
        assert t.cluster["kept"] in kept_ids
        assert dup["id"] in {m["id"] for m in t.cluster["members"]}
        assert {s.name: s.outcome for s in t.steps}["dedup"] == "dropped"
        # the kept document's trace lists the same cluster from its side
        kept = trace(str(full_release), t.cluster["kept"], reread_raw=False)
        assert kept.status == "kept" and kept.cluster is not None
        expected = sum(
            1
            for n in FULL_ORDER
            for r in records(full_release, n, "rejected")
            if r["rejected"].get("duplicate_of") == t.cluster["kept"]
        )
        assert kept.cluster["removed"] == expected


def test_trace_reads_separate_signals_and_parquet_shards(docs_v2: Path) -> None:
    kept = records(docs_v2, "docs", "data")[0]
    assert kept["signals"] == {}  # signals: separate
    t = trace(str(docs_v2), kept["id"])
    assert t.status == "kept" and t.file is not None and t.file.endswith(".parquet")
    assert t.record is not None and t.record["signals"]["min_length.words"] >= 100
    assert t.reread is not None and t.reread.status == "ok"


def test_changed_moved_and_unknown_inputs(tmp_path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    built = tmp_path / "built"
    (built / "audit-in").mkdir(parents=True)
    shutil.copy(workdir / "samples/docs/topics-a.jsonl", built / "audit-in/trace-inputs.jsonl")
    config = {**source("docs", 20), "inputs": ["audit-in/*.jsonl"]}
    release = build(built, {"dataset": "one", "version": "1.0.0", "sources": {"docs": config}})
    doc = records(release, "docs", "data")[0]

    moved = tmp_path / "moved" / "release"
    shutil.copytree(release, moved)  # no samples/ above it, nor here: relative inputs are not found ...
    monkeypatch.chdir(moved)
    assert trace(str(moved), doc["id"]).reread.status == "unreachable"  # type: ignore[union-attr]
    ok = trace(str(moved), doc["id"], roots=(str(built),))  # ... unless --root says where they are
    assert ok.reread is not None and ok.reread.status == "ok"

    with open(built / "audit-in/trace-inputs.jsonl", "ab") as f:
        f.write(b'{"text": "appended after the release was built"}\n')
    changed = trace(str(release), doc["id"])
    assert changed.reread is not None and (changed.reread.status, changed.reread.raw) == ("digest_mismatch", None)

    assert trace(str(release), "docs/" + "0" * 32).status == "not_found"
    with pytest.raises(LookupError):
        trace(str(release), "nosuchsource/" + "0" * 32)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "pajama", *args], capture_output=True, text=True, cwd=cwd, env=env)


def test_cli_trace(full_release: Path, tmp_path: Path) -> None:
    kept, dropped = pick(full_release, "web")
    proc = run_cli("manifest", "trace", str(full_release), dropped["id"], "--json", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert (out["status"], out["reason"], out["reread"]["status"]) == ("dropped", "min_length.too_few_words", "ok")
    proc = run_cli("manifest", "trace", str(full_release), kept["id"], "--lines", "5", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert "KEPT" in proc.stdout and kept["origin"]["locator"]["record_id"] in proc.stdout
    assert "raw (warc record)" in proc.stdout and "release text" in proc.stdout
    assert run_cli("manifest", "trace", str(full_release), "web/" + "f" * 32, cwd=tmp_path).returncode == 1
    assert run_cli("manifest", "trace", str(full_release), "nope/" + "f" * 32, cwd=tmp_path).returncode == 2
