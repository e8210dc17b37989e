"""Deterministic benchmark corpora built from real text: ../shared/corpus books when present, else pydoc topics."""

from __future__ import annotations

import gzip
import os
import random
import re
from pathlib import Path

import orjson

CORPUS = Path(os.environ.get("PAJAMA_CORPUS", Path(__file__).resolve().parents[2] / "shared" / "corpus"))


def paragraphs() -> list[str]:
    """Real prose paragraphs: Gutenberg books from the shared corpus, or the stdlib's pydoc topics."""
    texts: list[str] = []
    books = sorted((CORPUS / "books").glob("*.txt.gz")) if CORPUS.is_dir() else []
    for path in books:
        with gzip.open(path, "rt", encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    if not texts:
        from pajama.samples.docs import topic_texts

        texts = [t for _, t in topic_texts()]
    paras = []
    for text in texts:
        for para in re.split(r"\n\s*\n", text):
            para = " ".join(para.split())
            if len(para) > 80:
                paras.append(para)
    return paras


def documents(n: int, *, target_chars: int = 2000, seed: int = 0) -> list[str]:
    """n documents of about target_chars characters each, stitched from random real paragraphs."""
    rng = random.Random(seed)
    paras = paragraphs()
    docs = []
    for _ in range(n):
        parts: list[str] = []
        size = 0
        while size < target_chars:
            p = paras[rng.randrange(len(paras))]
            parts.append(p)
            size += len(p) + 2
        docs.append("\n\n".join(parts)[: int(target_chars * 1.2)])
    return docs


def write_jsonl(folder: Path, n: int, *, files: int = 8, target_chars: int = 2000, seed: int = 0) -> int:
    """Write n records into `files` JSONL files; returns bytes written. Streams (bounded memory)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    paras = paragraphs()
    total = 0
    per_file = -(-n // files)
    for f in range(files):
        with open(folder / f"part-{f:04d}.jsonl", "wb") as out:
            for i in range(min(per_file, n - f * per_file)):
                parts: list[str] = []
                size = 0
                while size < target_chars:
                    p = paras[rng.randrange(len(paras))]
                    parts.append(p)
                    size += len(p) + 2
                line = orjson.dumps({"id": f"{f}-{i}", "text": "\n\n".join(parts)[: int(target_chars * 1.2)]})
                out.write(line + b"\n")
                total += len(line) + 1
    return total
