"""refilter decides again from stored signals for language, url, code_quality and license (the filters of
every web and code config), carries minhash/ and the duplicate counts, and equals a full run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import orjson
import pytest

from examples.samples.docs import topic_texts

from .helpers import manifest, pajama, write_config

LICENSES = ["MIT", "Apache-2.0", "GPL-3.0", "NONE"]


def _corpus(folder: Path) -> None:
    folder.mkdir(parents=True)
    lines = []
    seen: set[str] = set()
    unique = [(n, t) for n, t in topic_texts()[:64] if not (t in seen or seen.add(t))]  # pydoc repeats a few
    for i, (name, text) in enumerate(unique[:60]):
        meta = {
            "url": f"https://site{i % 4}.example.org/{name}",
            "license": LICENSES[i % len(LICENSES)],
            "license_confidence": [0.4, 0.9][i % 2],
            "path": f"{name}.{['py', 'md', 'txt'][i % 3]}",
        }
        lines.append(orjson.dumps({"text": text, "meta": meta}))
    # Exact duplicates that every threshold set keeps: dedup removes one of each pair in every run (a
    # refilter carries dedup decisions over; it does not look for new duplicates among returned documents).
    for i, (_, text) in enumerate(topic_texts()[k] for k in (60, 62, 63)):  # language scores > 0.9
        short = "\n".join(" ".join(text.split()[k : k + 12]) for k in range(0, 240, 12))
        meta = {"url": f"https://site3.example.org/dup{i}", "license": "MIT", "license_confidence": 1.0}
        for copy in ("a", "b"):
            lines.append(orjson.dumps({"text": short, "meta": dict(meta, path=f"dup{i}{copy}.py")}))
    (folder / "docs.jsonl").write_bytes(b"\n".join(lines) + b"\n")


def _filters(t: dict[str, Any]) -> list[Any]:
    return [
        {"language": {"keep": ["en"], "min_score": t["score"]}},
        {"url": {"domains": t["domains"]}},
        {"code_quality": {"extensions": [".py", ".md", ".txt"], "max_avg_line_length": t["avg"]}},
    ]


OLD = {"score": 0.5, "domains": ["site0.example.org"], "avg": 400.0, "allow": ["MIT", "Apache-2.0"], "conf": 0.5}
TIGHTER = {"score": 0.9, "domains": ["site0.example.org", "site1.example.org"], "avg": 120.0, "allow": ["MIT"]}
LOOSER = {"score": 0.2, "domains": [], "avg": 1000.0, "allow": ["MIT", "Apache-2.0", "GPL-3.0"], "conf": 0.0}


def _sets(t: dict[str, Any]) -> list[str]:
    domains = "[" + ", ".join(t["domains"]) + "]"
    out = [
        f"sources.docs.filters.0.language.min_score={t['score']}",
        f"sources.docs.filters.1.url.domains={domains}",
        f"sources.docs.filters.2.code_quality.max_avg_line_length={t['avg']}",
        "sources.docs.license.allow=[" + ", ".join(t["allow"]) + "]",
        f"sources.docs.license.min_confidence={t.get('conf', 0.5)}",
    ]
    return [x for s in out for x in ("--set", s)]


def _run(base: Path, name: str, t: dict[str, Any]) -> Path:
    cfg = write_config(
        base / f"{name}.yaml",
        [str(base / "in" / "*")],
        base / name,
        _filters(t),
        dedup={"exact": True, "minhash": {"threshold": 0.9}},
    )
    pajama("run", str(cfg), "--workers", "1", *_sets({**OLD, **t} if name == "old" else t), check=True)
    return base / name / "t/1.0.0"


@pytest.fixture(scope="module")
def old(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("refilter-filters")
    _corpus(base / "in")
    return _run(base, "old", OLD)


@pytest.mark.parametrize("name", ["tighter", "looser"])
def test_refilter_every_web_and_code_filter_equals_full_run(old: Path, name: str) -> None:
    thresholds = TIGHTER if name == "tighter" else LOOSER
    base = old.parents[2]
    full = manifest(_run(base, f"full-{name}", thresholds))
    out = base / f"refiltered-{name}"
    proc = pajama("refilter", str(old), "--version", "1.1.0", "--output", str(out), *_sets(thresholds))
    assert proc.returncode == 0, proc.stderr
    new = manifest(out / "t/1.1.0")
    before = manifest(old)
    assert new["sources"]["docs"]["kept"] != before["sources"]["docs"]["kept"]  # the thresholds mattered
    for st in new["stages"]:  # every filter decided something in at least one direction
        assert st["in"] > 0
    assert new["release_digest"] == full["release_digest"]
    assert new["sources"]["docs"]["dropped"] == full["sources"]["docs"]["dropped"]
    assert [(s["name"], s["out"], s["dropped"]) for s in new["stages"]] == [
        (s["name"], s["out"], s["dropped"]) for s in full["stages"]
    ]
    minhash = [s for s in new["shards"] if s["kind"] == "minhash"]
    assert minhash and minhash == [s for s in before["shards"] if s["kind"] == "minhash"]
    assert all((out / "t/1.1.0" / s["path"]).is_file() for s in minhash)
    assert new["dedup"]["exact"] == before["dedup"]["exact"]
    assert new["sources"]["docs"]["duplicates"] == before["sources"]["docs"]["duplicates"] == {"dedup.exact": 3}
    assert pajama("manifest", "verify", str(out / "t/1.1.0")).returncode == 0
