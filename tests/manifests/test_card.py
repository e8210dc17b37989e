"""The dataset card (README.md) and report.html, generated from the manifest."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml

from pajama.manifests.card import HF_LICENSES, _cell, render_card, render_report, split_languages, strip_machine_paths
from pajama.manifests.diff import flatten
from pajama.manifests.verify import verify

PLOTS = ("funnel", "lengths", "languages", "licenses", "dedup", "tokens")
VOID = {"meta", "br", "img", "hr", "input", "link", "area", "base", "col", "source", "wbr"}


def load(release: Path) -> dict[str, Any]:
    return json.loads((release / "manifest.json").read_text())


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    return subprocess.run([sys.executable, "-m", "pajama", *args], capture_output=True, text=True, env=env)


def test_card_header_is_hugging_face_yaml(full_release: Path) -> None:
    m = load(full_release)
    card = (full_release / "README.md").read_text()
    assert card == render_card(m)  # `pajama run` wrote it with the same renderer
    head = yaml.safe_load(card.split("---\n")[1])
    assert head["source_datasets"] == list(m["sources"])
    kept = sum(s["kept"] for s in m["sources"].values())
    assert head["size_categories"] == ["n<1K" if kept < 1000 else "1K<n<10K"]
    assert "cc-by-sa-4.0" in head["license"]  # wikipedia's
    assert "other" in head["license"] and "PD-US" in head["license_details"]  # books are PD-US, not an HF id
    languages = {lang for s in m["sources"].values() for lang, n in s["languages"].items() if n and lang != "unknown"}
    iso, programming = split_languages(languages)
    assert head["language"] == iso and all(re.fullmatch(r"[a-z]{2,3}", code) for code in iso)
    assert head.get("programming_language", []) == programming and "unknown" not in iso + programming
    assert set(head["license"]) <= HF_LICENSES | {"other", "unknown"}
    # JSON shards: one config per source (their meta differ), the first the default
    assert [(c["config_name"], [e["path"] for e in c["data_files"]]) for c in head["configs"]] == [
        (name, [f"data/{name}/*.jsonl.zst"]) for name in m["sources"]
    ]
    assert head["configs"][0].get("default") is True
    assert not re.search(r"(?<![\w:/])/(tmp|home|root|work|Users)/", card)  # no machine paths anywhere
    for section in ("Uses", "Limitations", "Personal and sensitive information", "Bias, risks", "Citation"):
        assert f"## {section}" in card
    assert m["release_digest"] in card.split("## Citation", 1)[1]


def test_card_lists_every_filter_parameter(full_release: Path) -> None:
    m = load(full_release)
    card = render_card(m)
    body = card.split("## Preprocessing and filtering", 1)[1].split("## Deduplication", 1)[0]
    per_source = {chunk.split("\n", 1)[0].strip(): chunk for chunk in body.split("\n### ")[1:]}
    assert set(per_source) == set(m["sources"])
    for stage in m["stages"]:
        text = per_source[stage["source"]]
        assert f"**{stage['name']}** (`{stage['filter']}@{stage['version']}`)" in text
        for key, value in flatten(stage["params"]).items():
            assert strip_machine_paths(f"| `{key}` | {_cell(value)} |") in text, (stage["source"], key)
        for reason, n in stage["dropped"].items():
            assert f"`{reason}` {n:,}" in text
    dedup = card.split("## Deduplication", 1)[1].split("## Licenses", 1)[0]
    for key, value in flatten(m["config"]["dedup"]).items():
        assert f"| `{key}` | {_cell(value)} |" in dedup
    for section in ("Motivation", "Composition", "Collection process", "Licenses", "Provenance", "How to verify"):
        assert f"\n## {section}\n" in card
    for inp in m["inputs"]:
        assert inp["sha256"] in card


class Strict(HTMLParser):
    """Collects tags and attributes and checks that every non-void element is closed in order."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.errors: list[str] = []
        self.titles: list[str] = []
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_title = tag == "title"
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack.pop() != tag:
            self.errors.append(f"unexpected </{tag}>")
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.titles.append(data)


def test_report_is_self_contained_html_with_every_plot(full_release: Path) -> None:
    m = load(full_release)
    page = (full_release / "report.html").read_text()
    assert page == render_report(m)
    parser = Strict()
    parser.feed(page)
    parser.close()
    assert parser.errors == [] and parser.stack == []
    plots = {attrs.get("data-plot") for tag, attrs in parser.tags if tag == "svg"}
    assert set(PLOTS) <= plots
    sections = {attrs.get("id") for tag, attrs in parser.tags if tag == "section"}
    assert set(PLOTS) <= sections
    for tag, attrs in parser.tags:  # nothing to fetch: no scripts, stylesheets, images or frames
        assert tag not in ("script", "link", "img", "iframe", "object", "embed"), tag
        for name in ("src", "href", "xlink:href", "srcset", "action", "data"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (tag, name, value)
    assert not re.search(r"url\(|@import|https?://", page)
    # the funnel shows every drop and duplicate reason with its count from the manifest
    titles = "\n".join(parser.titles)
    for s in m["sources"].values():
        for reason, n in {**s["dropped"], **s["duplicates"]}.items():
            assert f"{reason}: {n:,}" in titles
    for name, n in m["tokens"]["per_source"].items():
        assert f"{name}: {n or 0:,} tokens" in titles
    for size, n in m["dedup"]["minhash"]["cluster_sizes"].items():
        assert f"clusters of {size} documents: {n:,}" in titles


def test_report_without_dedup_or_tokens(docs_v1: Path) -> None:
    parser = Strict()
    parser.feed(render_report(load(docs_v1)))
    assert {attrs.get("data-plot") for tag, attrs in parser.tags if tag == "svg"} >= set(PLOTS)


def test_cli_rewrites_card_and_report_and_verify_still_passes(docs_v1: Path, tmp_path: Path) -> None:
    release = tmp_path / "release"
    shutil.copytree(docs_v1, release)
    (release / "README.md").write_text("stale\n")
    (release / "report.html").write_text("stale\n")
    assert verify(str(release))  # the stale files no longer match SHA256SUMS
    for verb, name in (("datasheet", "README.md"), ("report", "report.html")):
        proc = cli("manifest", verb, str(release))
        assert proc.returncode == 0, proc.stderr
        assert (release / name).read_text() != "stale\n"
    assert verify(str(release)) == []
    out = tmp_path / "card.md"
    assert cli("manifest", "datasheet", str(release), "--output", str(out)).returncode == 0
    assert out.read_text() == (release / "README.md").read_text()
    assert verify(str(release)) == []
