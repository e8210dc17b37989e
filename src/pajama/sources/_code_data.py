"""Data files inside code repositories, known by their content: a StackExchange Posts.xml, a CSV export, a JSON
or JSON Lines dump. They are not source code, and the repository's license says nothing reliable about data
that was copied into it (a Posts.xml is CC BY-SA content from StackExchange, whatever LICENSE says), so the
github reader skips them as `code.data_file` instead of labelling them with the repository's license.

Judged on the text, not the name: `posts.txt` holding XML rows is data and `schema.xml` with a handful of
elements is not. Only files of at least MIN_DATA_BYTES are judged (configs, fixtures and manifests are small),
on their first SNIFF_LINES lines:
  - XML records: most lines are one `<row .../>`-style element with attributes (StackExchange, MediaWiki
    dumps, database exports);
  - delimited rows (CSV/TSV/PSV): most lines split into the same number (>= 3) of fields on one delimiter;
  - JSON Lines: most lines are one JSON object;
  - JSON arrays of records: a top-level `[` whose lines are mostly `{...}` objects or bare values.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable

MIN_DATA_BYTES = 4096
SNIFF_LINES = 200
MIN_LINES = 20
RECORD_SHARE = 0.8  # this share of the sniffed lines must look like records

_XML_ROW = re.compile(r"^\s*<([A-Za-z_][\w.-]*)(?:\s+[\w:.-]+\s*=\s*\"[^\"]*\")+\s*/?>\s*$")
_DELIMITERS = (",", "\t", "|", ";")


def data_kind(text: str) -> str | None:
    """ "xml_records" | "delimited" | "json_lines" | "json_records", or None for text that is not a data dump."""
    if len(text) < MIN_DATA_BYTES:
        return None
    lines = [line for line in text[: 1 << 20].split("\n", SNIFF_LINES + 1)[:SNIFF_LINES] if line.strip()]
    if len(lines) < MIN_LINES:
        return None
    if _share(lines, lambda ln: bool(_XML_ROW.match(ln))) >= RECORD_SHARE:
        return "xml_records"
    if _share(lines, _is_json_object) >= RECORD_SHARE:
        return "json_lines"
    if text.lstrip().startswith("[") and _share(lines[1:-1], _is_json_item) >= RECORD_SHARE:
        return "json_records"
    if _delimited(lines):
        return "delimited"
    return None


def _share(lines: list[str], test: Callable[[str], bool]) -> float:
    if not lines:
        return 0.0
    return sum(1 for line in lines if test(line)) / len(lines)


def _is_json_object(line: str) -> bool:
    line = line.strip()
    if not (line.startswith("{") and line.endswith("}")):
        return False
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def _is_json_item(line: str) -> bool:
    line = line.strip().rstrip(",")
    if not line or line in "[]":
        return True
    try:
        json.loads(line)
    except ValueError:
        return False
    return True


def _delimited(lines: list[str]) -> bool:
    """The same field count (>= 3) on one delimiter in most lines; code rarely has that regularity."""
    for delimiter in _DELIMITERS:
        counts = Counter(line.count(delimiter) for line in lines)
        fields, n = counts.most_common(1)[0]
        if fields >= 2 and n / len(lines) >= RECORD_SHARE:
            return True
    return False
