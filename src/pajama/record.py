"""The one record type that flows through every stage (DESIGN.md, "The record")."""

from __future__ import annotations

import hashlib
import unicodedata
from dataclasses import dataclass, field
from typing import Any

import orjson

ID_HEX_CHARS = 32


def make_id(source: str, *identity: str) -> str:
    """A stable id "<source>/<hex>" from the record's identity parts.

    The identity is what the input says about the record (a WARC-Record-ID, a page id, a repo path,
    or the input's name plus the record's locator): never a position in a run, never random.
    """
    h = hashlib.blake2b(digest_size=ID_HEX_CHARS // 2)
    h.update(source.encode())
    for part in identity:
        h.update(b"\x00")
        h.update(part.encode("utf-8", "surrogatepass"))
    return f"{source}/{h.hexdigest()}"


def normalize_text(text: str) -> str:
    """UTF-8 text in NFC, without NUL characters (they break many downstream tools)."""
    if "\x00" in text:
        text = text.replace("\x00", "")
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def canonical_json(value: Any) -> str:
    """Deterministic JSON (sorted keys) used wherever a value feeds a hash."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode()


@dataclass(slots=True)
class Doc:
    """What a reader yields for one document, before the engine gives it an id and a source.

    `locator` says where inside the input the record sits (byte offset and record id, member path,
    page id ...). `key`, when the input has a globally unique identity for the record (WARC-Record-ID,
    arXiv id, repo + path), makes the id independent of the input's file name.
    """

    text: str
    meta: dict[str, Any] = field(default_factory=dict)
    locator: dict[str, Any] = field(default_factory=dict)
    key: str | None = None


@dataclass(slots=True)
class Skip:
    """A record the reader deliberately did not turn into a document (counted by reason)."""

    reason: str
    locator: dict[str, Any] = field(default_factory=dict)
    detail: str = ""


@dataclass(slots=True)
class Failure:
    """A record the reader could not read (a RecordError, counted by reason).

    `reproducible` is False when the failure came from a wall-clock limit: another run of the same
    config may decide this record differently, and the manifest says so.
    """

    reason: str
    locator: dict[str, Any] = field(default_factory=dict)
    detail: str = ""
    reproducible: bool = True


ReadItem = Doc | Skip | Failure


@dataclass(slots=True)
class Record:
    """A document as every stage after the reader sees it, and as a release stores it."""

    id: str
    text: str
    source: str
    meta: dict[str, Any]
    origin: dict[str, Any]
    signals: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "text": self.text,
            "source": self.source,
            "meta": self.meta,
            "origin": self.origin,
            "signals": self.signals,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Record:
        return cls(
            id=d["id"],
            text=d["text"],
            source=d["source"],
            meta=d.get("meta") or {},
            origin=d.get("origin") or {},
            signals=d.get("signals") or {},
        )

    def add_edit(self, stage: str, **details: Any) -> None:
        """Provenance is appended, never overwritten: a stage that changes text says so here."""
        self.meta.setdefault("edits", []).append({"stage": stage, **details})
