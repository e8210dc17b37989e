"""The `url` filter: drop documents whose meta.url is on a domain or URL blocklist.

Lists are UT1-style (Université Toulouse 1 Capitole blacklists, as used by RefinedWeb and FineWeb):
plain text, one entry per line, `#` comments, optionally gzip-compressed. Each name in `domain_lists`
and `url_lists` is a local path or any fsspec URI; a folder (a UT1 category such as `adult/`) contributes
its `domains` file to the domain list and its `urls` file to the URL list.

Matching follows squidGuard, which the UT1 lists are written for: a domain entry blocks that host and
every subdomain (`example.com` blocks `a.b.example.com`); a URL entry (no scheme, `www.` dropped) blocks
that URL and everything below it on a path-segment boundary. Records without meta.url are kept.
"""

from __future__ import annotations

import gzip
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import fsspec

from pajama.errors import ConfigError
from pajama.filter import SignalFilter, Verdict
from pajama.record import Record
from pajama.registry import register_filter

_lock = threading.Lock()
_cache: dict[tuple[str, tuple[str, ...], tuple[str, ...]], frozenset[str]] = {}


def _open_text_lines(uri: str) -> list[str]:
    with fsspec.open(uri, "rb") as f:
        data = f.read()
    if data[:2] == b"\x1f\x8b":
        data = gzip.decompress(data)
    return data.decode("utf-8", "replace").splitlines()


def _list_files(uri: str, member: str) -> list[str]:
    """`uri` itself, or `uri/<member>` when `uri` is a folder (a UT1 category)."""
    fs, path = fsspec.core.url_to_fs(uri)
    if not fs.exists(path):
        raise ConfigError("filters.url", f"blocklist not found: {uri}")
    if fs.isdir(path):
        inner = f"{path.rstrip('/')}/{member}"
        return [fs.unstrip_protocol(inner)] if fs.exists(inner) else []
    return [uri]


def normalize_domain(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    return host.removeprefix("www.")


def normalize_url(url: str) -> str:
    """`host/path` without scheme, port, `www.`, query or fragment, and without a trailing slash."""
    url = url.strip()
    if "://" not in url:
        url = "http://" + url
    parts = urlsplit(url)
    return (normalize_domain(parts.hostname or "") + parts.path).rstrip("/").lower()


def load_entries(kind: str, uris: tuple[str, ...], inline: tuple[str, ...] = ()) -> frozenset[str]:
    """Normalized entries of every list plus the inline ones (loaded once per process and list set)."""
    key = (kind, uris, inline)
    with _lock:
        if key not in _cache:
            member = "domains" if kind == "domain" else "urls"
            norm = normalize_domain if kind == "domain" else normalize_url
            entries: set[str] = {norm(entry) for entry in inline}
            for uri in uris:
                for path in _list_files(uri, member):
                    for line in _open_text_lines(path):
                        line = line.strip()
                        if line and not line.startswith("#"):
                            entries.add(norm(line))
            entries.discard("")
            _cache[key] = frozenset(entries)
        return _cache[key]


def domain_suffixes(host: str) -> list[str]:
    """`a.b.example.com` -> [a.b.example.com, b.example.com, example.com, com]."""
    labels = normalize_domain(host).split(".")
    return [".".join(labels[i:]) for i in range(len(labels))]


def url_prefixes(url: str) -> list[str]:
    """`host/a/b` -> [host/a/b, host/a, host]: every path-segment prefix of the normalized URL."""
    norm = normalize_url(url)
    out = [norm]
    while "/" in norm:
        norm = norm.rsplit("/", 1)[0]
        out.append(norm)
    return out


@register_filter("url")
@dataclass(frozen=True, kw_only=True)
class UrlFilter(SignalFilter):
    """Drop records whose URL host (or a parent domain) or URL (or a parent path) is blocklisted."""

    domain_lists: list[str] = field(default_factory=list)
    url_lists: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    urls: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for uri in (*self.domain_lists, *self.url_lists):
            _list_files(uri, "domains")  # a missing list is a config error, found before any work

    def signals(self, record: Record) -> Mapping[str, Any]:
        """{"url": the record's URL} (nothing without one): what `decide` matches against the lists."""
        url = record.meta.get("url")
        if not isinstance(url, str) or not url:
            return {}
        return {"url": url}

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        """Match the stored `url` signal against the lists (refilter re-decides with new lists). The matching
        entry is not a signal: it depends on the lists, and a stored signal must not."""
        url = s.get("url")
        if not isinstance(url, str) or not url:
            return Verdict.keep()
        try:
            host = urlsplit(url if "://" in url else "http://" + url).hostname or ""
            prefixes = url_prefixes(url)
        except ValueError:  # e.g. a bad IPv6 literal: no blocklist can name it
            return Verdict.keep({"url": url, "malformed": True})
        domains = load_entries("domain", tuple(self.domain_lists), tuple(self.domains))
        for suffix in domain_suffixes(host) if host else ():
            if suffix in domains:
                return Verdict.drop("url.blocked_domain", {"url": url})
        urls = load_entries("url", tuple(self.url_lists), tuple(self.urls))
        for prefix in prefixes:
            if prefix in urls:
                return Verdict.drop("url.blocked_url", {"url": url})
        return Verdict.keep({"url": url})
