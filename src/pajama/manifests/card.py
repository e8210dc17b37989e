"""The dataset card (README.md) and report.html written with every release.

The card is a Hugging Face dataset card (YAML header: licenses, languages, size category, sources, data
files) whose body follows "Datasheets for Datasets" (Gebru et al. 2018, arXiv:1803.09010): motivation,
composition, collection, preprocessing (every filter with every parameter), dedup, licenses, provenance
and how to verify. Everything in it is generated from the manifest, so the card cannot disagree with it.
`pajama manifest datasheet|report` call the same functions.
"""

from __future__ import annotations

import json
import re
from typing import Any

from pajama.manifests.report import render_report

__all__ = ["render_card", "render_report"]

#: License ids the Hugging Face Hub knows (https://huggingface.co/docs/hub/repositories-licenses); other
#: SPDX ids are listed as `other` in the header and named in `license_details` and the body.
_HF_IDS = """
    apache-2.0 mit afl-3.0 artistic-2.0 bsl-1.0 bsd bsd-2-clause bsd-3-clause bsd-3-clause-clear cc cc0-1.0
    cc-by-2.0 cc-by-2.5 cc-by-3.0 cc-by-4.0 cc-by-sa-3.0 cc-by-sa-4.0 cc-by-nc-2.0 cc-by-nc-3.0 cc-by-nc-4.0
    cc-by-nd-4.0 cc-by-nc-nd-3.0 cc-by-nc-nd-4.0 cc-by-nc-sa-2.0 cc-by-nc-sa-3.0 cc-by-nc-sa-4.0
    cdla-sharing-1.0 cdla-permissive-1.0 cdla-permissive-2.0 wtfpl ecl-2.0 epl-1.0 epl-2.0 etalab-2.0 eupl-1.1
    eupl-1.2 agpl-3.0 gfdl gpl gpl-2.0 gpl-3.0 lgpl lgpl-2.1 lgpl-3.0 isc lppl-1.3c ms-pl mpl-2.0 odc-by odbl
    osl-3.0 postgresql ofl-1.1 ncsa unlicense zlib pddl
"""
HF_LICENSES = frozenset(_HF_IDS.split())
SIZES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"),
         (10_000_000, "1M<n<10M"), (100_000_000, "10M<n<100M"), (1_000_000_000, "100M<n<1B"),
         (10_000_000_000, "1B<n<10B"))  # fmt: skip
_SPDX_TOKEN = re.compile(r"[A-Za-z0-9.+-]+")


def size_category(n: int) -> str:
    return next((label for limit, label in SIZES if n < limit), "n>10B")


def license_ids(expression: str) -> list[str]:
    """The license ids of an SPDX expression (operators, exceptions and parentheses left out)."""
    tokens = _SPDX_TOKEN.findall(expression)
    out = []
    for i, token in enumerate(tokens):
        if token in ("AND", "OR", "WITH") or (i and tokens[i - 1] == "WITH"):
            continue
        out.append(token)
    return out


def hf_license(spdx_id: str) -> str:
    low = spdx_id.lower().removesuffix("+").removesuffix("-only").removesuffix("-or-later")
    if low == "unknown":
        return "unknown"
    return low if low in HF_LICENSES else "other"


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    return text.replace("|", "\\|").replace("\n", " ")


def _table(header: list[str], rows: list[list[Any]]) -> list[str]:
    out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return [*out, ""]


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"`{k}` {v:,}" for k, v in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "none"


def _header(m: dict[str, Any]) -> list[str]:
    sources = m["sources"]
    kept_licenses = sorted({lic for t in m["licenses"].values() for lic, c in t.items() if c["kept"]})
    ids = sorted({i for lic in kept_licenses for i in license_ids(lic)})
    hf = sorted({hf_license(i) for i in ids}) or ["unknown"]
    others = [i for i in ids if hf_license(i) == "other"]
    languages = sorted(
        {lang for s in sources.values() for lang, n in s["languages"].items() if n and lang != "unknown"}
    )
    kept = sum(s["kept"] for s in sources.values())
    lines = ["---", f"pretty_name: {json.dumps(m['dataset'] + ' ' + m['version'])}", "license:"]
    lines += [f"- {lic}" for lic in hf]
    if others:
        lines.append(f"license_details: {json.dumps('SPDX: ' + ', '.join(others))}")
    if languages:
        lines += ["language:"] + [f"- {lang}" for lang in languages]
    lines += ["size_categories:", f"- {size_category(kept)}", "source_datasets:"]
    lines += [f"- {name}" for name in sources]
    lines += ["task_categories:", "- text-generation", "tags:", "- pajama", "- pretraining"]
    lines += ["configs:", "- config_name: default", "  data_files:"]
    suffix = "parquet" if m.get("format") == "parquet" else "jsonl.zst"
    for name in sources:
        lines += [f"  - split: {re.sub(r'[^A-Za-z0-9_]', '_', name)}", f"    path: data/{name}/*.{suffix}"]
    return [*lines, "---", ""]


def render_card(manifest: dict[str, Any]) -> str:
    from pajama.manifests import card_sections as sections

    m = manifest
    lines = _header(m)
    lines += [f"# {m['dataset']} {m['version']}", ""]
    if m.get("description"):
        lines += [m["description"].strip(), ""]
    lines += _table(
        ["source", "reader", "read", "skipped", "errors", "documents", "dropped", "duplicates", "kept"],
        [
            [name, s["reader"], s["records"], sum(s["skipped"].values()), sum(s["errors"].values()), s["documents"],
             sum(s["dropped"].values()), sum(s["duplicates"].values()), s["kept"]]
            for name, s in m["sources"].items()
        ],
    )  # fmt: skip
    for section in (
        sections.motivation,
        sections.composition,
        sections.collection,
        sections.preprocessing,
        sections.dedup,
        sections.licenses,
        sections.provenance,
        sections.verify,
    ):
        lines += section(m)
    return "\n".join(lines)


def write_release_file(release: str, name: str, render: Any, output: str | None = None) -> str:
    """Render `name` (README.md or report.html) from the release's manifest and write it.

    Written into the release (the default, or an --output inside it), SHA256SUMS is rewritten too, so
    `pajama manifest verify` still passes; a signature made before no longer matches and says so.
    """
    import os

    import fsspec

    from pajama.manifests.builder import write_sha256sums
    from pajama.manifests.verify import load_manifest
    from pajama.storage import atomic_write, join, local_path

    target = output or join(release, name)
    text = render(load_manifest(release))
    fs_t, path_t = fsspec.core.url_to_fs(target)
    if fs_t.exists(path_t):
        with fs_t.open(path_t, "r", encoding="utf-8") as f:
            if f.read() == text:  # nothing changed: SHA256SUMS and a signature stay as they are
                print(f"{target} unchanged")
                return target
    with atomic_write(target, "w") as f:
        f.write(text)
    base, path = local_path(release), local_path(target)
    inside = output is None or (
        base is not None and path is not None and os.path.abspath(path).startswith(os.path.abspath(base) + os.sep)
    )
    if inside:
        write_sha256sums(release)
    print(f"wrote {target}" + (" and SHA256SUMS" if inside else ""))
    fs, root = fsspec.core.url_to_fs(release)
    if inside and fs.exists(f"{root.rstrip('/')}/manifest.sig"):
        print("note: the release was signed before this change; sign it again (pajama manifest sign)")
    return target
