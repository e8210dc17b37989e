"""`pajama manifest diff OLD NEW`: config, stage, count, input, shard and document differences."""

from __future__ import annotations

import argparse
import json
from typing import Any


def register(verbs: Any) -> None:
    p = verbs.add_parser("diff", help="what changed between two releases: config, counts, documents, shards")
    p.add_argument("old", metavar="OLD")
    p.add_argument("new", metavar="NEW")
    p.add_argument("--sample", type=int, default=10, help="ids listed per source for added/removed documents")
    p.add_argument("--no-documents", action="store_true", help="compare manifests only, not the ids in the data")
    p.add_argument("--json", action="store_true", help="print the differences as JSON")
    p.set_defaults(func=main)


def main(args: argparse.Namespace) -> int:
    from pajama.manifests.diff import diff_releases

    d = diff_releases(args.old, args.new, sample=args.sample, documents=not args.no_documents)
    if args.json:
        print(json.dumps(d, indent=2, ensure_ascii=False, default=str))
    else:
        print("\n".join(render(d)))
    return 0


def _v(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _pairs(changes: dict[str, list[Any]], indent: str) -> list[str]:
    out = []
    for key, (old, new) in changes.items():
        delta = ""
        if isinstance(old, int | float) and isinstance(new, int | float) and not isinstance(old, bool):
            delta = f" ({new - old:+,})" if isinstance(new - old, int) else f" ({new - old:+.4g})"
        out.append(f"{indent}{key}: {_v(old)} -> {_v(new)}{delta}")
    return out


def render(d: dict[str, Any]) -> list[str]:
    old, new = d["old"], d["new"]
    lines = [
        f"OLD {old['dataset']} {old['version']}  {old['path']}",
        f"NEW {new['dataset']} {new['version']}  {new['path']}",
        "data: identical (same release_digest)" if d["same_data"] else "data: different release_digest",
        {
            True: "outcome: identical (same outcome_digest: data, rejected and signals)",
            False: "outcome: different (rejected/ or signals/ differ: records were decided differently)",
            None: "outcome: not compared (a release without outcome_digest)",
        }[d.get("same_outcome")],
    ]
    for title, key in (("config", "config"), ("code", "code")):
        lines.append(f"{title}: " + ("unchanged" if not d[key] else f"{len(d[key])} change(s)"))
        lines += _pairs(d[key], "  ")
    lines.append("stages:" + ("" if d["stages"] else " unchanged"))
    for s in d["stages"]:
        tag = f" [{s['change']}]" if "change" in s else ""
        lines.append(f"  {s['source']}/{s['stage']} ({s['filter']}){tag}")
        lines += _pairs(s["changes"], "    ")
    lines.append("sources:" + ("" if d["sources"] else " counts unchanged"))
    for name, changes in d["sources"].items():
        lines.append(f"  {name}")
        lines += _pairs(changes, "    ")
    inputs = d["inputs"]
    lines.append(
        f"inputs: {len(inputs['added'])} added, {len(inputs['removed'])} removed, {len(inputs['changed'])} changed"
    )
    lines += [f"  + {u}" for u in inputs["added"]] + [f"  - {u}" for u in inputs["removed"]]
    for uri, changes in inputs["changed"].items():
        lines.append(f"  ~ {uri}")
        lines += _pairs(changes, "      ")
    lines += _render_shards(d["shards"])
    lines += _render_removals(d.get("removals") or {})
    for name, docs in (d.get("documents") or {}).items():
        lines.append(f"documents {name}: +{docs['added']:,} added, -{docs['removed']:,} removed")
        lines += [f"  + {x['id']}  (in OLD: {x['old']})" for x in docs["added_sample"]]
        lines += [f"  - {x['id']}  (in NEW: {x['new']})" for x in docs["removed_sample"]]
    return lines


def _render_removals(removals: dict[str, list[dict[str, Any]]]) -> list[str]:
    added, undone = removals.get("added") or [], removals.get("undone") or []
    if not added and not undone:
        return []
    lines = [f"removals: {len(added)} applied, {len(undone)} not in NEW"]
    for mark, rows in (("+", added), ("-", undone)):
        for r in rows:
            what = ", ".join(f"{k} {v}" for k, v in r["removed"].items())
            lines.append(f"  {mark} {r['version']}: {r['reason']!r} request {r['request_sha256'][:12]} ({what})")
    return lines


def _render_shards(sh: dict[str, Any]) -> list[str]:
    lines = [
        f"shards: {len(sh['added'])} added, {len(sh['removed'])} removed, {len(sh['changed'])} changed, "
        f"{sh['unchanged']} unchanged"
    ]
    lines += [f"  + {p}" for p in sh["added"]] + [f"  - {p}" for p in sh["removed"]]
    lines += [f"  ~ {c['path']}  documents {_v(c['documents'][0])} -> {_v(c['documents'][1])}" for c in sh["changed"]]
    return lines
