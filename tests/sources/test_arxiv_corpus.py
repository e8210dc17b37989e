"""The arxiv reader over ../shared/corpus/arxiv: real submissions, counted a second, simpler way."""

from __future__ import annotations

import gzip
import io
import json
import re
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from pajama.record import Doc, ReadItem, Skip
from pajama.sources.arxiv import ArxivReader, load_metadata
from pajama.storage import InputFile

HEADING = re.compile(rb"^[^%\n]*\\(?:part|chapter|(?:sub)*section|(?:sub)?paragraph)\*?\s*[\[{]", re.MULTILINE)
MAIN = re.compile(rb"^\s*\\document(?:class|style)\b", re.MULTILINE)


def sources(corpus: Path) -> list[Path]:
    found = sorted(p for p in (corpus / "arxiv" / "src").iterdir() if p.is_file())
    if not found:
        pytest.skip("no arXiv sources in the corpus")
    return found


def read(path: Path, **options: object) -> list[ReadItem]:
    inp = InputFile(uri=str(path), name=path.name, source="arxiv")
    return list(ArxivReader(**options).read(inp))  # type: ignore[arg-type]


def tex_files(path: Path) -> dict[str, bytes]:
    """Independent reading: tarfile's own extraction, or gzip for a single file; .tex members only."""
    try:
        with tarfile.open(path) as tf:
            return {
                m.name: tf.extractfile(m).read()  # type: ignore[union-attr]
                for m in tf.getmembers()
                if m.isfile() and m.name.endswith(".tex") and not m.name.rsplit("/", 1)[-1].startswith("._")
            }
    except tarfile.ReadError:
        return {path.name: gzip.decompress(path.read_bytes())}


def expected_document(path: Path) -> bool:
    """A document exactly when some .tex file declares a document class and some .tex file has a heading."""
    texts = tex_files(path)
    return any(MAIN.search(t) for t in texts.values()) and any(HEADING.search(t) for t in texts.values())


def test_documents_and_skips_match_an_independent_count(corpus: Path) -> None:
    paths = sources(corpus)
    got = Counter()
    for path in paths:
        items = read(path)
        assert len(items) == 1, path.name  # one submission per file
        got[type(items[0]).__name__] += 1
        assert isinstance(items[0], Doc) == expected_document(path), path.name
    expected_docs = sum(expected_document(p) for p in paths)
    assert got == Counter({"Doc": expected_docs, "Skip": len(paths) - expected_docs})


def test_cleaned_text_has_no_preamble_comments_or_bibliography(corpus: Path) -> None:
    for path in sources(corpus):
        for item in read(path):
            if not isinstance(item, Doc):
                continue
            text = item.text
            assert "\\documentclass" not in text and "\\begin{document}" not in text, path.name
            assert not [line for line in text.splitlines() if line.lstrip().startswith("%")], path.name
            assert not re.search(r"(?<!\\)(?:\\\\)*%", text), path.name  # no inline comment either
            for marker in ("\\begin{thebibliography}", "\\bibitem", "\\bibliography{", "\\end{document}"):
                assert marker not in text, (path.name, marker)
            assert HEADING.match(text.encode()), path.name  # starts at the first section-level heading
            assert item.key and item.meta["main_file"] == item.locator["main"]


def test_skip_reasons_name_the_cause(corpus: Path) -> None:
    reasons = Counter()
    for path in sources(corpus):
        for item in read(path):
            if isinstance(item, Skip):
                texts = tex_files(path)
                has_main = any(MAIN.search(t) for t in texts.values())
                # a main file without any heading, or no \documentclass at all (then \begin{document} decides)
                assert item.reason in ({"arxiv.no_sections"} if has_main else {"arxiv.no_sections", "arxiv.no_main"})
                reasons[item.reason] += 1
    assert sum(reasons.values()) == sum(not expected_document(p) for p in sources(corpus))


def test_a_bundle_of_corpus_submissions_reads_like_the_submissions(corpus: Path, tmp_path: Path) -> None:
    paths = sources(corpus)
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for i, path in enumerate(paths):
            data = path.read_bytes()
            data = data if data[:2] == b"\x1f\x8b" else gzip.compress(data)
            info = tarfile.TarInfo(f"2001/2001.{i:05d}.gz")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    bundle = tmp_path / "arXiv_src_2001_001.tar"
    bundle.write_bytes(buf.getvalue())
    bundled = read(bundle)
    assert len(bundled) == len(paths)
    for i, (path, item) in enumerate(zip(paths, bundled, strict=True)):
        [alone] = read(path)
        assert type(item) is type(alone), path.name
        if isinstance(item, Doc) and isinstance(alone, Doc):
            assert item.text == alone.text and item.key == f"2001.{i:05d}"


def test_metadata_snapshot_join(corpus: Path, tmp_path: Path) -> None:
    snapshot = corpus / "arxiv" / "metadata" / "arxiv-metadata-oai-snapshot-0704.0001-0100.jsonl.gz"
    if not snapshot.exists():
        pytest.skip("no metadata snapshot in the corpus")
    rows = [json.loads(line) for line in gzip.decompress(snapshot.read_bytes()).splitlines() if line.strip()]
    table = load_metadata(str(snapshot))
    assert len(table) == len(rows)
    nonexclusive = sum(1 for r in rows if r["license"] is None or "nonexclusive" in r["license"])
    assert Counter(v[2] for v in table.values())["arxiv-nonexclusive"] == nonexclusive
    first = rows[0]
    title, categories, _license, version = table[first["id"]]
    assert title == " ".join(first["title"].split())
    assert categories == first["categories"].split() and version == first["versions"][-1]["version"]
    # a submission named by one of those ids picks its row up
    paper = b"\\documentclass{article}\\begin{document}\\section{A} text\\end{document}"
    row = next(r for r in rows if r["license"] and "creativecommons" in r["license"])
    path = tmp_path / f"{row['id']}.gz"
    path.write_bytes(gzip.compress(paper))
    [doc] = read(path, metadata=str(snapshot))
    assert isinstance(doc, Doc) and doc.key == row["id"]
    assert doc.meta["license"].startswith("CC-BY") and doc.meta["categories"] == row["categories"].split()
