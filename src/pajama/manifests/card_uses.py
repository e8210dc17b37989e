"""The card sections a Hub reviewer looks for after the datasheet: uses, limitations, personal information,
bias and citation. Each is built from the manifest (which filters ran, what they dropped, which languages
and licenses the documents carry), so a release without a PII filter says so instead of promising privacy.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

#: filters that remove or redact personal information, and what they look for
PII_FILTERS = {"pii": "e-mail addresses, phone numbers and IP addresses (redacted in place)"}
#: filters whose decisions follow a model or a list, and so carry its preferences into the data
BIASED_BY = {
    "language": "a fastText language-id model: dialects, code-switching and short texts score lower",
    "classifier": "a quality classifier: text unlike its positive training examples is dropped",
    "perplexity": "a KenLM model trained on Wikipedia: text unlike Wikipedia's register is dropped",
    "c4_badwords": "the LDNOOBW word lists: documents mentioning listed words (also in medical or LGBTQ+ "
    "contexts) are dropped",
    "url": "URL and domain blocklists",
    "license": "a license policy: sources with other or unknown licenses are under-represented",
}


def uses(m: dict[str, Any]) -> list[str]:
    name, version = m["dataset"], m["version"]
    first = next(iter(m["sources"]), "SOURCE")
    fmt = "parquet" if m.get("format") == "parquet" else "json"
    glob = "parquet" if fmt == "parquet" else "jsonl.zst"
    return [
        "## Uses",
        "",
        "Intended for pretraining and studying language models: every document is the text of one source "
        "record with its provenance (`origin`) and the filter signals it was judged by (`signals`). Not "
        "intended for training systems that identify or profile people, or as a record of facts.",
        "",
        "Load it from this folder (one config per source"
        + (", one split per source" if fmt == "parquet" else "")
        + "):",
        "",
        "```python",
        "import datasets",
        f'ds = datasets.load_dataset("path/to/{name}/{version}"{"" if fmt == "parquet" else f", {first!r}"})',
        "",
        "import duckdb",
        f"duckdb.sql(\"SELECT source, count(*) FROM read_{fmt}('data/*/*.{glob}') GROUP BY source\")",
        "",
        "import pajama",
        'for doc in pajama.load("."):',
        "    ...",
        "```",
        "",
    ]


def limitations(m: dict[str, Any]) -> list[str]:
    sources = m["sources"]
    kept = sum(s["kept"] for s in sources.values()) or 1
    unknown_lang = sum(s["languages"].get("unknown", 0) for s in sources.values())
    unknown_lic = sum(c["kept"] for t in m["licenses"].values() for lic, c in t.items() if lic == "unknown")
    errors = sum(sum(s["errors"].values()) for s in sources.values())
    scope = (m["config"].get("dedup") or {}).get("scope", "source") if m.get("dedup") else None
    lines = ["## Limitations", ""]
    lines.append(
        f"- language: {unknown_lang:,} of {kept:,} kept documents ({unknown_lang / kept:.0%}) have no identified "
        "language; languages come from a language-id model, not from the publisher."
    )
    lines.append(
        f"- licenses: {unknown_lic:,} kept documents ({unknown_lic / kept:.0%}) carry no license evidence "
        "(`unknown`); a license label is what the source's evidence says, not legal advice."
    )
    if scope is None:
        lines.append("- not deduplicated: the same text may appear more than once.")
    elif scope == "source":
        lines.append("- deduplicated within each source only: a text may appear once per source.")
    if errors:
        lines.append(f"- {errors:,} input records could not be read (counted by reason above, not included).")
    lines.append(
        "- filters are heuristics: they drop some good documents and keep some bad ones; the `signals` of "
        "each document let you re-threshold (`pajama refilter`)."
    )
    return [*lines, ""]


def personal_information(m: dict[str, Any]) -> list[str]:
    ran = [st for st in m["stages"] if st.get("filter") in PII_FILTERS]
    lines = ["## Personal and sensitive information", ""]
    if not ran:
        return [
            *lines,
            "No personal-information filter ran. Documents from web pages, code and forums can contain names, "
            "e-mail addresses, phone numbers, user names and other personal data as published at the source.",
            "",
        ]
    for st in ran:
        lines.append(
            f"- `{st['name']}` on {st['source']}: looked for {PII_FILTERS[st['filter']]}; {st['in']:,} documents "
            f"checked, dropped: {sum(st['dropped'].values()):,}."
        )
    lines += ["", "Pattern-based redaction misses personal data it has no pattern for (names, addresses).", ""]
    return lines


def bias(m: dict[str, Any]) -> list[str]:
    lines = ["## Bias, risks and recommendations", ""]
    used = sorted({st.get("filter") for st in m["stages"]} & set(BIASED_BY))
    for name in used:
        lines.append(f"- `{name}` decides with {BIASED_BY[name]}.")
    top = _top_languages(m)
    if top:
        lines.append(f"- language mix of the kept documents: {top}; other languages are rare or absent.")
    lines.append(
        "- the text is as the sources published it: it can be toxic, false, or reflect the views and "
        "demographics of those who wrote it. Evaluate models trained on it for such harms."
    )
    return [*lines, ""]


def _top_languages(m: dict[str, Any]) -> str:
    counts: dict[str, int] = {}
    for s in m["sources"].values():
        for lang, n in s["languages"].items():
            if lang != "unknown":
                counts[lang] = counts.get(lang, 0) + n
    total = sum(counts.values()) or 1
    top = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    return ", ".join(f"{lang} {n / total:.0%}" for lang, n in top)


def citation(m: dict[str, Any]) -> list[str]:
    created = str(m.get("created") or "")
    year = created[:4] if re.match(r"\d{4}", created) else str(dt.date.today().year)
    key = re.sub(r"[^A-Za-z0-9]", "_", f"{m['dataset']}_{m['version']}")
    lines = [
        "## Citation",
        "",
        "```bibtex",
        f"@misc{{{key},",
        f"  title = {{{m['dataset']} {m['version']}}},",
        f"  year = {{{year}}},",
        f"  note = {{release\\_digest {m['release_digest']}, built with pajama}}",
        "}",
        "```",
        "",
    ]
    cited = _method_citations(m)
    if cited:
        lines += ["Methods whose rules this release applies:", "", *[f"- {c}" for c in cited], ""]
    return lines


def _method_citations(m: dict[str, Any]) -> list[str]:
    """The citation of every preset whose filters all ran on some source (a preset names its reference)."""
    from pajama import registry

    by_source: dict[str, set[str]] = {}
    for st in m["stages"]:
        by_source.setdefault(st["source"], set()).add(str(st.get("filter")))
    out = []
    for preset in registry.presets().values():
        names = {next(iter(f)) if isinstance(f, dict) else f for f in preset.filters}
        if preset.citation and any(names <= ran for ran in by_source.values()):
            out.append(f"{preset.name}: {preset.citation}")
    return sorted(set(out))
