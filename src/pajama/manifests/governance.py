"""What the card and report say about decontamination and removal requests, from the manifest alone."""

from __future__ import annotations

from html import escape
from typing import Any

MAX_IDS = 50  # item ids listed in the card; the manifest holds all of them


def card_decontamination(m: dict[str, Any]) -> list[str]:
    section = m.get("decontamination")
    lines = ["## Benchmark decontamination", ""]
    if not section:
        return [*lines, "No benchmark was searched (no `decontaminate` in the config).", ""]
    lines += [
        f"Documents were searched for the test items of {len(section['benchmarks'])} benchmark(s) by "
        f"{section['ngram']}-word overlap (at least {section['min_overlap']} shared n-gram(s) per item); "
        f"mode `{section['mode']}`"
        + {"drop": ": documents with a hit were dropped.", "mask": ": the matched spans were deleted.",
           "tag": ": hits are recorded in `meta.decontamination`, documents kept."}[section["mode"]],
        "",
        "| benchmark | items | searched | items found | documents hit | file sha256 |",
        "|---|---|---|---|---|---|",
    ]  # fmt: skip
    for name, b in section["benchmarks"].items():
        lines.append(
            f"| {name} | {b['items']:,} | {b['items_indexed']:,} | {b['items_hit']:,} | {b['documents_hit']:,} "
            f"| `{b['sha256'][:16]}…` |"
        )
    lines.append("")
    for name, b in section["benchmarks"].items():
        if b["item_ids"]:
            shown = ", ".join(b["item_ids"][:MAX_IDS])
            more = f" and {len(b['item_ids']) - MAX_IDS:,} more (manifest.json)" if len(b["item_ids"]) > MAX_IDS else ""
            lines.append(f"- {name} items found: {shown}{more}")
    return [*lines, ""]


def card_removals(m: dict[str, Any]) -> list[str]:
    removals = m.get("removals") or []
    if not removals:
        return []
    lines = ["## Removal requests", "", "Documents taken out after release, each by a request recorded here:", ""]
    lines += ["| version | reason | request sha256 | removed |", "|---|---|---|---|"]
    for r in removals:
        what = ", ".join(f"{k} {v:,}" for k, v in r["removed"].items())
        lines.append(f"| {r['version']} | {r['reason']} | `{r['request_sha256'][:16]}…` | {what} |")
    return [*lines, ""]


def report_section(m: dict[str, Any]) -> str:
    """HTML: the decontamination table and the removal requests (empty string when there are neither)."""
    parts = []
    section = m.get("decontamination")
    if section:
        rows = "".join(
            f"<tr><td>{escape(name)}</td><td>{b['items']:,}</td><td>{b['items_hit']:,}</td>"
            f"<td>{b['documents_hit']:,}</td></tr>"
            for name, b in section["benchmarks"].items()
        )
        parts.append(
            f"<p>mode {escape(section['mode'])}, {section['ngram']}-word n-grams</p><table><tr><th>benchmark</th>"
            f"<th>items</th><th>items found</th><th>documents hit</th></tr>{rows}</table>"
        )
    removals = m.get("removals") or []
    if removals:
        rows = "".join(
            f"<tr><td>{escape(r['version'])}</td><td>{escape(r['reason'])}</td><td>{r['documents']:,}</td></tr>"
            for r in removals
        )
        parts.append(f"<table><tr><th>version</th><th>removal request</th><th>documents</th></tr>{rows}</table>")
    return "".join(parts)
