"""Re-reading one StackExchange question and its answers from a dump (folder, Posts.xml, .7z), for trace.

XML is parsed with defusedxml (no entities, no external resources); a .7z is opened with py7zr and only
its Posts.xml is extracted, into a temporary folder that is removed afterwards.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from pajama.storage import decompressed

SEVEN_ZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
COMPRESSED = ("", ".gz", ".bz2", ".xz", ".zst")


def post_rows(path: str, post_id: str) -> tuple[str, dict[str, Any]]:
    """The question's <row> and its answers' rows as XML text, and identifying fields."""
    from xml.sax.saxutils import quoteattr

    question, answers = question_rows(path, post_id)
    if question is None:
        raise LookupError(f"no row with Id {post_id} in Posts.xml")
    rows = [" ".join(f"{k}={quoteattr(v)}" for k, v in row.items()) for row in (question, *answers)]
    text = "\n".join(f"<row {attrs} />" for attrs in rows)
    return text, {"post_id": post_id, "title": question.get("Title"), "answers": [a.get("Id") for a in answers]}


def question_rows(path: str, post_id: str) -> tuple[dict[str, str] | None, list[dict[str, str]]]:
    """(the row with Id == post_id, the rows whose ParentId is post_id) from the dump at `path`."""
    question: dict[str, str] | None = None
    answers: list[dict[str, str]] = []
    with _posts(path) as stream:
        for row in _rows(stream):
            if row.get("Id") == post_id:
                question = row
            elif row.get("ParentId") == post_id:
                answers.append(row)
    return question, answers


def _rows(stream: BinaryIO) -> Iterator[dict[str, str]]:
    from defusedxml.ElementTree import iterparse

    root = None
    for event, elem in iterparse(stream, events=("start", "end")):
        if root is None:
            root = elem
        if event == "end" and elem.tag == "row":
            yield dict(elem.attrib)
            root.clear()


@contextmanager
def _posts(path: str) -> Iterator[BinaryIO]:
    if os.path.isdir(path):
        names = {n.lower(): n for n in os.listdir(path)}
        for suffix in COMPRESSED:
            if "posts.xml" + suffix in names:
                with open(os.path.join(path, names["posts.xml" + suffix]), "rb") as f:
                    yield decompressed(f, names["posts.xml" + suffix])  # type: ignore[arg-type]
                return
        archives = sorted(n for n in os.listdir(path) if n.lower().endswith(".7z"))
        if not archives:
            raise LookupError("no Posts.xml in the folder")
        with _from_7z(os.path.join(path, archives[0])) as stream:
            yield stream
        return
    with open(path, "rb") as f:
        is_7z = f.read(6) == SEVEN_ZIP_MAGIC
    if is_7z:
        with _from_7z(path) as stream:
            yield stream
        return
    with open(path, "rb") as f:
        yield decompressed(f, path)  # type: ignore[arg-type]


@contextmanager
def _from_7z(path: str) -> Iterator[BinaryIO]:
    import py7zr

    with tempfile.TemporaryDirectory(prefix="pajama-trace-") as scratch, py7zr.SevenZipFile(path, "r") as archive:
        member = next((i.filename for i in archive.list() if os.path.basename(i.filename).lower() == "posts.xml"), None)
        if member is None or ".." in member.replace("\\", "/").split("/") or os.path.isabs(member):
            raise LookupError(f"no safe Posts.xml in {path}")
        archive.extract(path=scratch, targets=[member])
        with open(os.path.join(scratch, member), "rb") as f:
            yield f
