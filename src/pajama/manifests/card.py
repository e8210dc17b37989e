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
_ISO = re.compile(r"([a-z]{2,3})(?:[_-][A-Za-z0-9]{2,8})*")
#: an absolute local path (or ~/...) with at least one folder: the card shows only its last component
_LOCAL_PATH = re.compile(r"(?<![\w.:/<>~-])(?:~|[A-Za-z]:)?(?:/[^\s/`'\"|,()\[\]{}]+)+/([^\s/`'\"|,()\[\]{}]*)")


def strip_machine_paths(text: str) -> str:
    """`/home/me/crawl/part-1.warc.gz` -> `part-1.warc.gz`: a card is for readers elsewhere (URIs stay)."""
    return _LOCAL_PATH.sub(lambda m: m.group(1) or ".", text)


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


def split_languages(codes: set[str]) -> tuple[list[str], list[str]]:
    """(ISO 639 codes for the card's `language:`, everything else: programming languages such as `Python`).

    A natural-language label is 2-3 lowercase letters, optionally with a script or region (`en`, `yue`,
    `eng_Latn`, `pt-BR`); the card lists its language subtag. `unknown` is neither."""
    iso, other = set(), set()
    for code in codes:
        match = _ISO.fullmatch(code)
        if match:
            iso.add(match.group(1))
        elif code != "unknown":
            other.add(code)
    return sorted(iso), sorted(other)


def data_configs(m: dict[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """The card's `configs:`, so `datasets.load_dataset(release_dir)` works.

    JSON shards: one config per source (the first is the default): `datasets` infers one schema per config,
    and the meta and origin.locator fields differ between sources. Parquet shards hold those as JSON
    strings, so one config with a split per source casts."""
    suffix = "parquet" if m.get("format") == "parquet" else "jsonl.zst"
    names = list(m["sources"])
    if m.get("format") == "parquet":
        files = [{"split": _split_name(n), "path": f"{prefix}data/{n}/*.{suffix}"} for n in names]
        return [{"config_name": "default", "data_files": files}]
    return [
        {
            "config_name": n,
            "data_files": [{"split": "train", "path": f"{prefix}data/{n}/*.{suffix}"}],
            **({"default": True} if i == 0 else {}),
        }
        for i, n in enumerate(names)
    ]


def _split_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def _header(m: dict[str, Any]) -> list[str]:
    import yaml

    sources = m["sources"]
    kept_licenses = sorted({lic for t in m["licenses"].values() for lic, c in t.items() if c["kept"]})
    ids = sorted({i for lic in kept_licenses for i in license_ids(lic)})
    hf = sorted({hf_license(i) for i in ids}) or ["unknown"]
    others = [i for i in ids if hf_license(i) == "other"]
    iso, programming = split_languages({lang for s in sources.values() for lang, n in s["languages"].items() if n})
    kept = sum(s["kept"] for s in sources.values())
    front: dict[str, Any] = {"pretty_name": f"{m['dataset']} {m['version']}", "license": hf}
    if others:
        front["license_details"] = "SPDX: " + ", ".join(others)
    if iso:
        front["language"] = iso
    front["size_categories"] = [size_category(kept)]
    front["source_datasets"] = list(sources)
    front["task_categories"] = ["text-generation"]
    front["tags"] = ["pajama", "pretraining", *(["code"] if programming else [])]
    if programming:
        front["programming_language"] = programming
    front["configs"] = data_configs(m)
    return ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip("\n"), "---", ""]


def render_card(manifest: dict[str, Any]) -> str:
    from pajama.manifests import card_sections as sections
    from pajama.manifests import card_uses as uses
    from pajama.manifests import governance

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
        uses.uses,
        sections.composition,
        sections.collection,
        sections.preprocessing,
        sections.dedup,
        governance.card_decontamination,
        governance.card_removals,
        sections.licenses,
        uses.personal_information,
        uses.bias,
        uses.limitations,
        sections.provenance,
        sections.verify,
        uses.citation,
    ):
        lines += section(m)
    return strip_machine_paths("\n".join(lines))


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
