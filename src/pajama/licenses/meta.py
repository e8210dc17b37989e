"""Weaker license evidence: license names in package metadata and README statements.

Package metadata says what the author *declares* (package.json, pyproject.toml, setup.cfg, setup.py,
Cargo.toml, *.gemspec, composer.json); a README sentence is weaker still. Both come back as
(expression, detail) pairs; the caller labels them and weighs them below a matched license text.
"""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from collections.abc import Iterator
from typing import Any

from pajama.licenses.expr import ExpressionError, join, parse
from pajama.licenses.refs import known_ids

NONCOMMERCIAL = "LicenseRef-noncommercial"
PROPRIETARY = "LicenseRef-proprietary"
UNKNOWN = "LicenseRef-unknown"

# Free-text license names -> SPDX ids. Order matters: specific before general.
_NAMES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p, re.I), i)
    for p, i in [
        (r"\bapache(?:[ -]license)?,?[ -]*(?:version[ -]*|v\.?[ -]?)?2(?:\.0)?\b|\basl[ -]?2", "Apache-2.0"),
        (r"\b(?:gnu[ -])?affero[ -]general[ -]public[ -]license,?[ -]*(?:version[ -]*|v)?3|\bagpl[ -]?v?3", "AGPL-3.0"),
        (r"\b(?:lesser|library)[ -]general[ -]public[ -]license,?[ -]*(?:version[ -]*|v)?3|\blgpl[ -]?v?3", "LGPL-3.0"),
        (
            r"\b(?:lesser|library)[ -]general[ -]public[ -]license,?[ -]*(?:version[ -]*|v)?2\.1|\blgpl[ -]?v?2\.1",
            "LGPL-2.1",
        ),
        (r"\bgeneral[ -]public[ -]license,?[ -]*(?:version[ -]*|v)?3|\bgpl[ -]?v?3", "GPL-3.0"),
        (r"\bgeneral[ -]public[ -]license,?[ -]*(?:version[ -]*|v)?2|\bgpl[ -]?v?2", "GPL-2.0"),
        (r"\bmozilla[ -]public[ -]license,?[ -]*(?:version[ -]*|v)?2|\bmpl[ -]?v?2", "MPL-2.0"),
        (r"\bbsd[ -]?3[ -]?clause|\b3[ -]clause[ -]bsd|\b(?:new|modified|revised)[ -]bsd", "BSD-3-Clause"),
        (r"\bbsd[ -]?2[ -]?clause|\b2[ -]clause[ -]bsd|\bsimplified[ -]bsd|\bfreebsd[ -]license", "BSD-2-Clause"),
        (r"\bmit[ -]0\b", "MIT-0"),
        (r"\b(?:the[ -])?mit\b(?![ -]0)", "MIT"),
        (r"\bisc\b", "ISC"),
        (r"\bunlicense\b", "Unlicense"),
        (r"\bcc0\b|\bcreative[ -]commons[ -]zero", "CC0-1.0"),
        (r"\bboost[ -]software[ -]license|\bbsl[ -]1\.0\b", "BSL-1.0"),
        (r"\bzlib\b", "Zlib"),
        (r"\bwtfpl\b", "WTFPL"),
        (r"\bpython[ -]software[ -]foundation|\bpsf\b", "PSF-2.0"),
        (r"\bcc[ -]by[ -]sa[ -]4", "CC-BY-SA-4.0"),
        (r"\bcc[ -]by[ -]4", "CC-BY-4.0"),
        (r"\bbsd\b", "LicenseRef-BSD"),  # BSD of unstated clause count
    ]
]
_NONCOMMERCIAL = re.compile(r"\bnon-?\s?commercial\b|\bnot\s+(?:be\s+)?(?:used\s+)?for\s+commercial\b", re.I)
_STATEMENT = re.compile(
    r"\b(?:licen[sc]ed|released|distributed|available|provided|published)\s+under\s+(?:the\s+)?(?:terms\s+of\s+)?"
    r"(?:the\s+)?([^\n.;:]{2,80})",
    re.I,
)
_HEADING = re.compile(r"^(?:#{1,6}\s*|=+\s*)?(?:licen[sc]e|licensing|copying)\s*:?\s*#*\s*$", re.I | re.M)
_BADGE = re.compile(r"(?:shields\.io/badge/licen[sc]e-|licen[sc]e:\s*)([A-Za-z0-9.+\-]+)", re.I)
_NEXT_HEADING = re.compile(r"\n(?=#|\S[^\n]*\n[=\-~^]{3,}\n)")
_DUAL = re.compile(r"at your option|dual[ -]licen[sc]ed|dual licen[sc]e|\beither\b[^.]{0,40}\blicen", re.I)
SECTION_CHARS = 600
_CLASSIFIER = re.compile(r"License\s*::\s*(?:OSI Approved\s*::\s*)?([^\"'\n]+)")


def canonical_id(token: str) -> str:
    """The canonical spelling of a known SPDX id (case-insensitive), else the token unchanged."""
    base = token[:-1] if token.endswith("+") else token
    for suffix in ("-only", "-or-later"):
        if base.lower().endswith(suffix) and base[: -len(suffix)].lower() in known_ids():
            return known_ids()[base[: -len(suffix)].lower()] + suffix
    found = known_ids().get(base.lower())
    return (found + token[len(base) :]) if found else token


def names_in(text: str) -> list[str]:
    """SPDX ids of the license names mentioned in a short text, in order of first mention."""
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern, lic in _NAMES:
        for m in pattern.finditer(text):
            if any(a < m.end() and m.start() < b for a, b in taken):
                continue
            taken.append((m.start(), m.end()))
            found.append((m.start(), lic))
    seen: dict[str, None] = {}
    for _, lic in sorted(found):
        seen.setdefault(lic, None)
    return list(seen)


def to_expression(value: str, *, list_op: str = "AND") -> str | None:
    """A declared license value -> SPDX expression: an expression of known ids, else names found in it."""
    value = value.strip()
    if not value or value.upper().startswith("SEE LICENSE"):
        return None
    if value.upper() in ("UNLICENSED", "PROPRIETARY", "ALL RIGHTS RESERVED"):
        return PROPRIETARY
    try:
        expr = parse(value, canonical_id)
        if all(i.startswith("LicenseRef-") or _known(i) for i in expr.ids()):
            return str(expr)
    except ExpressionError:
        pass
    names = names_in(value)
    if not names:
        return UNKNOWN
    return f" {list_op} ".join(names) if len(names) > 1 else names[0]


def _known(lic: str) -> bool:
    base = re.sub(r"(\+|-only|-or-later)$", "", lic)
    return base.lower() in known_ids() or base in ("MIT-0", "PSF-2.0", "EPL-2.0", "BlueOak-1.0.0", "Apache-2.0")


# ----------------------------------------------------------------------------------- package metadata

METADATA_FILES = ("package.json", "composer.json", "pyproject.toml", "setup.cfg", "setup.py", "Cargo.toml")


def is_metadata_file(path: str) -> bool:
    name = path.rsplit("/", 1)[-1]
    return name in METADATA_FILES or name.endswith(".gemspec")


def metadata_licenses(path: str, text: str) -> Iterator[tuple[str, str]]:
    """(expression, detail) for each license declared in one package metadata file."""
    name = path.rsplit("/", 1)[-1]
    try:
        if name in ("package.json", "composer.json"):
            yield from _json_licenses(json.loads(text), or_lists=name == "composer.json")
        elif name in ("pyproject.toml", "Cargo.toml"):
            yield from _toml_licenses(tomllib.loads(text))
        elif name == "setup.cfg":
            yield from _setup_cfg_licenses(text)
        else:  # setup.py, *.gemspec: code, so only literal assignments are read
            yield from _literal_licenses(text)
    except (ValueError, tomllib.TOMLDecodeError, configparser.Error):
        return


def _declared(values: list[str], detail: str, op: str = "AND") -> Iterator[tuple[str, str]]:
    exprs = [e for v in values if (e := to_expression(v)) is not None]
    if exprs:
        yield (f" {op} ".join(sorted(set(exprs))) if len(set(exprs)) > 1 else exprs[0]), detail


def _json_licenses(doc: Any, *, or_lists: bool) -> Iterator[tuple[str, str]]:
    if not isinstance(doc, dict):
        return
    lic = doc.get("license")
    if isinstance(lic, dict):
        lic = lic.get("type")
    if isinstance(lic, str):
        yield from _declared([lic], "license")
    elif isinstance(lic, list):  # composer: an array means the package is available under any of them
        yield from _declared([v for v in lic if isinstance(v, str)], "license[]", "OR" if or_lists else "AND")
    legacy = doc.get("licenses")
    if isinstance(legacy, list):
        types = [v.get("type") if isinstance(v, dict) else v for v in legacy]
        yield from _declared([t for t in types if isinstance(t, str)], "licenses[]")


def _toml_licenses(doc: dict[str, Any]) -> Iterator[tuple[str, str]]:
    for table in (doc.get("project"), doc.get("package"), doc.get("tool", {}).get("poetry")):
        if not isinstance(table, dict):
            continue
        lic = table.get("license")
        if isinstance(lic, dict):
            lic = lic.get("text")
        if isinstance(lic, str):
            yield from _declared([lic], "license")
        classifiers = table.get("classifiers")
        if isinstance(classifiers, list):
            yield from _classifiers("\n".join(c for c in classifiers if isinstance(c, str)))


def _classifiers(text: str) -> Iterator[tuple[str, str]]:
    names = [m.group(1).strip() for m in _CLASSIFIER.finditer(text)]
    yield from _declared([n for n in names if n.lower() not in ("other/proprietary license", "")], "classifiers")


def _setup_cfg_licenses(text: str) -> Iterator[tuple[str, str]]:
    cp = configparser.ConfigParser(interpolation=None)
    cp.read_string(text)
    if cp.has_option("metadata", "license"):
        yield from _declared([cp.get("metadata", "license")], "license")
    if cp.has_option("metadata", "classifiers"):
        yield from _classifiers(cp.get("metadata", "classifiers"))


_LITERAL = re.compile(r"\blicen[sc]es?\s*=\s*(\[[^\]]{0,300}\]|\"[^\"\n]{1,200}\"|'[^'\n]{1,200}')", re.I)


def _literal_licenses(text: str) -> Iterator[tuple[str, str]]:
    for m in _LITERAL.finditer(text):
        values = re.findall(r"[\"']([^\"'\n]+)[\"']", m.group(1))
        yield from _declared(values, "license=")
    yield from _classifiers(text)


# ----------------------------------------------------------------------------------- README statements


def is_dual_statement(text: str) -> bool:
    """The text offers a choice between licenses ("at your option", "either of", "dual licensed")."""
    return bool(_DUAL.search(text))


def is_readme(path: str) -> bool:
    return path.rsplit("/", 1)[-1].lower().startswith("readme")


def readme_licenses(text: str) -> Iterator[tuple[str, str]]:
    """(expression, detail) for license statements in a README: a License section, a badge, a sentence."""
    for m in _HEADING.finditer(text):
        section = _NEXT_HEADING.split(text[m.end() : m.end() + SECTION_CHARS].strip(), 1)[0]
        if names := names_in(section):
            yield join("OR" if is_dual_statement(section) else "AND", names), "license section"
    for m in _BADGE.finditer(text):
        if (expr := to_expression(m.group(1))) not in (None, UNKNOWN):
            yield expr, "license badge"  # type: ignore[misc]
    for m in _STATEMENT.finditer(text):
        if names := names_in(m.group(1)):
            yield " AND ".join(names), "statement"
    if nc := _NONCOMMERCIAL.search(text):
        window = text[max(0, nc.start() - 200) : nc.end() + 200].lower()
        if any(w in window for w in ("cop", "distribut", "use", "licen")):
            yield NONCOMMERCIAL, "non-commercial terms"


_LICENSE_LINE = re.compile(r"^[\W_]{0,6}licen[sc]e\s*:\s*([^\n]{2,60})$", re.I | re.M)
STATEMENT_CHARS = 2000


def header_statement(head: str) -> str | None:
    """A license named in a file's leading comment ("Licensed under the MIT License", "License: BSD 3 clause")."""
    head = head[:STATEMENT_CHARS]
    for m in (*_LICENSE_LINE.finditer(head), *_STATEMENT.finditer(head)):
        if names := names_in(m.group(1)):
            return join("OR" if is_dual_statement(m.group(0)) else "AND", names)
    return None
