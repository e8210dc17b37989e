"""The datasheet sections of the dataset card, each a function manifest -> markdown lines (see card.py)."""

from __future__ import annotations

from typing import Any

from pajama.manifests.card import _cell, _counts, _table
from pajama.manifests.diff import flatten

MAX_INPUT_ROWS = 200


def motivation(m: dict[str, Any]) -> list[str]:
    code = m.get("code") or {}
    engine = m.get("engine") or {}
    lines = ["## Motivation", ""]
    lines.append(m["description"].strip() if m.get("description") else "No purpose was stated (config `description`).")
    lines += [
        "",
        f"Built by pajama {code.get('pajama')} (git commit `{code.get('git_commit')}`) on {m.get('created')} with "
        f"the `{engine.get('name')}` engine, from the config recorded in `manifest.json` "
        f"(config_sha256 `{m.get('config_sha256')}`).",
        "",
        f"This version follows {m['parent']}; `pajama manifest diff` explains what changed."
        if m.get("parent")
        else "This is a first version (no parent release).",
        "",
    ]
    return lines


def composition(m: dict[str, Any]) -> list[str]:
    sources = m["sources"]
    kept = sum(s["kept"] for s in sources.values())
    chars = sum(s["chars"] for s in sources.values())
    fmt = "Parquet rows" if m.get("format") == "parquet" else "JSON lines (zstd-compressed JSONL)"
    lines = [
        "## Composition",
        "",
        f"{kept:,} documents, {chars:,} characters. Each instance is one text document stored as {fmt} with the "
        "fields `id` (stable, `<source>/<hash>`), `text` (UTF-8, NFC), `source`, `meta` (what the source knows: "
        "url, title, language, license ...), `origin` (input URI, sha256, locator) and `signals` (filter values).",
        "",
    ]
    rows = []
    for name, s in sources.items():
        mean = round(s["chars"] / s["kept"]) if s["kept"] else 0
        top = sorted(s["languages"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        langs = ", ".join(f"{k} {v:,}" for k, v in top)
        rows.append([name, s["reader"], s["kept"], s["chars"], mean, s.get("tokens"), langs])
    lines += _table(["source", "reader", "documents", "characters", "mean chars", "tokens", "languages"], rows)
    if m.get("tokens"):
        lines += [f"Tokens: {m['tokens']['total']:,} with tokenizer `{m['tokens']['tokenizer']}`.", ""]
    lines += ["Document lengths (characters; a bucket holds documents at least that long):", ""]
    edges = sorted({int(k) for s in sources.values() for k in s["lengths"]})
    lines += _table(["source", *[f"≥{e:,}" for e in edges]],
                    [[n, *[s["lengths"].get(str(e), 0) for e in edges]] for n, s in sources.items()])  # fmt: skip
    data = [f for f in m["shards"] if f["kind"] == "data"]
    kinds = sorted({f["kind"] for f in m["shards"]} - {"data"})
    lines += [
        f"Files: {len(data)} data shards ({m.get('shard_count')} per source, a record's shard is hash(id) mod "
        f"{m.get('shard_count')}), {sum(f['bytes'] for f in m['shards']):,} bytes in all; also: "
        f"{', '.join(f'`{k}/`' for k in kinds) or 'nothing else'}.",
        "",
    ]
    return lines


def collection(m: dict[str, Any]) -> list[str]:
    lines = [
        "## Collection process",
        "",
        "Every input was read by the source's reader; every record read is counted as a document, a skip "
        "(deliberately not a document) or an error, by reason. Texts are normalized to NFC without NUL "
        "characters; empty texts are skipped as `record.empty_text`.",
        "",
    ]
    for name, s in m["sources"].items():
        cfg = (m["config"].get("sources") or {}).get(name) or {}
        options = cfg.get("options") or {}
        lines += [
            f"### {name}",
            "",
            f"- reader: `{s['reader']}@{s.get('reader_version')}`, options: "
            + (", ".join(f"`{k}={_cell(v)}`" for k, v in options.items()) or "defaults"),
            f"- inputs: {', '.join(f'`{i}`' for i in cfg.get('inputs') or [])} ({_files(s['inputs'])})",
            f"- records read: {s['records']:,}; documents: {s['documents']:,}",
            f"- skipped: {_counts(s['skipped'])}",
            f"- errors: {_counts(s['errors'])}",
            "",
        ]
    return lines


def _files(n: int) -> str:
    return f"{n} file" if n == 1 else f"{n} files"


def preprocessing(m: dict[str, Any]) -> list[str]:
    signals = m["config"].get("signals", "inline")
    lines = [
        "## Preprocessing and filtering",
        "",
        "Each source's filters ran in this order, with these parameters (every parameter, defaults included). "
        f"Signals are kept `{signals}` under the filter's name, so documents can be re-thresholded; a filter "
        "that changed text recorded it in `meta.edits`.",
        "",
    ]
    for name in m["sources"]:
        stages = [st for st in m["stages"] if st["source"] == name]
        lines += [f"### {name}", ""]
        if not stages:
            lines += ["No filters.", ""]
        for i, st in enumerate(stages, start=1):
            lines += [f"{i}. **{st['name']}** (`{st.get('filter')}@{st.get('version')}`): in {st['in']:,}, out "
                      f"{st['out']:,}; dropped: {_counts(st['dropped'])}", ""]  # fmt: skip
            params = flatten(st.get("params") or {})
            lines += _table(["parameter", "value"], [[f"`{k}`", v] for k, v in params.items()]) if params else []
    return lines


def dedup(m: dict[str, Any]) -> list[str]:
    stats = m.get("dedup")
    lines = ["## Deduplication", ""]
    if not stats:
        return [*lines, "Not deduplicated (no `dedup` in the config).", ""]
    config = flatten(m["config"].get("dedup") or {})
    lines += ["Configuration:", "", *_table(["parameter", "value"], [[f"`{k}`", v] for k, v in config.items()])]
    lines += [f"Keep rule: {stats.get('keep')}. Stages in order: {', '.join(stats.get('order') or [])}.", ""]
    if stats.get("exact"):
        e = stats["exact"]
        lines += [f"- exact: {e.get('groups', 0):,} groups of equal text, {e.get('removed', 0):,} removed"]
    mh = stats.get("minhash")
    if mh:
        p = mh.get("params") or {}
        lines += [
            f"- minhash: threshold {p.get('threshold')}, {p.get('num_perm')} permutations, {p.get('bands')} bands x "
            f"{p.get('rows')} rows, {p.get('ngram')}-{p.get('unit')} shingles; {mh.get('candidate_pairs', 0):,} "
            f"candidate pairs, {mh.get('verified_pairs', 0):,} verified, {mh.get('clusters', 0):,} clusters",
            f"- cluster sizes: {_counts(mh.get('cluster_sizes') or {})}",
        ]
    lines += [f"- removed: {_counts(stats.get('removed_by_reason') or {})}"]
    for src, reasons in (stats.get("removed_by_source") or {}).items():
        lines.append(f"  - {src}: {_counts(reasons)}")
    lines += [f"- **warning**: {w}" for w in stats.get("warnings") or []]
    return [*lines, ""]


def licenses(m: dict[str, Any]) -> list[str]:
    lines = [
        "## Licenses",
        "",
        "Each document's license is in `meta.license` (an SPDX expression; `unknown` where the source gave "
        "none). Documents per license and source:",
        "",
    ]
    rows = [
        [src, lic, c["kept"], c["dropped"], c["duplicates"]] for src, t in m["licenses"].items() for lic, c in t.items()
    ]
    lines += _table(["source", "license", "kept", "dropped", "duplicates"], rows)
    policies = [st for st in m["stages"] if st.get("filter") == "license"]
    for st in policies:
        params = ", ".join(f"`{k}={_cell(v)}`" for k, v in (st.get("params") or {}).items())
        lines.append(f"- license policy of {st['source']}: {params}")
    return [*lines, ""] if policies else lines


def provenance(m: dict[str, Any]) -> list[str]:
    code = m.get("code") or {}
    libs = ", ".join(f"{k} {v}" for k, v in (code.get("libraries") or {}).items())
    lines = [
        "## Provenance",
        "",
        f"- code: pajama {code.get('pajama')}, git commit `{code.get('git_commit')}`, Python {code.get('python')}",
        f"- libraries: {libs or 'not recorded'}",
        f"- engine: `{_cell({k: v for k, v in (m.get('engine') or {}).items() if k != 'timing'})}`",
        f"- config_sha256: `{m.get('config_sha256')}` (the resolved config is in `manifest.json`)",
        "",
        "Every document's `origin` names its input, the input's sha256 and the record's place in it; "
        "`pajama manifest trace . DOC_ID` re-reads the raw record from the input and shows each stage it went "
        "through. Inputs:",
        "",
    ]
    inputs = m["inputs"]
    rows = [[i["source"], f"`{i['uri']}`", f"`{i['sha256']}`", i["bytes"], i["records"], i["documents"]]
            for i in inputs[:MAX_INPUT_ROWS]]  # fmt: skip
    lines += _table(["source", "input", "sha256", "bytes", "records", "documents"], rows)
    if len(inputs) > MAX_INPUT_ROWS:
        lines += [f"... and {len(inputs) - MAX_INPUT_ROWS:,} more inputs, listed in `manifest.json`.", ""]
    return lines


def verify(m: dict[str, Any]) -> list[str]:
    acc = m["accounting"]
    return [
        "## How to verify",
        "",
        "```",
        "sha256sum -c SHA256SUMS           # every file of the release",
        "pajama manifest verify .          # schema, checksums, release digest, accounting law",
        "pajama manifest verify . --key PUBLISHER.pub   # when the release is signed (manifest.sig)",
        "```",
        "",
        f"release_digest `{m['release_digest']}` is the sha256 over the sorted digests of the data shards: "
        "equal data gives an equal digest, whatever engine built it.",
        "",
        f"Accounting ({acc.get('law')}): {'balanced' if acc.get('balanced') else '**NOT balanced**'}.",
        "",
    ]
