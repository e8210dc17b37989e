"""`pajama manifest trace RELEASE DOC_ID`: a document's origin, raw record and every stage that touched it."""

from __future__ import annotations

import argparse
import json
from typing import Any

from pajama.errors import CheckFailed, ConfigError


def register(verbs: Any) -> None:
    p = verbs.add_parser("trace", help="where a document came from, its raw record, and why it was kept or dropped")
    p.add_argument("release")
    p.add_argument("doc_id", metavar="DOC_ID")
    p.add_argument(
        "--root",
        action="append",
        default=[],
        metavar="DIR",
        help="folder that relative input paths are relative to (default: here, then the release's parents)",
    )
    p.add_argument("--no-reread", action="store_true", help="do not open the input")
    p.add_argument("--lines", type=int, default=40, help="lines of raw and release text to show (0: all)")
    p.add_argument("--json", action="store_true", help="print the trace as JSON")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.manifests.trace import trace

    try:
        result = trace(args.release, args.doc_id, roots=tuple(args.root), reread_raw=not args.no_reread)
    except LookupError as e:
        raise ConfigError("DOC_ID", str(e.args[0] if e.args else e)) from None
    except FileNotFoundError as e:
        raise ConfigError("RELEASE", f"{args.release}: {e}") from None
    if args.json:
        print(json.dumps(result.to_json(), indent=2, ensure_ascii=False, default=str))
    else:
        render(result, lines=args.lines)
    if result.status == "not_found":
        raise CheckFailed(f"{args.doc_id}: {result.note}")
    return 0


def render(t: Any, *, lines: int = 40, console: Any = None) -> None:
    from rich.console import Console
    from rich.markup import escape

    console = console or Console(width=140)
    say = console.print
    head = {"kept": "[green]KEPT[/]", "dropped": "[red]DROPPED[/]", "duplicate": "[yellow]DUPLICATE[/]"}
    say(f"[bold]{escape(t.id)}[/]  {head.get(t.status, '[red]NOT FOUND[/]')}  {escape(t.reason or '')}")
    if t.status == "not_found":
        say(escape(t.note))
        return
    say(f"  found in {escape(t.file)}")
    for other in t.others:
        say(f"  [yellow]another record with this id[/] in {escape(other['file'])}: {escape(str(other.get('reason')))}")
    origin = (t.record or {}).get("origin") or {}
    say("[bold]origin[/]")
    say(f"  input    {escape(str(origin.get('uri')))}  (source {escape(t.source)}, reader {escape(str(t.reader))})")
    say(f"  sha256   {origin.get('sha256')}")
    say(f"  locator  {escape(json.dumps(origin.get('locator'), ensure_ascii=False))}")
    if t.input:
        say(f"  input in the manifest: {t.input['records']} records, {t.input['documents']} documents")
    _render_steps(t, say, escape)
    _render_facts(t, say, escape)
    _render_texts(t, console, lines)


def _render_steps(t: Any, say: Any, escape: Any) -> None:
    say("[bold]stages[/]" + ("" if t.steps else "  (none: the source has no filters)"))
    for i, step in enumerate(t.steps, start=1):
        version = f"@{step.version}" if step.version is not None else ""
        params = ", ".join(f"{k}={_short(v)}" for k, v in step.params.items())
        color = {"passed": "green", "dropped": "red"}.get(step.outcome, "dim")
        outcome = f"[{color}]{step.outcome}[/]" + (f" {escape(step.reason)}" if step.reason else "")
        say(f"  {i}. {escape(step.name)} ({escape(step.filter)}{version}: {escape(params)}): {outcome}")
        for k, v in step.signals.items():
            say(f"       {escape(k)} = {escape(_short(v))}")


def _render_facts(t: Any, say: Any, escape: Any) -> None:
    say("[bold]license[/]  " + (escape(json.dumps(t.license, ensure_ascii=False)) if t.license else "no meta.license"))
    say("[bold]edits[/]  " + ("none" if not t.edits else ""))
    for edit in t.edits:
        say(f"  {escape(json.dumps(edit, ensure_ascii=False))}")
    if t.cluster:
        c = t.cluster
        say(
            f"[bold]duplicate cluster[/]  {escape(str(c['cluster_id']))}: "
            f"kept {escape(c['kept'])}, {c['removed']} removed"
        )
        for m in c["members"]:
            say(f"  {escape(m['id'])}  {escape(str(m['reason']))}")


def _render_texts(t: Any, console: Any, lines: int) -> None:
    from rich.table import Table

    text = (t.record or {}).get("text", "")
    rr = t.reread
    if rr is None:
        console.print("[bold]raw record[/]  not re-read (--no-reread)")
    else:
        console.print(f"[bold]raw record[/]  {rr.status}: {rr.message}")
    if rr is not None and rr.raw is not None:
        if rr.raw.fields:
            console.print(f"  {rr.raw.kind}: {json.dumps(rr.raw.fields, ensure_ascii=False, default=str)[:1000]}")
        table = Table(show_lines=False, expand=True)
        table.add_column(f"raw ({rr.raw.kind})", overflow="fold", ratio=1)
        table.add_column("release text", overflow="fold", ratio=1)
        table.add_row(_clip(_readable(rr.raw.text), lines), _clip(text, lines))
        console.print(table, markup=False)
    else:
        console.print("[bold]release text[/]")
        console.print(_clip(text, lines), markup=False)


def _readable(raw: str) -> str:
    """A JSON record (a jsonl line, a parquet row) with its string fields unescaped, one field after another."""
    try:
        value = json.loads(raw)
    except ValueError:
        return raw
    if not isinstance(value, dict):
        return raw
    parts = []
    for k, v in value.items():
        shown = v if isinstance(v, str) else json.dumps(v, ensure_ascii=False, default=str)
        parts.append(f"{k}: {shown}")
    return "\n".join(parts)


def _clip(text: str, lines: int) -> str:
    parts = text.splitlines()
    if lines <= 0 or len(parts) <= lines:
        return text
    return "\n".join(parts[:lines]) + f"\n... ({len(parts) - lines} more lines)"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 80 else text[:77] + "..."
