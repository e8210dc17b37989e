"""The `url` filter: UT1-style domain and URL blocklists."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from pajama.errors import ConfigError
from pajama.filters.url import UrlFilter, domain_suffixes, normalize_url, url_prefixes
from pajama.options import build
from pajama.record import Record
from pajama.registry import get_filter


def rec(url: object) -> Record:
    return Record(id="t/1", text="x", source="web", meta={"url": url} if url is not None else {}, origin={})


@pytest.fixture
def ut1(tmp_path: Path) -> Path:
    """A UT1-like category folder: `adult/domains` and `adult/urls`, plus a gzipped extra list."""
    category = tmp_path / "blacklists" / "adult"
    category.mkdir(parents=True)
    (category / "domains").write_text("# comment\nbad.example\n\nWWW.Casino.Example.\n")
    (category / "urls").write_text("news.example/adult\nshop.example/catalog/x-rated/\n")
    (tmp_path / "extra.txt.gz").write_bytes(gzip.compress(b"tracker.example\n"))
    return tmp_path


def test_domain_entries_block_subdomains_only_on_label_boundaries(ut1: Path) -> None:
    f = UrlFilter(domain_lists=[str(ut1 / "blacklists" / "adult"), str(ut1 / "extra.txt.gz")])
    for url in [
        "http://bad.example/",
        "https://a.b.bad.example:8080/x",
        "http://casino.example",
        "http://tracker.example",
    ]:
        v = f(rec(url))
        assert not v.kept and v.reason == "url.blocked_domain", url
    for url in ["http://notbad.example/", "http://bad.example.org/", "http://example/"]:
        assert f(rec(url)).kept, url


def test_url_entries_block_that_path_and_below(ut1: Path) -> None:
    f = UrlFilter(url_lists=[str(ut1 / "blacklists" / "adult")])
    blocked = [
        "http://news.example/adult",
        "https://www.news.example/adult/page?id=3",
        "http://shop.example/catalog/x-rated",
    ]
    for url in blocked:
        v = f(rec(url))
        assert not v.kept and v.reason == "url.blocked_url", url
    for url in ["http://news.example/adultery", "http://news.example/", "http://shop.example/catalog"]:
        assert f(rec(url)).kept, url


def test_inline_entries_missing_and_malformed_urls() -> None:
    f = UrlFilter(domains=["spam.example"], urls=["ok.example/private"])
    assert f(rec("http://x.spam.example/")).reason == "url.blocked_domain"
    assert f(rec("ok.example/private/1")).reason == "url.blocked_url"
    assert f(rec(None)).kept and f(rec(42)).kept and f(rec("http://[::1")).kept


def test_normalization_helpers() -> None:
    assert normalize_url("HTTPS://www.Example.com:443/A/b/?q=1#f") == "example.com/a/b"
    assert domain_suffixes("a.b.example.com") == ["a.b.example.com", "b.example.com", "example.com", "com"]
    assert url_prefixes("http://example.com/a/b") == ["example.com/a/b", "example.com/a", "example.com"]


def test_missing_list_is_a_config_error_and_filter_is_registered(tmp_path: Path) -> None:
    assert get_filter("url") is UrlFilter
    with pytest.raises(ConfigError):
        build(UrlFilter, {"domain_lists": [str(tmp_path / "nope.txt")]}, "filters.url")
