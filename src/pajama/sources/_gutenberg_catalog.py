"""Book catalogs for the books reader: GITenberg metadata (JSON map or metadata.yaml), PG19 and PG CSVs.

Every format comes back as {ebook id: {title, author, language, release_date, rights}}, the author in
"First Last" order as Project Gutenberg headers write it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from typing import Any

import fsspec
import yaml

_ID_KEY = re.compile(r"^(?:pg)?(\d+)$", re.IGNORECASE)
_CSV_COLUMNS = {
    "id": ("id", "_id", "text#", "ebook_id", "gutenberg_id", "etext_number"),
    "title": ("title", "short_book_title"),
    "author": ("author", "authors"),
    "language": ("language", "languages"),
    "release_date": ("issued", "release_date", "publication_date"),
}
PG19_COLUMNS = ("id", "title", "release_date", "url")  # PG19's metadata.csv has no header row


class _TolerantLoader(yaml.SafeLoader):
    """GITenberg's metadata.yaml tags subjects (!lcsh, !lcc): read any such tag as its plain value."""


def _untagged(loader: yaml.SafeLoader, _suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_mapping(node)  # type: ignore[arg-type]


_TolerantLoader.add_multi_constructor("!", _untagged)


def load(path: str) -> dict[int, dict[str, Any]]:
    with fsspec.open(path, "rb", compression="infer") as f:
        raw = f.read().decode("utf-8-sig")
    lower = path.lower().removesuffix(".gz")
    if lower.endswith(".csv"):
        return from_csv(raw)
    if lower.endswith((".yaml", ".yml")):
        return from_entries([yaml.load(raw, Loader=_TolerantLoader)])
    data = json.loads(raw)
    if isinstance(data, dict):
        return from_entries(list(data.values()), keys=list(data))
    return from_entries(list(data))


def from_entries(entries: list[Any], keys: list[str] | None = None) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for i, entry in enumerate(entries):
        if isinstance(entry, str):
            entry = yaml.load(entry, Loader=_TolerantLoader)
        if not isinstance(entry, dict):
            continue
        ebook_id = _entry_id(entry, keys[i] if keys else None)
        if ebook_id is not None:
            out[ebook_id] = normalized(entry)
    return out


def _entry_id(entry: dict[str, Any], key: str | None) -> int | None:
    ids = entry.get("identifiers")
    for candidate in (
        ids.get("gutenberg") if isinstance(ids, dict) else None,
        entry.get("gutenberg_id"),
        entry.get("id"),
        key,
    ):
        if candidate is not None and (m := _ID_KEY.match(str(candidate).strip())):
            return int(m.group(1))
    return None


def normalized(entry: dict[str, Any]) -> dict[str, Any]:
    language = entry.get("language")
    languages = [language] if isinstance(language, str) else [x for x in language or [] if isinstance(x, str)]
    out: dict[str, Any] = {
        "title": _clean(entry.get("title")),
        "author": "; ".join(_agent_names(entry.get("creator"))) or _clean(entry.get("author")),
        "language": languages[0] if languages else None,
        "release_date": _clean(entry.get("gutenberg_issued") or entry.get("release_date")),
        "rights": _clean(entry.get("rights")),
        "rights_url": _clean(entry.get("rights_url")),
    }
    if len(languages) > 1:
        out["languages"] = languages
    return {k: v for k, v in out.items() if v}


def _agent_names(creator: Any) -> list[str]:
    if not isinstance(creator, dict):
        return []
    agents: list[Any] = []
    for value in creator.values():  # {author: {...}} or {authors: [{...}, ...]}
        agents.extend(value if isinstance(value, list) else [value])
    return [first_last(a["agent_name"]) for a in agents if isinstance(a, dict) and a.get("agent_name")]


def first_last(name: str) -> str:
    """ "Carroll, Lewis" -> "Lewis Carroll" (catalogs sort by surname; headers do not)."""
    parts = [p.strip() for p in str(name).split(",")]
    return f"{parts[1]} {parts[0]}" if len(parts) == 2 and parts[1] else str(name).strip()


def _clean(value: Any) -> str | None:
    if value is None or isinstance(value, (dict, list)):
        return None
    text = re.sub(r"\s+", " ", str(value)).strip()
    return text or None


def from_csv(raw: str) -> dict[int, dict[str, Any]]:
    rows = list(csv.reader(io.StringIO(raw)))
    if not rows:
        return {}
    if rows[0] and rows[0][0].strip().isdigit():
        header, body = list(PG19_COLUMNS), rows
    else:
        header, body = [h.strip().lower() for h in rows[0]], rows[1:]
    index = {
        field: next((header.index(n) for n in names if n in header), None) for field, names in _CSV_COLUMNS.items()
    }
    if index["id"] is None:
        index["id"] = 0
    out: dict[int, dict[str, Any]] = {}
    for row in body:
        values = {f: row[i] if i is not None and i < len(row) else None for f, i in index.items()}
        m = _ID_KEY.match((values.pop("id") or "").strip())
        if m:
            author = _clean(values.get("author"))
            values["author"] = "; ".join(first_last(a) for a in author.split("; ")) if author else None
            out[int(m.group(1))] = {k: _clean(v) for k, v in values.items() if _clean(v)}
    return out
