"""Data dumps inside code repositories are skipped by their content as code.data_file (sources/_code_data.py)."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest

from pajama.record import Doc, Skip
from pajama.sources._code_data import data_kind
from pajama.sources.github import GitHubReader
from pajama.storage import InputFile

ROWS = "".join(
    f'  <row Id="{i}" PostTypeId="1" Score="{i % 7}" Body="&lt;p&gt;Question {i}&lt;/p&gt;" />\n' for i in range(80)
)
POSTS = '<?xml version="1.0" encoding="utf-8"?>\n<posts>\n' + ROWS + "</posts>\n"
CSV = "id,name,score,city\n" + "".join(f"{i},name {i},{i * 3},Town {i % 5}\n" for i in range(300))
JSONL = "".join(json.dumps({"id": i, "text": f"record {i}", "tags": ["a", "b"]}) + "\n" for i in range(150))
JSON_ARRAY = (
    "[\n" + ",\n".join(json.dumps({"id": i, "value": i * 1.5, "label": f"item {i}"}) for i in range(150)) + "\n]\n"
)
CODE = "".join(f"def f{i}(x, y, z):\n    return g(x, y) + h(z, {i})\n\n" for i in range(80))
SMALL_JSON = json.dumps({"name": "pkg", "version": "1.0.0", "dependencies": {"a": "^1"}}, indent=2)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        *[(POSTS, "xml_records"), (CSV, "delimited"), (JSONL, "json_lines"), (JSON_ARRAY, "json_records")],
        *[(CODE, None), (SMALL_JSON, None), (CSV[:3000], None)],
    ],
)
def test_data_kind(text: str, kind: str | None) -> None:
    assert data_kind(text) == kind


def test_real_stackexchange_posts_in_a_repository_are_skipped(corpus: Path, tmp_path: Path) -> None:
    posts = corpus / "stackexchange" / "beer.stackexchange.com-Posts.xml.gz"
    if not posts.exists():
        pytest.skip("no StackExchange Posts.xml in the corpus")
    files = {
        "LICENSE": "MIT License\n\nPermission is hereby granted, free of charge, to any person",
        "data/Posts.xml": gzip.decompress(posts.read_bytes()).decode("utf-8")[:500_000],
        "fixtures/posts.txt": POSTS,  # the same content under a name that says nothing
        "src/main.py": CODE,
    }
    tarball = tmp_path / "owner__repo.tar.gz"
    with tarfile.open(tarball, "w:gz") as tf:
        for name, text in files.items():
            data = text.encode()
            info = tarfile.TarInfo(f"repo-main/{name}")
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    items = list(GitHubReader(max_file_bytes=1 << 20).read(InputFile(str(tarball), tarball.name, "code")))
    by_path = {i.locator["path"]: i for i in items}
    assert isinstance(by_path["src/main.py"], Doc)
    for path in ("data/Posts.xml", "fixtures/posts.txt"):
        skip = by_path[path]
        assert isinstance(skip, Skip) and skip.reason == "code.data_file", path
    kept = list(GitHubReader(skip_data_files=False).read(InputFile(str(tarball), tarball.name, "code")))
    assert {i.locator["path"] for i in kept if isinstance(i, Doc)} >= {"fixtures/posts.txt"}
