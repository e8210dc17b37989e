"""A catalog's free-text rights statement as an SPDX id: "CC BY-NC" + its URL -> CC-BY-NC-4.0.

Book catalogs (GITenberg's metadata.yaml `rights` / `rights_url`, Project Gutenberg's RDF `dcterms:rights`)
state rights in words: "Public domain in the USA.", "CC BY-NC", "Attribution-NonCommercial 4.0 International
(CC BY-NC 4.0)", "Copyrighted. Read the copyright notice inside this book for details.". The Creative Commons
version comes from the statement or else from the URL (creativecommons.org/licenses/by-nc/4.0/); a CC
license whose version neither gives is `LicenseRef-CC-<elements>` (the elements are known, the version is
not). A statement that matches nothing is None: the caller decides what no evidence means.
"""

from __future__ import annotations

import re

_CC_ELEMENTS = re.compile(r"\bCC[ -]?(BY(?:[ -](?:NC|ND|SA)){0,2})\b(?:[ -]*(\d\.\d))?", re.IGNORECASE)
_CC_WORDS = re.compile(r"\bAttribution((?:[- ](?:NonCommercial|NoDerivatives|NoDerivs|ShareAlike)){0,2})", re.I)
_CC_URL = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)", re.IGNORECASE)
_WORD_ELEMENTS = {"noncommercial": "NC", "noderivatives": "ND", "noderivs": "ND", "sharealike": "SA"}
_VERSION = re.compile(r"\b(\d\.\d)\b")
_PUBLIC_DOMAIN_US = re.compile(r"public domain in the (?:usa|us|united states)", re.IGNORECASE)
_CC0 = re.compile(r"\bCC0\b|creativecommons\.org/publicdomain/zero", re.IGNORECASE)
_MARK = re.compile(r"public domain mark|creativecommons\.org/(?:about/pdm|publicdomain/mark)", re.IGNORECASE)
_COPYRIGHTED = re.compile(r"^\s*copyrighted\b", re.IGNORECASE)

COPYRIGHTED = "LicenseRef-PG-copyrighted"


def _cc(rights: str, url: str) -> str | None:
    elements: str | None = None
    version: str | None = None
    if m := _CC_ELEMENTS.search(rights):
        elements, version = m.group(1).upper().replace(" ", "-"), m.group(2)
    elif m := _CC_WORDS.search(rights):
        words = re.split(r"[- ]", m.group(1).strip(" -").lower()) if m.group(1).strip(" -") else []
        elements = "-".join(["BY", *(_WORD_ELEMENTS[w] for w in words)])
        version = v.group(1) if (v := _VERSION.search(rights)) else None
    if (u := _CC_URL.search(url)) and (elements is None or u.group(1).upper() == elements):
        elements, version = u.group(1).upper(), version or u.group(2)
    if elements is None:
        return None
    return f"CC-{elements}-{version}" if version else f"LicenseRef-CC-{elements}"


def spdx_of(rights: str | None, url: str | None = None) -> str | None:
    """The SPDX id (or LicenseRef-*) a rights statement and its URL name, or None when they name nothing."""
    rights, url = (rights or "").strip(), (url or "").strip()
    if not rights and not url:
        return None
    if _COPYRIGHTED.match(rights):
        return COPYRIGHTED
    if _PUBLIC_DOMAIN_US.search(rights):
        return "PD-US"
    if _CC0.search(rights) or _CC0.search(url):
        return "CC0-1.0"
    if cc := _cc(rights, url):
        return cc
    if _MARK.search(rights) or _MARK.search(url) or re.search(r"\bpublic domain\b", rights, re.IGNORECASE):
        return "LicenseRef-public-domain"
    return None
