"""StackExchange Posts.xml: safe streaming of <row> elements and an on-disk index that groups answers.

The XML is parsed with expat configured as defusedxml does it: no entity declarations (no "billion
laughs"), no external entities, no parameter entities, no DTD loading; a DOCTYPE line alone is fine.
Rows are streamed in chunks and written to a sqlite file in a temporary folder, so a site of any size
is grouped with bounded memory (the dump's size on local disk, a few MB of RAM).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO
from xml.parsers import expat

from pajama.errors import InputError

CHUNK = 1 << 20
BATCH = 2000
POST_TYPES = {
    "3": "stackexchange.tag_wiki",  # orphaned tag wiki
    "4": "stackexchange.tag_wiki",  # tag wiki excerpt
    "5": "stackexchange.tag_wiki",
    "6": "stackexchange.moderator_nomination",
    "7": "stackexchange.wiki_placeholder",
    "8": "stackexchange.privilege_wiki",
}


def iter_rows(stream: BinaryIO, name: str, root: str = "posts") -> Iterator[dict[str, str]]:
    """The attributes of every <row> under <root>, streamed. Raises InputError after the rows it read."""
    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    rows: list[dict[str, str]] = []
    seen_root: list[str] = []

    def start(tag: str, attrs: dict[str, str]) -> None:
        if not seen_root:
            seen_root.append(tag)
            if tag != root:
                raise InputError("stackexchange.not_posts", f"{name}: root element <{tag}>, expected <{root}>")
        elif tag == "row":
            rows.append(attrs)

    def forbid_entities(*_args: Any) -> None:
        raise InputError("xml.entities_forbidden", f"{name}: declares XML entities (refused, as defusedxml does)")

    def forbid_external(*_args: Any) -> int:
        raise InputError("xml.external_entity", f"{name}: references an external entity (refused)")

    parser.StartElementHandler = start
    parser.EntityDeclHandler = forbid_entities
    parser.UnparsedEntityDeclHandler = forbid_entities
    parser.ExternalEntityRefHandler = forbid_external
    try:
        while chunk := stream.read(CHUNK):
            parser.Parse(chunk, False)
            yield from rows
            rows.clear()
        parser.Parse(b"", True)
    except expat.ExpatError as e:
        yield from rows
        raise InputError("xml.malformed", f"{name}: {expat.ErrorString(e.code)} at line {e.lineno}") from e
    except InputError:
        yield from rows
        raise
    yield from rows


@dataclass(frozen=True, slots=True)
class RowProblem:
    """A row that is not indexed: a Skip (deliberate) or a Failure (malformed), by reason."""

    reason: str
    failure: bool
    post_id: int | None
    detail: str = ""


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


class PostIndex:
    """Questions and answers of one dump in sqlite, answers keyed by their question."""

    def __init__(self, tmp_dir: str | None = None) -> None:
        self._tmp = tempfile.TemporaryDirectory(prefix="pajama-se-", dir=tmp_dir)
        self.db = sqlite3.connect(os.path.join(self._tmp.name, "posts.sqlite"), isolation_level=None)
        for pragma in ("journal_mode=MEMORY", "synchronous=OFF", "temp_store=FILE", "cache_size=-16000"):
            self.db.execute(f"PRAGMA {pragma}")
        self.db.executescript(
            """
            CREATE TABLE questions (id INTEGER PRIMARY KEY, accepted INTEGER, score INTEGER, created TEXT,
                title TEXT, body TEXT, tags TEXT, owner_id INTEGER, owner_name TEXT, skip TEXT);
            CREATE TABLE answers (id INTEGER PRIMARY KEY, parent INTEGER, score INTEGER, created TEXT,
                body TEXT, owner_id INTEGER, owner_name TEXT, skip TEXT);
            CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT);
            """
        )
        self.db.execute("BEGIN")
        self._pending: dict[str, list[tuple[Any, ...]]] = {"questions": [], "answers": [], "users": []}
        self.duplicates: list[int] = []  # ids of rows dropped because an earlier row had the same Id

    def add(self, row: dict[str, str], *, keep_closed: bool) -> RowProblem | None:
        """Index one Posts.xml row, or say why it is not indexed."""
        post_id = _int(row.get("Id"))
        kind = row.get("PostTypeId")
        if post_id is None or kind is None:
            return RowProblem("stackexchange.malformed_row", True, post_id, "no integer Id or no PostTypeId")
        if kind not in ("1", "2"):
            return RowProblem(POST_TYPES.get(kind, "stackexchange.other_post_type"), False, post_id, kind)
        body = row.get("Body")
        score = _int(row.get("Score", "0"))
        if body is None or score is None:
            return RowProblem("stackexchange.malformed_row", True, post_id, "no Body or no integer Score")
        skip = "stackexchange.deleted" if row.get("DeletionDate") else None
        owner = (_int(row.get("OwnerUserId")), row.get("OwnerDisplayName"))
        if kind == "1":
            if not row.get("Title"):
                return RowProblem("stackexchange.malformed_row", True, post_id, "question without Title")
            if skip is None and row.get("ClosedDate") and not keep_closed:
                skip = "stackexchange.closed"
            accepted = _int(row.get("AcceptedAnswerId"))
            tags = row.get("Tags", "")
            created = row.get("CreationDate", "")
            self._queue("questions", (post_id, accepted, score, created, row["Title"], body, tags, *owner, skip))
        else:
            parent = _int(row.get("ParentId"))
            if parent is None:
                return RowProblem("stackexchange.malformed_row", True, post_id, "answer without ParentId")
            self._queue("answers", (post_id, parent, score, row.get("CreationDate", ""), body, *owner, skip))
        return None

    def add_user(self, row: dict[str, str]) -> None:
        user_id = _int(row.get("Id"))
        if user_id is not None and row.get("DisplayName"):
            self._queue("users", (user_id, row["DisplayName"]))

    def _queue(self, table: str, values: tuple[Any, ...]) -> None:
        pending = self._pending[table]
        pending.append(values)
        if len(pending) >= BATCH:
            self._write(table)

    def _write(self, table: str) -> None:
        pending = self._pending[table]
        if not pending:
            return
        sql = f"INSERT INTO {table} VALUES ({','.join('?' * len(pending[0]))})"
        self.db.execute("SAVEPOINT batch")
        try:
            self.db.executemany(sql, pending)
        except sqlite3.IntegrityError:  # a repeated Id (a corrupt dump): the first row wins, row by row
            self.db.execute("ROLLBACK TO batch")
            for values in pending:
                try:
                    self.db.execute(sql, values)
                except sqlite3.IntegrityError:
                    if table != "users":
                        self.duplicates.append(values[0])
        self.db.execute("RELEASE batch")
        pending.clear()

    def finish(self) -> None:
        for table in self._pending:
            self._write(table)
        self.db.execute("CREATE INDEX answers_by_question ON answers (parent, score DESC, id)")
        self.db.execute("COMMIT")

    def questions(self) -> Iterator[tuple[Any, ...]]:
        yield from self.db.execute(
            "SELECT q.id, q.accepted, q.score, q.created, q.title, q.body, q.tags, q.owner_id,"
            " COALESCE(q.owner_name, u.name), q.skip FROM questions q LEFT JOIN users u ON u.id = q.owner_id"
            " ORDER BY q.id"
        )

    def answers_of(self, question_id: int) -> list[tuple[Any, ...]]:
        """Answers sorted by score (highest first), then by id (oldest first)."""
        return self.db.execute(
            "SELECT a.id, a.score, a.created, a.body, a.owner_id, COALESCE(a.owner_name, u.name), a.skip"
            " FROM answers a LEFT JOIN users u ON u.id = a.owner_id WHERE a.parent = ? ORDER BY a.score DESC, a.id",
            (question_id,),
        ).fetchall()

    def orphans(self) -> Iterator[int]:
        """Answers whose question is not in the dump (or is not a question)."""
        for (answer_id,) in self.db.execute(
            "SELECT id FROM answers WHERE parent NOT IN (SELECT id FROM questions) ORDER BY id"
        ):
            yield answer_id

    def counts(self) -> tuple[int, int]:
        (q,) = self.db.execute("SELECT COUNT(*) FROM questions").fetchone()
        (a,) = self.db.execute("SELECT COUNT(*) FROM answers").fetchone()
        return q, a

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()
        self._tmp.cleanup()
