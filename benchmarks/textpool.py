"""Real text for the benchmark corpus, read by pajama's own readers, pooled by kind and language.

With ../shared/corpus (or $PAJAMA_CORPUS) present: its Project Gutenberg books, Wikipedia dumps and the
HTML pages of its WARCs (extracted with resiliparse). Otherwise the quickstart material that `pajama
samples` builds from the standard library's documentation (pydoc topics, books, wiki, web pages).
Books are cut into chunks of CHUNK_PARAGRAPHS paragraphs; every chunk, article or page is tagged with
the fastText language id, and its sentences and short lines (headings, captions, menu items) go to the
pools of (group, language). Documents are built from sentences, not whole paragraphs: a few megabytes
of paragraphs cannot make a million documents without reusing paragraphs, and documents that share a
long paragraph are near-duplicates nobody planted. Also here: the raw HTML pages of the seed WARCs,
for the extraction stage. The pools are built once and cached in the work folder.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger(__name__)
CORPUS = Path(os.environ.get("PAJAMA_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))
VERSION = 2
CHUNK_PARAGRAPHS = 40
MIN_POOL = 50
MAX_SENTENCE_CHARS = 1000
PARAGRAPH = re.compile(r"\n\s*\n")
SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z“\"'])")
# (group, reader, glob below the corpus root, reader options)
CORPUS_SEEDS = [
    ("books", "books", "books/*.txt.gz", {}),
    ("wiki", "wikipedia", "wiki/*", {}),
    ("web", "warc", "warc/*.warc.gz", {"extractor": "resiliparse", "lid": False}),
]
SAMPLE_SEEDS = [
    ("books", "books", "books/*.txt", {}),
    ("wiki", "wikipedia", "wiki/*.xml.bz2", {}),
    ("web", "warc", "web/*.warc.gz", {"extractor": "resiliparse", "lid": False}),
    ("docs", "jsonl", "docs/*.jsonl", {}),
]


@dataclass
class TextPool:
    """Sentences and short lines (headings, captions, menu items) of real text, keyed "group/language"."""

    origin: str
    sentences: dict[str, list[str]]
    lines: dict[str, list[str]]
    english_sentences: list[str] = field(init=False)
    english_lines: list[str] = field(init=False)

    def __post_init__(self) -> None:
        english = [k for k in sorted(self.sentences) if k.endswith("/en")]
        self.english_sentences = [x for k in english for x in self.sentences[k]]
        self.english_lines = [x for k in english for x in self.lines.get(k, [])]

    def keys(self, english: bool) -> list[str]:
        return sorted(k for k, v in self.sentences.items() if k.endswith("/en") == english and len(v) >= MIN_POOL)


def corpus_available() -> bool:
    return (CORPUS / "books").is_dir() and any((CORPUS / "books").glob("*.txt.gz"))


def seed_files(text: str, work: Path) -> tuple[str, Path, list[tuple[str, str, list[Path], dict[str, Any]]]]:
    """(origin, root, [(group, reader, files, options)]) for text "corpus", "samples" or "auto"."""
    if text == "corpus" or (text == "auto" and corpus_available()):
        root, seeds, origin = CORPUS, CORPUS_SEEDS, f"shared corpus ({CORPUS})"
    else:
        root, seeds, origin = work / "samples", SAMPLE_SEEDS, "quickstart samples (pajama samples)"
        if not (root / "books").is_dir():
            from examples.samples import books, docs, web, wiki

            for module in (books, docs, web, wiki):
                module.build(root)
    found = [(g, reader, sorted(root.glob(pattern)), opts) for g, reader, pattern, opts in seeds]
    return origin, root, [s for s in found if s[2]]


def load(text: str, work: Path) -> TextPool:
    """The text pool, from the cache in `work` when the seed files are unchanged."""
    work.mkdir(parents=True, exist_ok=True)
    origin, _, seeds = seed_files(text, work)
    listing = [(str(p), p.stat().st_size) for _, _, files, _ in seeds for p in files]
    key = hashlib.sha256(orjson.dumps([VERSION, listing])).hexdigest()[:16]
    cache = work / f"textpool-{key}.json"
    if cache.exists():
        data = orjson.loads(cache.read_bytes())
        return TextPool(data["origin"], data["sentences"], data["lines"])
    pool = build(origin, seeds)
    cache.write_bytes(orjson.dumps({"origin": pool.origin, "sentences": pool.sentences, "lines": pool.lines}))
    return pool


def read_texts(reader_name: str, files: list[Path], options: dict[str, Any]) -> list[str]:
    from pajama import options as options_mod
    from pajama import registry
    from pajama.record import Doc
    from pajama.storage import InputFile

    reader: Any = options_mod.build(registry.get_reader(reader_name), options, "benchmark seeds")
    texts = []
    for path in files:
        for item in reader.read(InputFile(uri=str(path), name=path.name, source="seed")):
            if isinstance(item, Doc) and item.text.strip():
                texts.append(item.text)
    return texts


def chunks(group: str, text: str) -> list[list[str]]:
    paragraphs = [p.strip() for p in PARAGRAPH.split(text.replace("\r\n", "\n")) if p.strip()]
    if group != "books":
        return [paragraphs]
    return [paragraphs[i : i + CHUNK_PARAGRAPHS] for i in range(0, len(paragraphs), CHUNK_PARAGRAPHS)]


def build(origin: str, seeds: list[tuple[str, str, list[Path], dict[str, Any]]]) -> TextPool:
    from pajama.text.langid import identify_one

    sentences: dict[str, set[str]] = {}
    lines: dict[str, set[str]] = {}
    for group, reader_name, files, options in seeds:
        for text in read_texts(reader_name, files, options):
            for chunk in chunks(group, text):
                guess = identify_one(" ".join(chunk)[:4000])
                key = f"{group}/{guess.language if guess else 'unknown'}"
                harvest(chunk, sentences.setdefault(key, set()), lines.setdefault(key, set()))
    log.info("text pool: %s", {k: len(v) for k, v in sentences.items()})
    return TextPool(origin, {k: sorted(v) for k, v in sentences.items()}, {k: sorted(v) for k, v in lines.items()})


def harvest(paragraphs: list[str], sentences: set[str], lines: set[str]) -> None:
    """Collect the sentences (3+ words) and the short lines (2-8 words, no end mark) of a chunk."""
    for para in paragraphs:
        for line in para.splitlines():
            words = line.split()
            if 2 <= len(words) <= 8 and line.rstrip()[-1:] not in ".!?:;,":
                lines.add(" ".join(words))
        for sentence in SENTENCE.split(" ".join(para.split())):
            if len(sentence.split()) >= 3:
                sentences.add(
                    sentence[: sentence.rfind(" ", 0, MAX_SENTENCE_CHARS)]
                    if len(sentence) > MAX_SENTENCE_CHARS
                    else sentence
                )


def html_pages(text: str, work: Path) -> list[tuple[str, str, bytes]]:
    """(url, content type, HTML bytes) of the HTML responses in the seed WARCs (the corpus's, or the quickstart's)."""
    from warcio.archiveiterator import ArchiveIterator

    _, _, seeds = seed_files(text, work)
    pages = []
    for _, reader_name, files, _ in seeds:
        if reader_name != "warc":
            continue
        for path in files:
            with open(path, "rb") as stream:
                for rec in ArchiveIterator(stream):
                    content_type = rec.http_headers.get_header("Content-Type", "") if rec.http_headers else ""
                    if rec.rec_type == "response" and "html" in content_type:
                        body = rec.content_stream().read()
                        if len(body) > 512:
                            url = rec.rec_headers.get_header("WARC-Target-URI") or ""
                            pages.append((url, content_type, body))
    return pages


def default_work() -> Path:
    return Path(tempfile.gettempdir()) / "pajama-bench"
