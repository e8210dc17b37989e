"""The GitHub reader on every repository of ../shared/corpus/github, against repos.json (the truth).

repos.json spells the truth in a few shapes, each checked for what it means:
  an SPDX expression            -> that expression, from license files, confidence >= 0.9
  NONE (...)                    -> NONE
  AMBIGUOUS: README says "X"    -> X, but only from README evidence and with a weak confidence
  MODIFIED X (...)              -> never X: a LicenseRef-, which no permissive policy allows
  AMBIGUOUS/custom ...          -> a LicenseRef- (custom terms), which no permissive policy allows
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tarfile
from collections import Counter
from pathlib import Path

import pytest

from pajama.errors import InputError
from pajama.filters.license import LicensePolicy
from pajama.licenses.expr import ExpressionError, parse
from pajama.record import Doc, Record
from pajama.sources.github import GitHubReader
from pajama.storage import InputFile


def _truth(corpus: Path) -> list[dict[str, str]]:
    path = corpus / "github" / "repos.json"
    if not path.exists():
        pytest.skip("no github/repos.json in the corpus")
    return json.loads(path.read_text())


def read(inp: InputFile, **options) -> tuple[list[Doc], Counter[str]]:
    docs: list[Doc] = []
    skips: Counter[str] = Counter()
    for item in GitHubReader(**options).read(inp):
        if isinstance(item, Doc):
            docs.append(item)
        else:
            skips[item.reason] += 1
    return docs, skips


def _tarball_input(corpus: Path, entry: dict[str, str]) -> InputFile:
    path = corpus / "github" / entry["file"]
    return InputFile(uri=str(path), name=entry["file"], source="code")


def _same_expression(a: str, b: str) -> bool:
    def norm(e: str) -> tuple[str, frozenset[str]]:
        x = parse(e)
        return x.op, frozenset(x.ids())

    return norm(a) == norm(b)


def _is_spdx(truth: str) -> bool:
    try:
        parse(truth)
    except ExpressionError:
        return False
    return True


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "entry" in metafunc.fixturenames:
        default = Path(__file__).resolve().parents[3] / "shared" / "corpus"
        path = Path(os.environ.get("PAJAMA_CORPUS", default)) / "github" / "repos.json"
        entries = json.loads(path.read_text()) if path.exists() else []
        metafunc.parametrize("entry", entries, ids=[e["repo"] for e in entries])


def _own(doc: Doc) -> bool:
    """The file's license came from its own header or SPDX tag."""
    evidence = doc.meta["license_evidence"]
    return bool(evidence) and evidence[0]["method"].startswith(("header", "spdx"))


def test_repository_license_matches_truth(corpus: Path, entry: dict[str, str]) -> None:
    docs, _ = read(_tarball_input(corpus, entry))
    assert docs, "every corpus repository has source files"
    truth = entry["license"]
    lic = {d.meta["license"] for d in docs if not _own(d)}
    assert len(lic) == 1, lic  # every file without its own header carries the repository's license
    (found,) = lic
    doc = next(d for d in docs if d.meta["license"] == found)
    methods = {e["method"] for e in doc.meta["license_evidence"]}
    permissive = LicensePolicy(policy="permissive")
    verdict = permissive(Record("x", doc.text, "code", dict(doc.meta), {}))
    if truth.startswith("NONE"):
        assert found == "NONE" and doc.meta["license_evidence"] == []
        assert verdict.reason == "license.none"
    elif m := re.match(r'AMBIGUOUS: README says "([^"]+)"', truth):
        assert _same_expression(found, m.group(1))
        assert methods == {"readme"} and doc.meta["license_confidence"] < 0.5
        strict = LicensePolicy(policy="permissive", min_confidence=0.5)
        assert strict(Record("x", doc.text, "code", dict(doc.meta), {})).reason == "license.weak_evidence"
    elif m := re.match(r"MODIFIED ([A-Za-z0-9.\-]+)", truth):
        base = m.group(1)
        assert base not in parse(found).ids() and found.startswith("LicenseRef-")
        assert "license_file" in methods
        assert not verdict.kept and verdict.reason == f"license.{found}"
    elif _is_spdx(truth):
        assert _same_expression(found, truth), (found, truth)
        assert doc.meta["license_confidence"] >= 0.9 and "license_file" in methods
        assert verdict.kept == all(i in {"MIT", "Apache-2.0", "BSD-3-Clause"} for i in parse(truth).ids())
    else:  # custom or ambiguous terms
        assert found.startswith("LicenseRef-") and not verdict.kept


def test_every_member_is_a_document_or_a_counted_skip(corpus: Path, entry: dict[str, str]) -> None:
    inp = _tarball_input(corpus, entry)
    docs, skips = read(inp)
    with tarfile.open(inp.uri) as tf:
        members = [m for m in tf.getmembers() if not m.isdir()]
    assert len(docs) + sum(skips.values()) == len(members)
    assert {d.meta["path"] for d in docs} <= {m.name.split("/", 1)[1] for m in members}
    assert all(d.meta["commit"] == entry["commit"] for d in docs)  # from git archive's pax header
    assert all(d.meta["repo"] == entry["repo"] for d in docs)


def _folder_and_bare(tmp_path: Path, tarball: Path, stem: str) -> tuple[Path, Path]:
    with tarfile.open(tarball) as tf:
        tf.extractall(tmp_path / "x", filter="data")
    (top,) = (tmp_path / "x").iterdir()
    folder = tmp_path / stem
    top.rename(folder)
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "HOME": str(tmp_path)}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q"], ["add", "-A", "-f"], ["commit", "-q", "-m", "sample"]):
        subprocess.run(["git", "-C", str(folder), *args], check=True, env=env, capture_output=True)
    bare = tmp_path / "bare" / f"{stem}.git"
    subprocess.run(["git", "clone", "-q", "--bare", str(folder), str(bare)], check=True, env=env, capture_output=True)
    return folder, bare


def test_folder_tarball_and_bare_repo_give_the_same_documents(
    corpus: Path, entry: dict[str, str], tmp_path: Path
) -> None:
    stem = entry["file"].removesuffix(".tar.gz")
    folder, bare = _folder_and_bare(tmp_path, corpus / "github" / entry["file"], stem)
    forms = [
        _tarball_input(corpus, entry),
        InputFile(uri=str(folder), name=stem, source="code", is_dir=True),
        InputFile(uri=str(bare), name=f"{stem}.git", source="code", is_dir=True),
    ]
    results = [read(inp) for inp in forms]
    views = [{d.key: (d.text, d.meta["path"], d.meta["license"], d.meta["bytes"]) for d in docs} for docs, _ in results]
    assert views[0] == views[1] == views[2]
    assert results[0][1] == results[1][1] == results[2][1]  # the same skips, by reason
    assert results[1][0][0].meta["commit"] == results[2][0][0].meta["commit"]  # the folder's HEAD is the bare HEAD


def test_bare_repo_bad_ref_is_an_input_error(corpus: Path, tmp_path: Path) -> None:
    entry = _truth(corpus)[0]
    stem = entry["file"].removesuffix(".tar.gz")
    _, bare = _folder_and_bare(tmp_path, corpus / "github" / entry["file"], stem)
    with pytest.raises(InputError) as e:
        read(InputFile(uri=str(bare), name=f"{stem}.git", source="code", is_dir=True), ref="no-such-branch")
    assert e.value.reason == "git.bad_ref"
