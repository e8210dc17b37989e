"""License detection for code: repository level and file level (reusable outside the GitHub reader).

Repository level, strongest first:
  1. license files (LICENSE, LICENCE, COPYING, UNLICENSE, NOTICE, COPYRIGHT, LICENSES/*; any suffix such as
     LICENSE-MIT or LICENSE.md) matched as full texts against the SPDX reference texts (_license_match).
     Method `license_file`; an edited text comes out as `LicenseRef-modified-<id>`, a license file that
     matches nothing as `LicenseRef-unknown`. A short license file that only names licenses or points to
     other files ("either of the licenses in LICENSE.APACHE or LICENSE.BSD") is a `license_pointer`: it
     decides the OR between the other files, and names the license only when no license text does.
  2. package metadata (package.json, composer.json, pyproject.toml, setup.cfg, setup.py, Cargo.toml,
     *.gemspec): method `package_metadata`, weaker, used only when no license file decided.
  3. README statements (a License section, a badge, "licensed under ..."): method `readme`, weakest.
Several license files combine with OR when the texts or metadata say the choice is the user's (dual
licensing: "at your option", a metadata OR expression over the same ids), else with AND.

File level: an `SPDX-License-Identifier:` tag (method `spdx_tag`), else a standard license notice or
full license text in the file's first HEADER_CHARS characters (methods `header_header`/`header_license`),
else a sentence naming a license near the top ("Licensed under the MIT License", "License: BSD 3 clause";
method `header_statement`, CONFIDENCE_STATEMENT).
A file's own evidence decides its license; the repository's evidence is kept beside it.

Confidence: the matched share of the reference text for license files and headers (about 1.0 for exact
copies), CONFIDENCE_MODIFIED for a modified text, CONFIDENCE_UNKNOWN for an unidentified license file,
CONFIDENCE_METADATA and CONFIDENCE_README for declarations alone, 0.0 for NONE (nothing found anywhere).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pajama.licenses.expr import ExpressionError, join, parse
from pajama.licenses.match import header_matches, match_text
from pajama.licenses.meta import (
    UNKNOWN,
    canonical_id,
    header_statement,
    is_dual_statement,
    is_metadata_file,
    is_readme,
    metadata_licenses,
    names_in,
    readme_licenses,
)
from pajama.licenses.refs import words

NONE = "NONE"
HEADER_CHARS = 4000
CONFIDENCE_MODIFIED = 0.9
CONFIDENCE_UNKNOWN = 0.5
CONFIDENCE_METADATA = 0.6
CONFIDENCE_STATEMENT = 0.6
CONFIDENCE_README = 0.4
MIN_LICENSE_WORDS = 5  # a license file shorter than this that matches and names nothing is not a license
MAX_POINTER_WORDS = 150  # a license file this short that names licenses or other files only points to them
_FILE_REFERENCE = re.compile(r"\b(?:LICEN[CS]E|COPYING)[._-]\w+|\bsee\b[^.]{0,40}\bfile", re.I)

_LICENSE_STEM = re.compile(r"^(?:un)?licen[cs]es?(?:[-_].*)?$|^copying(?:[-_.].*)?$|^notice$|^copyright$", re.I)
_NOT_LICENSE_EXT = frozenset(
    {"py", "go", "js", "ts", "rb", "rs", "java", "c", "h", "cc", "cpp", "hpp", "cs", "php", "swift", "kt"}
    | {"scala", "sh", "json", "yml", "yaml", "toml", "xml", "html", "css", "lock"}
)
_SPDX_TAG = re.compile(r"SPDX-License-Identifier:\s*([^\n\r]*?)\s*(?:\*/|-->|\*\)|#\}|$)", re.I | re.M)


@dataclass(frozen=True, slots=True)
class Evidence:
    """One piece of evidence: where, how it was found, what it says, and how strongly."""

    file: str
    method: str
    license: str
    score: float
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"file": self.file, "method": self.method, "license": self.license}
        d["score"] = round(self.score, 3)
        if self.detail:
            d["detail"] = self.detail
        return d


@dataclass(frozen=True, slots=True)
class Detection:
    """The result: an SPDX expression (or LicenseRef-*, or NONE), a confidence, and the evidence."""

    expression: str
    confidence: float
    evidence: tuple[Evidence, ...] = ()

    def to_meta(self) -> dict[str, Any]:
        return {
            "license": self.expression,
            "license_confidence": round(self.confidence, 3),
            "license_evidence": [e.to_dict() for e in self.evidence],
        }


NO_LICENSE = Detection(NONE, 0.0, ())


def is_license_file(path: str) -> bool:
    parts = path.split("/")
    name = parts[-1]
    stem, _, ext = name.partition(".")
    if ext.lower().rsplit(".", 1)[-1] in _NOT_LICENSE_EXT:
        return False
    return bool(_LICENSE_STEM.match(stem)) or (len(parts) >= 2 and parts[-2] in ("LICENSES", "licenses"))


def is_evidence_file(path: str) -> bool:
    """Files that repository-level detection reads: license files, package metadata, READMEs."""
    return is_license_file(path) or is_metadata_file(path) or is_readme(path)


def license_file_evidence(path: str, text: str) -> list[Evidence]:
    """Full license texts found in a license file; a short file that only points elsewhere or names a license
    is a `license_pointer` (weaker, used only when no license text decides); anything else is LicenseRef-unknown."""
    matches = match_text(text)
    if matches:
        return [
            Evidence(path, "license_file", m.license, m.score, "" if m.exact else f"modified copy of {m.base}")
            for m in matches
        ]
    name = path.rsplit("/", 1)[-1].lower()
    n_words = len(words(text))
    if name.startswith(("notice", "copyright")) or (n_words < MIN_LICENSE_WORDS and not names_in(text)):
        return []  # attributions and copyright lines are not licenses
    if n_words <= MAX_POINTER_WORDS and (_FILE_REFERENCE.search(text) or names_in(text)):
        names = names_in(text)
        lic = join("OR" if is_dual_statement(text) else "AND", names) if names else UNKNOWN
        return [Evidence(path, "license_pointer", lic, CONFIDENCE_STATEMENT, "names licenses, no license text")]
    return [Evidence(path, "license_file", UNKNOWN, 0.0, "no reference text matches")]


def detect_repository(files: Mapping[str, str]) -> Detection:
    """The license of a repository (or folder) from its license files, metadata and README texts."""
    strong: list[Evidence] = []
    pointers: list[Evidence] = []
    declared: list[Evidence] = []
    readme: list[Evidence] = []
    dual = False
    for path, text in sorted(files.items()):
        if is_license_file(path):
            for ev in license_file_evidence(path, text):
                (pointers if ev.method == "license_pointer" else strong).append(ev)
            dual = dual or is_dual_statement(text)
        elif is_metadata_file(path):
            for expr, detail in metadata_licenses(path, text):
                declared.append(Evidence(path, "package_metadata", expr, CONFIDENCE_METADATA, detail))
        elif is_readme(path):
            for expr, detail in dict.fromkeys(readme_licenses(text)):
                readme.append(Evidence(path, "readme", expr, CONFIDENCE_README, detail))
    evidence = tuple(strong + pointers + declared + readme)
    if strong:
        return _from_license_files(strong, declared, dual, evidence)
    for weaker, confidence in ((pointers, CONFIDENCE_STATEMENT), (declared, CONFIDENCE_METADATA)):
        if weaker:
            return Detection(join("AND", [e.license for e in weaker]), confidence, evidence)
    if readme:
        return Detection(join("AND", [e.license for e in readme]), CONFIDENCE_README, evidence)
    return NO_LICENSE


def _from_license_files(
    strong: list[Evidence], declared: list[Evidence], dual: bool, evidence: tuple[Evidence, ...]
) -> Detection:
    ids = sorted({e.license for e in strong})
    custom = [i for i in ids if i.startswith("LicenseRef-")]
    if custom:
        confidence = CONFIDENCE_MODIFIED if any(i != UNKNOWN for i in custom) else CONFIDENCE_UNKNOWN
        return Detection(join("AND", ids), confidence, evidence)
    confidence = min(e.score for e in strong)
    if len(ids) > 1:
        choice = next((e.license for e in declared if _is_choice_of(e.license, ids)), None)
        if choice or dual:  # keep the author's own spelling of the choice when metadata states it
            return Detection(choice or join("OR", ids), confidence, evidence)
    return Detection(join("AND", ids), confidence, evidence)


def _is_choice_of(expression: str, ids: list[str]) -> bool:
    try:
        expr = parse(expression)
    except ExpressionError:
        return False
    return expr.op == "OR" and sorted(expr.ids()) == ids


def file_evidence(path: str, text: str) -> Evidence | None:
    """License evidence in a source file's own header: an SPDX tag, else a known notice or license text."""
    head = text[:HEADER_CHARS]
    low = head.lower()
    if "spdx-license-identifier" in low and (m := _SPDX_TAG.search(head)):
        try:
            return Evidence(path, "spdx_tag", str(parse(m.group(1).strip(), canonical_id)), 1.0)
        except ExpressionError:
            return Evidence(path, "spdx_tag", UNKNOWN, 0.0, m.group(1)[:80])
    if "licen" not in low and "permission" not in low:
        return None
    for match in header_matches(words(head)):
        detail = "" if match.exact else f"modified copy of {match.base}"
        return Evidence(path, f"header_{match.kind}", match.license, match.score, detail)
    if statement := header_statement(head):
        return Evidence(path, "header_statement", statement, CONFIDENCE_STATEMENT)
    return None


def for_file(repo: Detection, own: Evidence | None) -> Detection:
    """A file's license: its own header or tag when it has one, else its repository's."""
    if own is None:
        return repo
    confidence = own.score if not own.license.startswith("LicenseRef-") else CONFIDENCE_MODIFIED
    return Detection(own.license, confidence, (own, *repo.evidence))
