"""HTML payloads to text: charset resolution, a deterministic size bound, and main-text extraction.

Charset precedence follows the HTML standard's encoding sniffing: byte-order mark, then the HTTP
Content-Type charset, then a `<meta charset>` / `http-equiv` declaration in the first 4 KiB, then
detection (uchardet through resiliparse). Labels are mapped to the WHATWG names browsers use
(iso-8859-1 -> cp1252, gb2312 -> gbk ...); undecodable bytes become U+FFFD rather than failing the page.

Extraction settings were chosen against the snippet ground truth of ../shared/corpus/html (see
tests/sources/test_warc_quality.py for the numbers): trafilatura runs with its default balance (not
`favor_precision`, whose class-name rules delete inline `<span class="link">` wrappers and leave holes
such as "especially high for ." in sentences) and its default of keeping comment sections, tables kept,
no images, links or metadata; resiliparse with `main_content=True` and no alt texts, form fields,
noscript, link targets, comments or post meta data (every one of those measured lower precision).

What bounds a page's extraction decides which documents a run keeps, so it must not depend on the
machine: `too_many_nodes` (a count of the DOM elements lexbor parses, linear and fast) refuses pages
whose element count would make trafilatura's superlinear passes take seconds. A wall-clock limit
remains only as a last resort against a pathological page the count did not foresee; when it fires the
page fails with `extract_wall_clock`, loudly, and the failure is marked not reproducible.
"""

from __future__ import annotations

import contextlib
import re
import signal
import threading
from collections.abc import Iterator
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from typing import Any, Literal

Extractor = Literal["trafilatura", "resiliparse"]

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_BOMS = ((b"\xef\xbb\xbf", "utf-8"), (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))


class ExtractionTimeout(BaseException):
    """A page took longer than the configured extraction time.

    A BaseException, like KeyboardInterrupt, so that the extractors' own `except Exception` fallbacks
    (trafilatura retries a failed parse another way) cannot swallow it.
    """


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    for part in content_type.split(";")[1:]:
        key, _, value = part.partition("=")
        if key.strip().lower() == "charset":
            return value.strip().strip("\"'") or None
    return None


def _whatwg(label: str | None) -> str | None:
    if not label:
        return None
    from resiliparse.parse.encoding import map_encoding_to_html5

    return map_encoding_to_html5(label.strip().lower(), fallback_utf8=False)  # type: ignore[no-any-return]


def resolve_charset(body: bytes, header_charset: str | None) -> tuple[str, str]:
    """(python codec name, where it came from: bom | header | meta | detected)."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return name, "bom"
    mapped = _whatwg(header_charset)
    if mapped:
        return mapped, "header"
    match = _META_CHARSET.search(body, 0, 4096)
    mapped = _whatwg(match.group(1).decode("ascii", "replace")) if match else None
    if mapped:
        return mapped, "meta"
    from resiliparse.parse.encoding import detect_encoding

    return detect_encoding(body, from_html_meta=False) or "utf-8", "detected"


def decode_html(body: bytes, header_charset: str | None) -> tuple[str, str, str]:
    """(text, codec, charset source). Invalid byte sequences are replaced, never fatal."""
    from resiliparse.parse.encoding import bytes_to_str

    codec, source = resolve_charset(body, header_charset)
    try:
        text = body.decode(codec)
    except (UnicodeDecodeError, LookupError):
        text = bytes_to_str(body, codec, errors="replace", fallback_encodings=("utf-8", "cp1252"))
    return text.removeprefix("\ufeff"), codec, source


@cache
def extractor_version(name: str) -> str:
    try:
        return version(name)
    except PackageNotFoundError:
        return "unknown"


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Raise ExtractionTimeout after `seconds` of wall time.

    Uses SIGALRM, so only on the main thread, and only when no other real-time timer is armed (a host
    such as pytest-timeout may own it); otherwise a no-op, and the payload byte cap is the bound.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield
        return
    if signal.getitimer(signal.ITIMER_REAL)[0] > 0:
        yield
        return

    def _expired(signum: int, frame: Any) -> None:
        raise ExtractionTimeout(f"extraction exceeded {seconds}s")

    previous = signal.signal(signal.SIGALRM, _expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def extract_trafilatura(html: str, url: str | None) -> str:
    import trafilatura

    text = trafilatura.extract(
        html,
        url=url,
        include_comments=True,  # trafilatura's default: dropping comment sections lost recall (see module doc)
        include_tables=True,
        include_images=False,
        include_links=False,
        deduplicate=False,
        with_metadata=False,
        output_format="txt",
    )
    return text or ""


def extract_resiliparse(html: str, url: str | None) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(  # type: ignore[no-any-return]
        html,
        preserve_formatting=True,
        main_content=True,
        list_bullets=True,
        alt_texts=False,
        links=False,
        form_fields=False,
        noscript=False,
        comments=False,
        post_meta=False,
    )


EXTRACTORS = {"trafilatura": extract_trafilatura, "resiliparse": extract_resiliparse}


def extract_text(html: str, *, extractor: Extractor, url: str | None = None, timeout: float = 0) -> str:
    """Main text of `html` ("" when the extractor finds none). Raises ExtractionTimeout, or the extractor's error."""
    with time_limit(timeout):
        return EXTRACTORS[extractor](html, url).strip()
