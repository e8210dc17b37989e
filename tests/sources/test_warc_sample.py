"""The quickstart web sample (examples/samples/web.py) is deterministic and reads as intended."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from examples.samples import web
from pajama.filters.language import LanguageFilter
from pajama.filters.url import UrlFilter
from pajama.record import Doc, Record
from pajama.sources.warc import WarcReader
from pajama.storage import InputFile


def test_sample_is_byte_identical_across_builds(tmp_path: Path) -> None:
    web.build(tmp_path / "a")
    web.build(tmp_path / "b")
    a, b = (tmp_path / d / "web" / "sample.warc.gz" for d in "ab")
    assert a.read_bytes() == b.read_bytes() and a.stat().st_size > 10_000


def test_sample_reads_into_pages_and_named_skips(tmp_path: Path) -> None:
    from warcio.archiveiterator import ArchiveIterator

    web.build(tmp_path)
    path = tmp_path / "web" / "sample.warc.gz"
    with path.open("rb") as f:
        records = sum(1 for _ in ArchiveIterator(f))
    reader = WarcReader(extractor="resiliparse", license="PSF-2.0")
    items = list(reader.read(InputFile(uri=str(path), name=path.name, source="web")))
    docs = [i for i in items if isinstance(i, Doc)]
    assert len(items) == records
    assert len(docs) == len(web.topics()) + 1  # every topic page, plus one on the blocked domain
    skips = Counter(getattr(i, "reason", None) for i in items if not isinstance(i, Doc))
    assert skips == {"warc.warcinfo": 1, "warc.request": 1, "warc.http_client_error": 1, "warc.content_type": 1}
    assert {d.meta["crawl"] for d in docs} == {web.CRAWL} and len({d.key for d in docs}) == len(docs)
    assert {d.meta["license"] for d in docs} == {"PSF-2.0"}
    url_filter, language = UrlFilter(domains=["blocked.example"]), LanguageFilter(keep=["en"], min_score=0.5)
    verdicts = Counter()
    for d in docs:
        rec = Record(id=d.key or "", text=d.text, source="web", meta=d.meta, origin={})
        v = url_filter(rec)
        verdicts[v.reason or language(rec).reason or "kept"] += 1
    assert verdicts == {"kept": len(web.topics()), "url.blocked_domain": 1}
