"""Main-text extraction shared by the warc and html readers: inline links kept, bounded by work, not time."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pajama.build.pipeline import InputResult
from pajama.record import Failure, Skip
from pajama.sources._html_page import PageExtraction, PageText, count_elements
from tests.load import busy_cores

SENTENCE = (
    "Support was especially high for <span class='link'><a href='/people/biden'>Joe Biden</a></span>. "
    "The survey of 2,000 voters ran in May and June, and its margin of error was three points either way."
)


def article(paragraphs: int, sentence: str = SENTENCE) -> bytes:
    body = "".join(f"<p>{sentence} Paragraph {i}.</p>" for i in range(paragraphs))
    return f"<html><head><title>Poll</title></head><body><article><h1>Poll</h1>{body}</article></body></html>".encode()


def extract(html: bytes, **options: object) -> PageText | Skip | Failure:
    return PageExtraction(**options).extract_page(html, "utf-8", "http://example.org/poll", {"offset": 0}, "warc")  # type: ignore[arg-type]


@pytest.mark.parametrize("extractor", ["trafilatura", "resiliparse"])
def test_inline_link_text_stays_in_its_sentence(extractor: str) -> None:
    # trafilatura's favor_precision deletes `<span class="link">` and printed "especially high for ."
    found = extract(article(4), extractor=extractor)
    assert isinstance(found, PageText)
    assert "especially high for Joe Biden." in found.text
    assert " for ." not in found.text


def test_element_budget_skips_by_count_not_by_time() -> None:
    html = article(40)
    nodes = count_elements(html.decode())
    assert nodes == 6 + 40 * 3  # html, head, title, body, article, h1; then p, span, a per paragraph
    over = extract(html, max_html_nodes=nodes - 1)
    assert isinstance(over, Skip) and over.reason == "warc.too_many_nodes" and str(nodes) in over.detail
    assert isinstance(extract(html, max_html_nodes=nodes), PageText)


def decisions() -> list[str]:
    """What the default settings decide for a page just under and one just over a small element budget."""
    pages = [article(300), article(340)]
    budget = count_elements(pages[0].decode())
    out = []
    for html in pages:
        found = extract(html, max_html_nodes=budget)
        out.append(found.text if isinstance(found, PageText) else found.reason)
    return out


def test_same_decisions_under_cpu_load() -> None:
    idle = decisions()
    with busy_cores():
        loaded = decisions()
    assert loaded[1] == "warc.too_many_nodes" and "Joe Biden" in loaded[0]
    assert loaded == idle


def test_wall_clock_failures_mark_the_input_not_reproducible() -> None:
    result = InputResult("web", "file:///x.warc", "x.warc")
    assert "reproducible" not in result.to_json()
    result.reproducible = False
    assert InputResult.from_json(result.to_json()).reproducible is False


@pytest.mark.timeout(0)  # pytest-timeout's SIGALRM timer would otherwise own the alarm (the guard then defers)
def test_a_run_whose_wall_clock_guard_fired_says_it_is_not_reproducible(tmp_path: Path) -> None:
    from pajama.build import config as config_mod
    from pajama.build import plan as plan_mod
    from pajama.build.driver import run
    from pajama.jobs.local import LocalExecutor

    pages = tmp_path / "pages"
    pages.mkdir()
    (pages / "big.html").write_bytes(article(3000))
    (pages / "small.html").write_bytes(article(3))
    manifests = []
    for name, timeout in (("guarded", 0.001), ("bounded", 120.0)):
        cfg = tmp_path / f"{name}.yaml"
        source = {"reader": "html", "inputs": [str(pages)], "options": {"lid": False, "extract_timeout": timeout}}
        config = {"dataset": name, "version": "1.0.0", "output": str(tmp_path / "out"), "shards": 1}
        cfg.write_text(json.dumps({**config, "sources": {"pages": source}}))
        plan = plan_mod.build(config_mod.load(cfg, []))
        manifests.append(run(plan, LocalExecutor(workers=1)))
    guarded, bounded = manifests
    assert guarded["reproducible"] is False and guarded["inputs"][0]["reproducible"] is False
    assert guarded["inputs"][0]["errors"].get("html.extract_timeout", 0) >= 1
    assert bounded["reproducible"] is True and "reproducible" not in bounded["inputs"][0]
