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


def test_trace_rereads_from_a_7z_dump_and_an_arxiv_bundle(tmp_path: Path, workdir: Path) -> None:
    """The containers real dumps come in: a StackExchange site .7z, an arXiv bulk tar of gzipped submissions."""
    import io

    import py7zr

    (tmp_path / "in").mkdir()
    folder = workdir / "samples/stackexchange/sample.stackexchange.com"
    with py7zr.SevenZipFile(tmp_path / "in/sample.stackexchange.com.7z", "w") as archive:
        archive.write(folder / "Posts.xml", "Posts.xml")
    submission = next((workdir / "samples/arxiv").glob("*execmodel*"))
    with tarfile.open(tmp_path / "in/arXiv_src_2401_001.tar", "w") as bundle:
        data = submission.read_bytes()  # already a .tar.gz: one gzipped submission, as in arXiv's bulk tars
        info = tarfile.TarInfo("2401/2401.00001.gz")
        info.size = len(data)
        bundle.addfile(info, io.BytesIO(data))
    se = {**source("se", 0), "inputs": ["in/*.7z"]}
    arxiv = {**source("arxiv", 0), "inputs": ["in/*.tar"]}
    release = build(tmp_path, {"dataset": "dumps", "version": "1.0.0", "sources": {"se": se, "arxiv": arxiv}})
    for name in ("se", "arxiv"):
        kept = records(release, name, "data")
        assert kept, name
        t = trace(str(release), kept[0]["id"])
        assert t.reread is not None and t.reread.status == "ok" and t.reread.raw is not None, t.reread
        if name == "se":
            rows = [dict(r.attrib) for r in ET.fromstring(f"<posts>{t.reread.raw.text}</posts>")]
            assert rows == raw_se(folder, kept[0]["origin"]["locator"])
        else:
            assert kept[0]["origin"]["locator"]["member"] == "2401/2401.00001.gz"
            assert t.reread.raw.text == raw_arxiv(submission, kept[0]["origin"]["locator"])


def test_every_record_is_found_by_its_id_alone(docs_v1: Path, docs_v2: Path) -> None:
    from pajama.manifests.trace import find_records

    for release in (docs_v1, docs_v2):  # jsonl.zst in 2 shards, parquet in 3
        manifest = json.loads((release / "manifest.json").read_text())
        every = records(release, "docs", "data") + records(release, "docs", "rejected")
        assert len({r["id"] for r in every}) == len(every) > 50
        for record in every:
            found = find_records(str(release), manifest, record["id"])
            assert [r for _, r in found] == [record]


def test_trace_code_files_of_a_folder_a_tarball_and_a_bare_repository(tmp_path: Path, workdir: Path) -> None:
    repo = workdir / "samples/code/repos/python__stdlib-sample"
    tarball = next((workdir / "samples/code").glob("*.tar.gz"))
    git = ["git", "-c", "user.email=t@example.org", "-c", "user.name=t", "-c", "init.defaultBranch=main"]
    work = tmp_path / "work"
    shutil.copytree(repo, work)
    subprocess.run([*git, "init", "-q", str(work)], check=True)
    subprocess.run([*git, "-C", str(work), "add", "-A"], check=True)
    subprocess.run([*git, "-C", str(work), "commit", "-qm", "sample"], check=True)
    bare = tmp_path / "python__stdlib-sample.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(bare)], check=True)
    inputs = {"folder": [str(repo)], "tarball": [str(tarball)], "bare": [str(bare)]}
    sources = {name: {**source("code"), "inputs": paths} for name, paths in inputs.items()}
    release = build(tmp_path, {"dataset": "code", "version": "1.0.0", "sources": sources})

    with tarfile.open(tarball) as tf:
        in_tar = {m.name.split("/", 1)[1]: tf.extractfile(m).read() for m in tf.getmembers() if m.isfile()}  # type: ignore[union-attr]
    for name in inputs:
        kept, dropped = pick(release, name)
        for record in (kept, dropped):
            path = record["origin"]["locator"]["path"]
            t = trace(str(release), record["id"])
            assert t.reread is not None and t.reread.raw is not None, t.reread
            if name == "folder":
                expected = (repo / path).read_bytes()
            elif name == "tarball":
                expected = in_tar[path]
            else:
                show = subprocess.run(["git", "--git-dir", str(bare), "show", f"HEAD:{path}"], capture_output=True)
                expected = show.stdout
            assert t.reread.raw.text == expected.decode()
            assert unicodedata.normalize("NFC", t.reread.raw.text) == record["text"]


def test_trace_wet_and_arc_records_of_the_corpus(tmp_path: Path, corpus: Path) -> None:
    """Real Common Crawl WET and ARC files (skipped without ../shared/corpus)."""
    from warcio.archiveiterator import ArchiveIterator

    wet = sorted((corpus / "warc").glob("*.wet.gz"))
    arc = sorted((corpus / "warc").glob("*.arc.gz"))
    if not wet or not arc:
        pytest.skip("no .wet.gz or .arc.gz in the corpus")
    sources = {
        "wet": {"reader": "wet", "inputs": [str(wet[0])]},
        "arc": {"reader": "arc", "inputs": [str(arc[0])], "filters": [{"min_length": {"min_words": 1}}]},
    }
    release = build(tmp_path, {"dataset": "cc", "version": "1.0.0", "sources": sources})
    for name, path in (("wet", wet[0]), ("arc", arc[0])):
        kept = records(release, name, "data")
        assert kept, name
        for record in kept[:3]:
            t = trace(str(release), record["id"])
            assert t.reread is not None and t.reread.raw is not None, t.reread
            bodies = {}
            with open(path, "rb") as f:
                it = ArchiveIterator(f, arc2warc=False)
                for r in it:
                    body = r.content_stream().read()  # read first: warcio knows the offset after that
                    bodies[it.get_record_offset()] = body
            offset = record["origin"]["locator"]["offset"]
            encoding = t.reread.raw.fields["encoding"]
            assert t.reread.raw.text == bodies[offset].decode(encoding.split()[0], "replace")
