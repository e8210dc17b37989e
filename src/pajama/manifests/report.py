"""report.html: one self-contained page of plots generated from the manifest (no network, no scripts).

Plots, each an inline <svg data-plot="...">: the funnel of every source (read -> documents -> passed
filters -> kept, each loss split by reason), document length histograms, language mix, license mix,
dedup cluster sizes and removals, tokens per source; then the stage table.
"""

from __future__ import annotations

from html import escape
from typing import Any

from pajama.manifests.governance import report_section
from pajama.manifests.svg import Row, Segment, empty, fmt, hbars, legend, vbars

KEPT, DOCS, SKIPPED, ERRORS = "#2e7d32", "#1565c0", "#9e9e9e", "#c62828"
DROPPED = ("#ef6c00", "#f9a825", "#d84315", "#ffb74d", "#8d6e63", "#ff8a65", "#bf360c", "#ffcc80")
DUPS = ("#6a1b9a", "#ab47bc", "#4a148c", "#ce93d8")
SOURCES = ("#1565c0", "#2e7d32", "#ef6c00", "#6a1b9a", "#00838f", "#c62828", "#5d4037", "#ad1457", "#558b2f")
CSS = """
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1000px;color:#222;padding:0 1em}
h1{font-size:1.6em}h2{border-bottom:1px solid #ddd;padding-bottom:.2em;margin-top:2em}
svg.plot{display:block;margin:.4em 0}svg text{font:11px system-ui,sans-serif;fill:#333}
svg text.num{fill:#555}svg text.axis{fill:#777}
table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ddd;padding:2px 8px;text-align:right}
td:first-child,th:first-child{text-align:left}.legend span{margin-right:1em;white-space:nowrap}
.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}
.multi{display:flex;flex-wrap:wrap;gap:1em}.multi div{flex:0 0 auto}.note{color:#666}
"""


def render_report(manifest: dict[str, Any]) -> str:
    title = escape(f"{manifest['dataset']} {manifest['version']}")
    kept = sum(s["kept"] for s in manifest["sources"].values())
    read = sum(s["records"] for s in manifest["sources"].values())
    body = [
        f"<h1>{title}</h1>",
        f"<p>{escape(manifest.get('description') or '')}</p>",
        f"<p>{read:,} records read, {kept:,} documents kept, from {len(manifest['sources'])} source(s). "
        f"Created {escape(str(manifest.get('created')))}; release_digest <code>{manifest['release_digest']}</code>; "
        f"accounting {'balanced' if manifest['accounting']['balanced'] else 'NOT BALANCED'}.</p>",
        _section("funnel", "Funnel per source", _funnel(manifest)),
        _section("lengths", "Document length (characters, kept documents)", _lengths(manifest)),
        _section("languages", "Language mix (kept documents)", _languages(manifest)),
        _section("licenses", "License mix", _licenses(manifest)),
        _section("dedup", "Deduplication", _dedup(manifest)),
        _section("tokens", "Tokens per source", _tokens(manifest)),
        _section("stages", "Stages", _stage_table(manifest)),
    ]
    governance = report_section(manifest)
    if governance:
        body.append(_section("governance", "Decontamination and removals", governance))
    return (
        f'<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{CSS}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def _section(key: str, heading: str, content: str) -> str:
    return f'<section id="{key}"><h2>{escape(heading)}</h2>{content}</section>'


def _reason_segments(counts: dict[str, int], palette: tuple[str, ...], label: str) -> list[Segment]:
    ordered = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return [Segment(n, palette[i % len(palette)], f"{label} {r}: {n:,}") for i, (r, n) in enumerate(ordered)]


def _funnel(manifest: dict[str, Any]) -> str:
    parts = []
    for name, s in manifest["sources"].items():
        dropped, dups = s["dropped"], s["duplicates"]
        passed = s["documents"] - sum(dropped.values())
        skipped, errors = sum(s["skipped"].values()), sum(s["errors"].values())
        rows = [
            Row("read", [Segment(s["documents"], DOCS, f"documents {s['documents']:,}"),
                         Segment(skipped, SKIPPED, f"skipped {skipped:,}: {_top(s['skipped'])}"),
                         Segment(errors, ERRORS, f"errors {errors:,}: {_top(s['errors'])}")], fmt(s["records"])),
            Row("documents", [Segment(passed, DOCS, f"passed filters {passed:,}"),
                              *_reason_segments(dropped, DROPPED, "dropped")], fmt(s["documents"])),
            Row("passed filters", [Segment(s["kept"], KEPT, f"kept {s['kept']:,}"),
                                   *_reason_segments(dups, DUPS, "duplicate")], fmt(passed)),
            Row("kept", [Segment(s["kept"], KEPT, f"kept {s['kept']:,}")]),
        ]  # fmt: skip
        keys = [("documents", DOCS), ("kept", KEPT), ("skipped", SKIPPED), ("errors", ERRORS)]
        keys += [(f"{seg.title}", seg.color) for seg in _reason_segments(dropped, DROPPED, "dropped")]
        keys += [(f"{seg.title}", seg.color) for seg in _reason_segments(dups, DUPS, "duplicate")]
        parts.append(
            f"<h3>{escape(name)} <small class='note'>({escape(s['reader'])}, {s['inputs']} inputs)</small></h3>"
            + hbars("funnel", rows, scale=max(s["records"], 1))
            + legend(keys)
        )
    return "".join(parts) or empty("funnel", "no sources")


def _top(counts: dict[str, int], n: int = 3) -> str:
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return ", ".join(f"{k} {v:,}" for k, v in items[:n]) + (", ..." if len(items) > n else "")


def _lengths(manifest: dict[str, Any]) -> str:
    from pajama.manifests.schema import LENGTH_BUCKETS

    parts = []
    for i, (name, s) in enumerate(manifest["sources"].items()):
        counts = {int(k): v for k, v in (s.get("lengths") or {}).items()}
        edges = sorted(set(LENGTH_BUCKETS) | set(counts))
        bars = []
        for j, edge in enumerate(edges):
            upper = f"< {edges[j + 1]:,}" if j + 1 < len(edges) else "and more"
            bars.append((fmt(edge), counts.get(edge, 0), f"{edge:,} chars {upper}: {counts.get(edge, 0):,} documents"))
        svg = vbars("lengths", bars, color=SOURCES[i % len(SOURCES)])
        parts.append(f"<div><h3>{escape(name)}</h3>{svg}</div>")
    return (
        '<div class="multi">'
        + "".join(parts)
        + "</div>"
        + "<p class='note'>bars: documents with at least that many characters</p>"
    )


def _languages(manifest: dict[str, Any]) -> str:
    names = list(manifest["sources"])
    totals: dict[str, dict[str, int]] = {}
    for name, s in manifest["sources"].items():
        for lang, n in (s.get("languages") or {}).items():
            totals.setdefault(lang, {})[name] = n
    ordered = sorted(totals, key=lambda lang: (-sum(totals[lang].values()), lang))
    if len(ordered) > 20:
        other: dict[str, int] = {}
        for lang in ordered[19:]:
            for src, n in totals[lang].items():
                other[src] = other.get(src, 0) + n
        totals["other"], ordered = other, [*ordered[:19], "other"]
    rows = [
        Row(lang, [Segment(n, SOURCES[names.index(src) % len(SOURCES)], f"{lang} in {src}: {n:,}")
                   for src, n in totals[lang].items()])
        for lang in ordered
    ]  # fmt: skip
    return hbars("languages", rows) + legend([(n, SOURCES[i % len(SOURCES)]) for i, n in enumerate(names)])


def _licenses(manifest: dict[str, Any]) -> str:
    totals: dict[str, dict[str, int]] = {}
    for table in manifest["licenses"].values():
        for lic, c in table.items():
            t = totals.setdefault(lic, {"kept": 0, "dropped": 0, "duplicates": 0})
            for k in t:
                t[k] += c.get(k, 0)
    ordered = sorted(totals, key=lambda lic: (-totals[lic]["kept"], -sum(totals[lic].values()), lic))
    colors = {"kept": KEPT, "dropped": DROPPED[0], "duplicates": DUPS[0]}
    rows = [
        Row(lic, [Segment(totals[lic][k], colors[k], f"{lic} {k}: {totals[lic][k]:,}") for k in colors])
        for lic in ordered
    ]
    return hbars("licenses", rows) + legend(list(colors.items()))


def _dedup(manifest: dict[str, Any]) -> str:
    dedup = manifest.get("dedup")
    if not dedup:
        return empty("dedup", "dedup was not configured for this release")
    mh = dedup.get("minhash") or {}
    sizes = mh.get("cluster_sizes") or {}
    ordered = sorted(sizes.items(), key=lambda kv: int(kv[0].split("-")[0].rstrip("+")))
    bars = [(k, v, f"clusters of {k} documents: {v:,}") for k, v in ordered]
    parts = ["<h3>near-duplicate cluster sizes (MinHash)</h3>", vbars("dedup", bars, width=480, color=DUPS[0])]
    if mh:
        p = mh.get("params") or {}
        largest = (mh.get("largest_cluster") or {}).get("size")
        biggest = f", the largest of {largest:,} documents" if largest else ""
        parts.append(
            f"<p class='note'>threshold {p.get('threshold')}, {p.get('num_perm')} permutations, {p.get('bands')} bands "
            f"x {p.get('rows')} rows; {mh.get('clusters', 0):,} near-duplicate clusters{biggest}</p>"
        )
    exact = dedup.get("exact")
    if exact:
        parts.append(
            f"<p>exact: {exact.get('groups', 0):,} groups of identical text, {exact.get('removed', 0):,} removed</p>"
        )
    by_source = dedup.get("removed_by_source") or {}
    rows = [Row(src, _reason_segments(reasons, DUPS, "removed")) for src, reasons in by_source.items()]
    parts += ["<h3>removed per source, by reason</h3>", hbars("dedup-removed", rows)]
    parts += [f"<p><b>warning:</b> {escape(w)}</p>" for w in dedup.get("warnings") or []]
    return "".join(parts)


def _tokens(manifest: dict[str, Any]) -> str:
    tokens = manifest.get("tokens")
    if not tokens:
        return empty("tokens", "no tokenizer configured: tokens were not counted")
    per = tokens.get("per_source") or {}
    rows = [
        Row(name, [Segment(n or 0, SOURCES[i % len(SOURCES)], f"{name}: {n or 0:,} tokens")])
        for i, (name, n) in enumerate(per.items())
    ]
    return f"<p>{tokens.get('total', 0):,} tokens in all ({escape(str(tokens.get('tokenizer')))})</p>" + hbars(
        "tokens", rows
    )


def _stage_table(manifest: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td>{escape(st['source'])}/{escape(st['name'])}</td><td>{escape(str(st.get('filter')))}@{st.get('version')}</td>"
        f"<td>{st['in']:,}</td><td>{st['out']:,}</td><td>{escape(_top(st['dropped'], 5))}</td></tr>"
        for st in manifest["stages"]
    )
    if not rows:
        return "<p class='note'>no filter stages</p>"
    return (
        "<table><tr><th>stage</th><th>filter</th><th>in</th><th>out</th><th>dropped by reason</th></tr>"
        + rows
        + "</table>"
    )
