"""The `license` stage: keep a document only when its `meta.license` is allowed by the source's policy.

A source config's `license: {allow: [...]}` / `{policy: permissive}` / `{deny: [...]}` puts this filter
last in the source's stages. `meta.license` is an SPDX expression: `A OR B` is allowed when any branch
is, `A AND B` when every part is, `A WITH exception` when A is (exceptions only add permissions).
Ids compare case-insensitively, and `GPL-3.0` = `GPL-3.0-only`, `GPL-3.0+` = `GPL-3.0-or-later`.

Drop reasons: `license.unknown` (no meta.license, an unparseable one, or an unidentified license:
LicenseRef-unknown), `license.none` (the source looked and found no license: NONE), `license.<id>`
for the first term that is not allowed (e.g. `license.GPL-3.0`, `license.LicenseRef-modified-MIT`),
`license.weak_evidence` when meta.license_confidence is below `min_confidence`.
LicenseRef-* terms are allowed only when listed in `allow` by their exact name.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from pajama.filter import SignalFilter, Verdict
from pajama.licenses.expr import Expr, ExpressionError, evaluate, parse
from pajama.record import Record
from pajama.registry import register_filter

#: Named policies. `redpajama` is what RedPajama v1 kept for its GitHub slice: "projects distributed
#: under the MIT, BSD, or Apache license" (Together Computer 2023, RedPajama-Data-1T, data_prep/github).
#: `permissive` is notice-only licenses without copyleft or field-of-use restrictions, the well-known
#: members of the Blue Oak Council permissive list (https://blueoakcouncil.org/list) that The Stack
#: (Kocetkov et al. 2022, arXiv:2211.15533, appendix on permissive licenses) also treats as permissive.
POLICIES: dict[str, frozenset[str]] = {
    "redpajama": frozenset({"MIT", "Apache-2.0", "BSD-2-Clause", "BSD-3-Clause"}),
    "permissive": frozenset(
        {"0BSD", "Apache-1.1", "Apache-2.0", "BSD-1-Clause", "BSD-2-Clause", "BSD-2-Clause-FreeBSD"}
        | {"BSD-2-Clause-NetBSD", "BSD-2-Clause-Patent", "BSD-3-Clause", "BSD-3-Clause-Clear", "BSD-Source-Code"}
        | {"BSL-1.0", "CC0-1.0", "ISC", "MIT", "MIT-0", "MIT-CMU", "NCSA", "PostgreSQL", "PSF-2.0", "Python-2.0"}
        | {"Unlicense", "UPL-1.0", "X11", "Zlib", "zlib-acknowledgement", "BlueOak-1.0.0", "WTFPL"}
    ),
}
NO_LICENSE = "NONE"


@functools.lru_cache(maxsize=4096)
def _parsed(lic: str) -> Expr | None:
    try:
        return parse(lic)
    except ExpressionError:
        return None


def normalize_id(lic: str) -> str:
    low = lic.strip().lower()
    if low.endswith("+"):
        return low[:-1] + "-or-later"
    return low.removesuffix("-only")


@register_filter("license")
@dataclass(frozen=True, kw_only=True)
class LicensePolicy(SignalFilter):
    """Keep documents whose meta.license satisfies allow/policy and avoids deny (see module docstring)."""

    allow: tuple[str, ...] = ()
    deny: tuple[str, ...] = ()
    policy: str | None = None
    min_confidence: float = 0.8
    """Documents whose meta.license_confidence is below this are dropped as license.weak_evidence. 0.8 needs a
    matched license text (a license file or a license header: the matched share, about 1.0) or an SPDX tag
    (1.0); a license file that only names a license (0.6), package metadata (0.6), a header sentence (0.6)
    and a README statement (0.4) are not enough. Documents without a confidence (not code) are not judged."""

    def __post_init__(self) -> None:
        if self.policy is not None and self.policy not in POLICIES:
            raise ValueError(f"unknown license policy {self.policy!r}; known: {', '.join(POLICIES)}")

    @functools.cached_property
    def _denied(self) -> frozenset[str]:
        return frozenset(normalize_id(d) for d in self.deny)

    @functools.cached_property
    def _allowed_set(self) -> frozenset[str] | None:
        if not self.allow and self.policy is None:
            return None  # only `deny` was given: every identified license not denied is allowed
        ids = set(self.allow) | set(POLICIES.get(self.policy or "", ()))
        return frozenset(normalize_id(i) for i in ids)

    def allowed(self, lic: str) -> bool:
        key = normalize_id(lic)
        if key in self._denied:
            return False
        allowed = self._allowed_set
        if allowed is None:
            return not lic.startswith("LicenseRef-") or lic in self.allow
        return key in allowed

    def signals(self, record: Record) -> Mapping[str, Any]:
        return license_signals(record.meta)

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        """The decision from the stored signals (license, confidence, evidence): refilter re-uses them."""
        signals = dict(s)
        lic = s.get("license")
        if not isinstance(lic, str) or not lic.strip():
            return Verdict.drop("license.unknown", signals)
        if lic.strip() == NO_LICENSE:
            return Verdict.drop("license.none", signals)
        expr = _parsed(lic)
        if expr is None:
            return Verdict.drop("license.unknown", signals)
        ok, failing = evaluate(expr, self.allowed)
        if not ok:
            first = failing[0]
            reason = "license.unknown" if first == "LicenseRef-unknown" else f"license.{first}"
            return Verdict.drop(reason, signals)
        confidence = s.get("confidence")
        if isinstance(confidence, int | float) and confidence < self.min_confidence:
            return Verdict.drop("license.weak_evidence", signals)
        return Verdict.keep(signals)


def license_signals(meta: Mapping[str, Any]) -> dict[str, Any]:
    """What the policy decides from: the license, its confidence and where it was found (`method:file`)."""
    lic = meta.get("license")
    out: dict[str, Any] = {"license": lic if isinstance(lic, str) else None}
    confidence = meta.get("license_confidence")
    if isinstance(confidence, int | float):
        out["confidence"] = float(confidence)
    evidence = meta.get("license_evidence")
    if isinstance(evidence, list):
        out["evidence"] = [
            f"{e.get('method', '')}:{e.get('file', '')}" if isinstance(e, dict) else str(e) for e in evidence
        ]
    return out
