"""One HTML page to text plus the meta every web reader records: shared by the `warc` and `html` readers.

`PageExtraction` holds the extraction options (which extractor, the element budget, the last-resort
wall-clock guard) and turns a payload into text or a counted Skip/Failure; `LanguageTagging` holds the
language-id and license options and produces their meta fields. Readers inherit both, so the two
readers decide a page in exactly the same way.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from pajama.record import Failure, Skip
from pajama.sources._html import ExtractionTimeout, Extractor, decode_html, extract_text, extractor_version
from pajama.text.langid import identify_one, model_name, resolve_model_path

log = logging.getLogger(__name__)


def count_elements(html: str) -> int:
    """How many elements the HTML parser (lexbor, through resiliparse) builds for `html`.

    A deterministic measure of the extraction work: the extractors' passes scale with it (trafilatura's
    superlinearly), and counting takes about a millisecond per typical page.
    """
    from resiliparse.parse.html import HTMLTree

    document = HTMLTree.parse(html).document
    return len(document.query_selector_all("*")) if document is not None else 0


@dataclass(frozen=True, slots=True)
class PageText:
    text: str
    meta: dict[str, Any]  # content_type is left to the reader; charset, charset_source, extractor


@dataclass(frozen=True, kw_only=True)
class PageExtraction:
    """Extraction options; `extract_page` is the one path from HTML bytes to main text."""

    extractor: Extractor = "trafilatura"
    #: pages with more DOM elements are skipped (`<prefix>.too_many_nodes`): trafilatura needs about 1 s
    #: for 20,000 elements and 9 s for 100,000 on one idle core; the largest of 319 real pages had 5,517
    max_html_nodes: int = 50_000
    #: last-resort wall-clock limit in seconds (0: none). It fires only on a page the element budget did
    #: not foresee; the page then fails (`<prefix>.extract_timeout`) marked not reproducible.
    extract_timeout: float = 120.0

    def extract_page(
        self, payload: bytes, header_charset: str | None, url: str | None, locator: dict[str, Any], prefix: str
    ) -> PageText | Skip | Failure:
        html, codec, charset_source = decode_html(payload, header_charset)
        return self.extract_decoded(html, url, locator, prefix, charset=(codec, charset_source))

    def extract_decoded(
        self, html: str, url: str | None, locator: dict[str, Any], prefix: str, *, charset: tuple[str, str]
    ) -> PageText | Skip | Failure:
        """Main text of decoded HTML, or why not (`<prefix>.too_many_nodes`, `.extract_*`)."""
        codec, charset_source = charset
        nodes = count_elements(html)
        if self.max_html_nodes and nodes > self.max_html_nodes:
            return Skip(f"{prefix}.too_many_nodes", locator, f"{nodes} elements > max_html_nodes {self.max_html_nodes}")
        try:
            text = extract_text(html, extractor=self.extractor, url=url, timeout=self.extract_timeout)
        except ExtractionTimeout as e:
            log.error("%s at %s: %s; this run's output now depends on machine load", url, locator, e)
            return Failure(f"{prefix}.extract_timeout", locator, f"{e} ({nodes} elements)", reproducible=False)
        except Exception as e:  # a third-party extractor's bug on one page is that page's failure, not the run's
            log.debug("extractor %s failed on %s", self.extractor, url, exc_info=True)
            return Failure(f"{prefix}.extract_error", locator, f"{type(e).__name__}: {e}"[:300])
        if not text:
            return Skip(f"{prefix}.extract_empty", locator, self.extractor)
        extractor = {"name": self.extractor, "version": extractor_version(self.extractor)}
        return PageText(text, {"charset": codec, "charset_source": charset_source, "extractor": extractor})


@dataclass(frozen=True, kw_only=True)
class LanguageTagging:
    """Language-id and license options, and the meta fields they produce."""

    lid: bool = True
    lid_model: str | None = None
    lid_max_chars: int = 0  # 0: identify on the whole text (CCNet, FineWeb); N: on its first N characters
    license: str | None = None  # an SPDX expression recorded as meta.license on every document, when known

    def __post_init__(self) -> None:
        if self.lid:
            resolve_model_path(self.lid_model)  # a missing model is a config error, before any work

    def tag_meta(self, text: str) -> dict[str, Any]:
        meta: dict[str, Any] = {}
        if self.license:
            meta["license"] = self.license
        if self.lid:
            guess = identify_one(text[: self.lid_max_chars] if self.lid_max_chars > 0 else text, self.lid_model)
            meta["language"] = guess.language if guess else None
            meta["language_score"] = guess.score if guess else 0.0
            meta["language_model"] = model_name(self.lid_model)
        return meta
