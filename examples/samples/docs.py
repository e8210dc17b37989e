"""Sample JSONL / JSONL.gz / Parquet inputs from the standard library's pydoc topics (real English prose)."""

from __future__ import annotations

import gzip
import os
from pathlib import Path
from typing import Any

import orjson


def topic_texts() -> list[tuple[str, str]]:
    """(topic, text) pairs from pydoc's topic help, present in every CPython installation."""
    from pydoc_data.topics import topics

    return sorted((name, text.strip()) for name, text in topics.items() if text.strip())


def _drop_paragraph(text: str) -> str:
    """The text without its last paragraph: a near duplicate of the original."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(paragraphs[:-1]) if len(paragraphs) > 3 else text + "\n\nSee also the index."


def build(out: Path) -> None:
    folder = out / "docs"
    os.makedirs(folder, exist_ok=True)
    rows: list[dict[str, Any]] = [
        {"id": f"pydoc:{name}", "text": text, "meta": {"title": name, "license": "PSF-2.0"}}
        for name, text in topic_texts()
    ]
    half = len(rows) // 2
    lines = [orjson.dumps(r) for r in rows[:half]]
    # Bad lines on purpose: the quickstart shows that they are counted, not lost.
    lines.insert(3, b'{"id": "broken", "text": "unterminated')
    lines.insert(7, b'{"id": "no-text", "meta": {}}')
    lines.insert(9, b'{"id": "bad-utf8", "text": "caf\xe9"}')
    lines.append(orjson.dumps({"id": "pydoc:short", "text": "Too short.", "meta": {}}))
    (folder / "topics-a.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    # Planted duplicates for the dedup stage: exact copies and near copies (one paragraph dropped).
    copies = [dict(r, id=f"{r['id']}:copy") for r in rows[:3]]
    near = [dict(r, id=f"{r['id']}:edited", text=_drop_paragraph(r["text"])) for r in rows[3:6]]
    with open(folder / "topics-b.jsonl.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        gz.write(b"".join(orjson.dumps(r) + b"\n" for r in rows[half:] + copies + near))
    import pyarrow as pa
    import pyarrow.parquet as pq

    dup = rows[: len(rows) // 4]  # an earlier snapshot of the same topics: exact duplicates for dedup
    table = pa.Table.from_pylist(
        [{"id": f"snapshot:{r['id']}", "text": r["text"], "title": r["meta"]["title"]} for r in dup]
    )
    pq.write_table(table, folder / "snapshot.parquet", compression="zstd")
