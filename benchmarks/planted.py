"""The benchmark corpus: N documents of real text, a realistic good/bad mix, planted duplicates with ground truth.

    python -m benchmarks corpus --size 100000      (the suite builds it itself; cached by size and seed)

Document i depends only on (seed, i), so the 10k corpus is the first 10k documents of the 100k one. Of
all documents, EXACT_SHARE are exact copies (byte-identical or differing only in whitespace) and
NEAR_SHARE are near copies (word edits, Jaccard >= 0.8 measured) of an earlier original, never of a copy;
the rest are drawn from doc_kinds.KINDS. Copies that happen by chance (two one-liners built from the
same sentences) are found by hashing every normalized text and recorded as unplanted exact duplicates.

Layout of <work>/corpus-<N>-s<seed>-<pool>/:
    docs/part-NNNNN.jsonl    {"id": "d0000042", "text": ...}, DOCS_PER_FILE documents per file
    truth.parquet            id, kind, dup ("" | exact | near), dup_of, jaccard, planted, chars
    web/pages-00000.warc.gz  real HTML pages (cycled under fresh record ids) for read/extract/lid
    corpus.json              what was built: counts per kind and duplicate type, bytes, origin, seed
"""

from __future__ import annotations

import hashlib
import json
import random
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from benchmarks import doc_kinds, textpool

DOCS_PER_FILE = 12_500
MIN_FILES = 4
EXACT_SHARE = 0.04
NEAR_SHARE = 0.04
NEAR_MIN_WORDS = 100


@dataclass(frozen=True)
class Planned:
    kind: str
    dup: str  # "", "exact" or "near"
    dup_of: int  # index of the original, -1 when not a copy


class Generator:
    """Document i of the corpus for one seed and one text pool."""

    def __init__(self, pool: textpool.TextPool, seed: int) -> None:
        self.pool, self.seed = pool, seed
        names = list(doc_kinds.KINDS)
        self._names = names
        self._weights = [doc_kinds.KINDS[k][0] for k in names]

    def _rng(self, i: int, salt: int = 0) -> random.Random:
        return random.Random((self.seed * 1_000_003 + i) * 7 + salt)

    def plan(self, i: int) -> Planned:
        rng = self._rng(i)
        kind = rng.choices(self._names, self._weights)[0]
        roll = rng.random()
        if i >= 10 and roll < EXACT_SHARE + NEAR_SHARE:
            j = rng.randrange(i)
            original = self.plan(j)
            root = original.dup_of if original.dup else j
            return Planned(self.plan(root).kind, "exact" if roll < EXACT_SHARE else "near", root)
        return Planned(kind, "", -1)

    def original_text(self, i: int, kind: str) -> str:
        return doc_kinds.KINDS[kind][1](self._rng(i, 1), self.pool)

    def document(self, i: int) -> tuple[str, Planned, float]:
        """(text, plan, Jaccard with the original: 1.0 for exact copies and originals)."""
        planned = self.plan(i)
        if not planned.dup:
            return self.original_text(i, planned.kind), planned, 1.0
        source = self.original_text(planned.dup_of, planned.kind)
        rng = self._rng(i, 2)
        if planned.dup == "near" and len(source.split()) >= NEAR_MIN_WORDS:
            text, similarity = doc_kinds.near_copy(rng, source, self.pool)
            return text, planned, similarity
        return doc_kinds.exact_copy(rng, source), Planned(planned.kind, "exact", planned.dup_of), 1.0


def doc_id(i: int) -> str:
    return f"d{i:08d}"


def corpus_dir(work: Path, size: int, seed: int, text: str) -> Path:
    pool_key = hashlib.sha256(str(textpool.seed_files(text, work)[0]).encode()).hexdigest()[:8]
    return work / f"corpus-{size}-s{seed}-{pool_key}"


def build(work: Path, size: int, *, seed: int = 0, text: str = "auto", pages: int = 400) -> Path:
    """Build (or reuse) the corpus of `size` documents; returns its folder."""
    out = corpus_dir(work, size, seed, text)
    if (out / "corpus.json").exists():
        return out
    started = time.perf_counter()
    pool = textpool.load(text, work)
    (out / "docs").mkdir(parents=True, exist_ok=True)
    summary = write_docs(out, Generator(pool, seed), size)
    summary["web_pages"] = write_warc(out / "web" / "pages-00000.warc.gz", textpool.html_pages(text, work), pages)
    summary.update(origin=pool.origin, seed=seed, build_seconds=round(time.perf_counter() - started, 1))
    (out / "corpus.json").write_text(json.dumps(summary, indent=1))
    return out


def write_docs(out: Path, gen: Generator, size: int) -> dict[str, Any]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = max(MIN_FILES, -(-size // DOCS_PER_FILE))
    per_file = -(-size // files)
    first: dict[bytes, int] = {}
    cols: dict[str, list[Any]] = {k: [] for k in ("id", "kind", "dup", "dup_of", "jaccard", "planted", "chars")}
    total_bytes = 0
    for f in range(files):
        with open(out / "docs" / f"part-{f:05d}.jsonl", "wb") as sink:
            for i in range(f * per_file, min(size, (f + 1) * per_file)):
                text, planned, similarity = gen.document(i)
                digest = hashlib.blake2b(" ".join(text.split()).encode(), digest_size=16).digest()
                dup, dup_of, planted = planned.dup, planned.dup_of, bool(planned.dup)
                if digest in first and dup != "exact":  # equal to an earlier text by chance
                    dup, dup_of, planted, similarity = "exact", first[digest], False, 1.0
                first.setdefault(digest, i)
                line = orjson.dumps({"id": doc_id(i), "text": text}) + b"\n"
                sink.write(line)
                total_bytes += len(line)
                row = (
                    doc_id(i),
                    planned.kind,
                    dup,
                    doc_id(dup_of) if dup else None,
                    round(similarity, 4),
                    planted,
                    len(text),
                )
                for key, value in zip(cols, row, strict=True):
                    cols[key].append(value)
    pq.write_table(pa.table(cols), out / "truth.parquet")
    return summarize(cols, size, files, total_bytes)


def summarize(cols: dict[str, list[Any]], size: int, files: int, total_bytes: int) -> dict[str, Any]:
    from collections import Counter

    kinds = Counter(k for k, d in zip(cols["kind"], cols["dup"], strict=True) if not d)
    dups = Counter(
        f"{d} ({'planted' if p else 'by chance'})" for d, p in zip(cols["dup"], cols["planted"], strict=True) if d
    )
    near = [j for j, d in zip(cols["jaccard"], cols["dup"], strict=True) if d == "near"]
    return {
        "documents": size,
        "files": files,
        "MB": round(total_bytes / 1e6, 1),
        "mean_chars": round(sum(cols["chars"]) / max(1, size)),
        "originals_by_kind": dict(kinds.most_common()),
        "duplicates": dict(dups.most_common()),
        "near_jaccard": {"min": min(near, default=None), "max": max(near, default=None)},
    }


def write_warc(path: Path, pages: list[tuple[str, str, bytes]], count: int) -> int:
    """A WARC of `count` response records cycling through the real HTML pages, each with its own id."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    path.parent.mkdir(parents=True, exist_ok=True)
    if not pages:
        return 0
    with open(path, "wb") as sink:
        writer = WARCWriter(sink, gzip=True)
        for n in range(count):
            url, content_type, body = pages[n % len(pages)]
            http = StatusAndHeaders("200 OK", [("Content-Type", content_type)], protocol="HTTP/1.1")
            record_id = f"<urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'{n}:{url}')}>"
            target = f"{url}#copy{n // len(pages)}" if n >= len(pages) else url
            record = writer.create_warc_record(
                target,
                "response",
                payload=BytesIO(body),
                http_headers=http,
                warc_headers_dict={"WARC-Record-ID": record_id, "WARC-Date": "2024-05-01T00:00:00Z"},
            )
            writer.write_record(record)
    return count
