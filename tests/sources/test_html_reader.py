"""`html` reader: folders, tar and zip archives of saved pages, on pages the tests write and on the corpus."""

from __future__ import annotations

import io
import json
import tarfile
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from pajama.record import Doc, Skip
from pajama.registry import get_reader
from pajama.sources.html import HtmlReader
from pajama.sources.warc import WarcReader
from pajama.storage import InputFile

TEXT = (
    "The harbour seal spends half of its life on land, resting on sandbanks and rocky shores between "
    "tides, and dives for up to half an hour when it hunts for herring, cod and flatfish in cold water."
)


def page(title: str, head: str = "") -> bytes:
    body = "".join(f"<p>{TEXT} {title} {i}.</p>" for i in range(3))
    head = f"<!DOCTYPE html><html><head><title>{title}</title>{head}</head>"
    return f"{head}<body><article>{body}</article></body></html>".encode()


FILES = {
    "site/a.html": page("Alpha", '<link rel="canonical" href="https://seals.example.org/alpha">'),
    "site/b.htm": page("Beta", '<link rel="canonical" href="https://wrong.example.org/">'),
    "site/b.json": json.dumps({"url": "https://seals.example.org/beta"}).encode(),
    "site/c.html": page("Gamma", '<base href="https://seals.example.org/docs/"><link rel="canonical" href="gamma">'),
    "site/d": page("Delta", '<base href="https://seals.example.org/delta/">'),
    "site/e.css": b"body { color: black }",
    "site/f.html": page("Epsilon"),
    "site/f.html.json": b"{not json",
}
EXPECTED = {  # page -> (url, url_source)
    "site/a.html": ("https://seals.example.org/alpha", "canonical"),
    "site/b.htm": ("https://seals.example.org/beta", "sidecar"),
    "site/c.html": ("https://seals.example.org/docs/gamma", "canonical"),
    "site/d": ("https://seals.example.org/delta/", "base"),
    "site/f.html": (None, None),
}
SKIPS = {"site/b.json": "html.sidecar", "site/e.css": "html.not_html", "site/f.html.json": "html.bad_sidecar"}


def read(path: Path, **options: object) -> list[object]:
    reader = HtmlReader(lid=False, extractor="resiliparse", **options)  # type: ignore[arg-type]
    inp = InputFile(uri=str(path), name=path.name, source="pages", is_dir=path.is_dir())
    return list(reader.read(inp))


def folder(tmp_path: Path) -> Path:
    root = tmp_path / "dump"
    for rel, data in FILES.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    return root


def tar(tmp_path: Path, files: dict[str, bytes], name: str = "dump.tar.gz") -> Path:
    path = tmp_path / name
    with tarfile.open(path, "w:gz") as tf:
        for rel, data in files.items():
            info = tarfile.TarInfo(rel)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


def by_place(items: list[object]) -> dict[str, object]:
    return {next(iter(i.locator.values())): i for i in items}  # type: ignore[attr-defined]


@pytest.mark.parametrize("kind", ["folder", "tar", "zip"])
def test_pages_urls_and_counted_skips_in_every_container(tmp_path: Path, kind: str) -> None:
    if kind == "folder":
        path = folder(tmp_path)
    elif kind == "tar":
        path = tar(tmp_path, FILES)  # b.json comes after b.htm: the page waits for its sidecar
    else:
        path = tmp_path / "dump.zip"
        with zipfile.ZipFile(path, "w") as zf:
            for rel, data in reversed(FILES.items()):  # sidecars before their pages
                zf.writestr(rel, data)
    items = by_place(read(path))
    assert {p: (items[p].meta["url"], items[p].meta["url_source"]) for p in EXPECTED} == EXPECTED  # type: ignore[attr-defined]
    assert all(isinstance(items[p], Doc) and TEXT in items[p].text for p in EXPECTED)  # type: ignore[attr-defined]
    assert {p: items[p].reason for p in SKIPS} == SKIPS  # type: ignore[attr-defined]
    assert len(items) == len(FILES)


def test_unsafe_and_oversized_members_are_counted(tmp_path: Path) -> None:
    path = tar(tmp_path, {"../evil.html": page("Evil"), "big.html": page("Big") * 50, "ok.html": page("Ok")})
    reasons = Counter(getattr(i, "reason", "doc") for i in read(path, max_page_bytes=2000))
    assert reasons == {"archive.path_traversal": 1, "archive.member_too_large": 1, "doc": 1}
    link = folder(tmp_path)
    (link / "site" / "z.html").symlink_to("/etc/hostname")
    assert by_place(read(link))["site/z.html"].reason == "archive.symlink"  # type: ignore[attr-defined]


def test_one_page_file_and_the_element_budget(tmp_path: Path) -> None:
    path = tmp_path / "alpha.html"
    path.write_bytes(FILES["site/a.html"])
    (doc,) = read(path)
    assert isinstance(doc, Doc) and doc.locator == {} and doc.meta["url_source"] == "canonical"
    (skip,) = read(path, max_html_nodes=5)
    assert isinstance(skip, Skip) and skip.reason == "html.too_many_nodes"


def test_reread_returns_the_stored_page(tmp_path: Path) -> None:
    reader = HtmlReader(lid=False)
    archive = tar(tmp_path, FILES)
    raw = reader.reread(str(archive), {"member": "site/c.html"})
    assert raw.kind == "html page" and raw.text == FILES["site/c.html"].decode()
    raw = reader.reread(str(folder(tmp_path)), {"path": "site/a.html"})
    assert raw.text == FILES["site/a.html"].decode() and raw.fields["path"] == "site/a.html"


def test_registered_and_inspect_prints_documents(tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    from pajama.cli import main as cli

    assert get_reader("html") is HtmlReader
    assert cli(["inspect", "html", str(tar(tmp_path, FILES)), "-o", "lid=false"]) == 0
    rows = [json.loads(line) for line in capfdbinary.readouterr().out.splitlines()]
    assert Counter(r["status"] for r in rows) == {"document": len(EXPECTED), "skipped": len(SKIPS)}


def test_corpus_pages_give_the_warc_readers_text(corpus: Path) -> None:
    pages, warc = corpus / "html" / "trafilatura-cache-pages.tar.gz", corpus / "warc" / "trafilatura-cache.warc.gz"
    if not pages.exists() or not warc.exists():
        pytest.skip("corpus pages or their WARC absent")
    truth = json.loads((corpus / "html" / "trafilatura-cache-groundtruth.json").read_text())
    docs = [i for i in read(pages) if isinstance(i, Doc)]
    from_warc = {
        i.meta["url"]: i.text
        for i in WarcReader(extractor="resiliparse", lid=False).read(InputFile(uri=str(warc), name="w", source="w"))
        if isinstance(i, Doc)
    }
    urls = {d.locator["member"].rsplit("/", 1)[-1]: d for d in docs}
    same = sum(from_warc.get(truth[name]["url"]) == d.text for name, d in urls.items() if name in truth)
    assert len(docs) >= 100 and same == len(docs)  # same bytes, same extractor: the same text
    found = sum(d.meta["url"] == truth[name]["url"] for name, d in urls.items() if name in truth)
    assert found >= 75  # measured 79 of 107: the rest declare a canonical URL that differs from the crawled one
