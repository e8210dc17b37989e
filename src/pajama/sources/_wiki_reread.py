"""Re-reading one page of a MediaWiki dump (any compression) by page id, for `pajama manifest trace`.

The dump is streamed with defusedxml (no entities, no external resources) until the page turns up.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import fsspec

from pajama.storage import decompressed


def wiki_page(path: str, page_id: str, revision: Any = None) -> tuple[str, dict[str, Any]]:
    """The wikitext of the page with this id (and revision, when a dump repeats a page id), and its fields."""
    found = None
    for page in wiki_pages(path):
        if page.page_id == page_id:
            found = found or page
            if revision is None or page.revision_id == str(revision):
                found = page
                break
    if found is None:
        raise LookupError(f"no page with id {page_id}")
    fields = {"title": found.title, "page_id": found.page_id, "revision_id": found.revision_id,
              "namespace": found.ns, "timestamp": found.timestamp, "model": found.model}  # fmt: skip
    if revision is not None and str(revision) != found.revision_id:
        fields["note"] = f"the dump holds revision {found.revision_id}, the release {revision}"
    return found.text, fields


def wiki_pages(path: str) -> Iterator[Any]:
    """Every page of a MediaWiki dump (any compression), one at a time."""
    from defusedxml.ElementTree import iterparse

    from pajama.sources.wikipedia import SiteInfo, read_page, text_stream

    with fsspec.open(path, "rb") as raw:
        stream = decompressed(raw, path, max_bytes=1 << 40)
        root = None
        for event, elem in iterparse(text_stream(stream), events=("start", "end")):
            if root is None:
                root = elem
            if event == "end" and elem.tag.rsplit("}", 1)[-1] == "page":
                yield read_page(elem, SiteInfo())
                root.clear()
