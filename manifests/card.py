"""The dataset card (README.md) and report.html written with every release.

These are the release-time renderers; `pajama manifest datasheet|report` call the same functions.
"""

from __future__ import annotations

import html
from typing import Any


def _size_category(n: int) -> str:
    for limit, label in (
        (1_000, "n<1K"),
        (10_000, "1K<n<10K"),
        (100_000, "10K<n<100K"),
        (1_000_000, "100K<n<1M"),
        (10_000_000, "1M<n<10M"),
        (100_000_000, "10M<n<100M"),
    ):
        if n < limit:
            return label
    return "n>100M"


def render_card(manifest: dict[str, Any]) -> str:
    sources = manifest["sources"]
    kept = sum(s["kept"] for s in sources.values())
    licenses = sorted({lic for table in manifest["licenses"].values() for lic, c in table.items() if c["kept"]})
    languages = sorted({lang for s in sources.values() for lang in s["languages"] if lang != "unknown"})
    lines = ["---", "license:"]
    lines += [f"- {lic.lower()}" for lic in licenses] or ["- other"]
    lines += ["language:"] + ([f"- {lang}" for lang in languages] or ["- und"])
    lines += [f"size_categories:\n- {_size_category(kept)}", "configs:", "- config_name: default", "  data_files:"]
    lines += [f"  - split: {name}\n    path: data/{name}/*" for name in sources]
    lines += ["---", "", f"# {manifest['dataset']} {manifest['version']}", ""]
    if manifest.get("description"):
        lines += [manifest["description"], ""]
    lines += ["| source | read | documents | kept | dropped | duplicates |", "|---|---|---|---|---|---|"]
    for name, s in sources.items():
        lines.append(
            f"| {name} | {s['records']} | {s['documents']} | {s['kept']} | "
            f"{sum(s['dropped'].values())} | {sum(s['duplicates'].values())} |"
        )
    lines += [
        "",
        f"release_digest: `{manifest['release_digest']}`",
        "",
        "Verify with `sha256sum -c SHA256SUMS` and `pajama manifest verify .`",
        "",
    ]
    return "\n".join(lines)


def render_report(manifest: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{s['records']}</td><td>{s['kept']}</td></tr>"
        for name, s in manifest["sources"].items()
    )
    title = html.escape(f"{manifest['dataset']} {manifest['version']}")
    return (
        f"<!doctype html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
        f"<h1>{title}</h1><table><tr><th>source</th><th>read</th><th>kept</th></tr>{rows}</table>"
        "</body></html>\n"
    )
