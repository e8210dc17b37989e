"""Readable summaries of a manifest: `pajama manifest show` and the end of `pajama run`."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _top(counts: dict[str, int], n: int = 4) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    text = ", ".join(f"{k} {v}" for k, v in items[:n])
    return text + (f", +{len(items) - n} more" if len(items) > n else "")


def funnel_table(manifest: dict[str, Any]) -> Table:
    table = Table(title=f"{manifest['dataset']} {manifest['version']}", title_justify="left")
    for col in ("source", "read", "skipped", "errors", "docs", "dropped", "dups", "kept", "top drop reasons"):
        table.add_column(col, justify="left" if col in ("source", "top drop reasons") else "right")
    for name, s in manifest["sources"].items():
        table.add_row(
            name,
            f"{s['records']:,}",
            f"{sum(s['skipped'].values()):,}",
            f"{sum(s['errors'].values()):,}",
            f"{s['documents']:,}",
            f"{sum(s['dropped'].values()):,}",
            f"{sum(s['duplicates'].values()):,}",
            f"{s['kept']:,}",
            _top({**s["dropped"], **s["duplicates"]}),
        )
    return table


def print_summary(manifest: dict[str, Any], release: str, console: Console | None = None) -> None:
    console = console or Console(width=120)
    console.print(funnel_table(manifest))
    acc = "balanced" if manifest["accounting"]["balanced"] else "NOT BALANCED"
    if manifest.get("tokens"):
        tok = manifest["tokens"]["tokenizer"]
        name = tok.get("name") if isinstance(tok, dict) else tok
        console.print(f"tokens: {manifest['tokens']['total']:,} ({name})")
    console.print(f"release: {release}")
    console.print(f"release_digest: {manifest['release_digest']}  accounting: {acc}")
    dedup = manifest.get("dedup") or {}
    for warning in dedup.get("warnings", []):
        console.print(f"[bold red]dedup warning:[/] {warning}")


def print_details(manifest: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console(width=120)
    console.print(funnel_table(manifest))
    for name, s in manifest["sources"].items():
        console.print(f"[bold]{name}[/] ({s['reader']}@{s['reader_version']}, {s['inputs']} inputs)")
        for label, counts in (
            ("skipped", s["skipped"]),
            ("errors", s["errors"]),
            ("dropped", s["dropped"]),
            ("duplicates", s["duplicates"]),
        ):
            for reason, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
                console.print(f"  {label:<10} {reason:<40} {n:>10,}")
    console.print("stages:")
    for st in manifest["stages"]:
        console.print(f"  {st['source']}/{st['name']}@{st['version']}: in {st['in']:,} out {st['out']:,}")
    if manifest.get("tokens"):
        tok = manifest["tokens"]["tokenizer"]
        console.print(f"tokens: {manifest['tokens']['total']:,} ({tok.get('name') if isinstance(tok, dict) else tok})")
    console.print(
        f"shards: {sum(1 for s in manifest['shards'] if s['kind'] == 'data')} data files, "
        f"{sum(s['bytes'] for s in manifest['shards']):,} bytes in all"
    )
    console.print(f"release_digest: {manifest['release_digest']}")
