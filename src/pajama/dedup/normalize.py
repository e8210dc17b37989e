"""Text normalization for exact dedup, and URL normalization for url dedup.

Exact dedup hashes the normalized text (blake2b, 128 bits). The options, applied in this fixed order
whatever order the config lists them in:

    unicode      NFKC compatibility normalization (ligatures, full-width forms, superscripts -> plain)
    case         str.casefold (full Unicode case folding; "Straße" == "STRASSE")
    punctuation  every character of Unicode category P* (punctuation) or S* (symbols) is removed
    digits       every Unicode decimal digit becomes "0" (page counters, dates and prices stop mattering)
    whitespace   runs of Unicode whitespace become one space; leading and trailing whitespace is removed

With "unicode" and "case" together NFKC is applied again after folding (folding can un-normalize), so
normalization is idempotent: normalize(normalize(t)) == normalize(t).
"""

from __future__ import annotations

import hashlib
import re
import sys
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit, urlunsplit

ORDER = ("unicode", "case", "punctuation", "digits", "whitespace")
EXACT_HASH_BYTES = 16

_DIGIT = re.compile(r"\d")


@lru_cache(maxsize=1)
def _punctuation() -> dict[int, None]:
    """str.translate table deleting categories P* and S* (faster here than a regex character class)."""
    return {c: None for c in range(sys.maxunicode + 1) if unicodedata.category(chr(c))[0] in "PS"}


def normalize(text: str, options: Iterable[str]) -> str:
    """`text` with the named normalizations applied in the documented order."""
    chosen = set(options)
    unknown = chosen - set(ORDER)
    if unknown:
        raise ValueError(f"unknown normalization(s) {sorted(unknown)}; allowed: {', '.join(ORDER)}")
    if "unicode" in chosen:
        text = unicodedata.normalize("NFKC", text)
    if "case" in chosen:
        text = text.casefold()
        if "unicode" in chosen:
            text = unicodedata.normalize("NFKC", text)
    if "punctuation" in chosen:
        text = text.translate(_punctuation())
    if "digits" in chosen:
        text = _DIGIT.sub("0", text)
    if "whitespace" in chosen:
        text = " ".join(text.split())  # str.split() splits at runs of Unicode whitespace
    return text


def exact_hash(text: str, options: Iterable[str]) -> bytes:
    """The 16-byte blake2b digest of the normalized text's UTF-8 bytes."""
    data = normalize(text, options).encode("utf-8", "surrogatepass")
    return hashlib.blake2b(data, digest_size=EXACT_HASH_BYTES).digest()


_DEFAULT_PORTS = {"http": "80", "https": "443"}


def normalize_url(url: str) -> str:
    """The URL that two captures of one page share: lowercase scheme and host, no default port,
    no fragment, "/" for an empty path. Query strings are kept (they often select the content)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").rstrip(".")
    try:
        port = parts.port
    except ValueError:
        port = None
    netloc = host if port is None or str(port) == _DEFAULT_PORTS.get(scheme) else f"{host}:{port}"
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, ""))
