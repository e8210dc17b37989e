"""The reader interface (STYLE.md, "Readers are generators over one input").

A reader is a frozen keyword-only dataclass registered with `@register_reader("name")`. Its fields are
the typed `options:` of a source. `read(inp)` yields `Doc`, `Skip` or `Failure` items for one input, and
raises `InputError` when the rest of the input cannot be read (after yielding what it could).
Heavy resources load lazily, so reader objects pickle cheaply to Beam and Spark workers.

A reader that can find one of its records again by the locator it gave it also has
`reread(path, locator) -> RawRecord` (`Rereads`): `pajama manifest trace` then shows the record as the
input holds it. It raises LookupError when the locator names nothing in that input. Shared helpers for
archive members and folder files are in pajama.raw.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar, Protocol, runtime_checkable

from pajama.raw import RawRecord
from pajama.record import ReadItem
from pajama.storage import InputFile


class Reader(Protocol):
    name: ClassVar[str]
    version: ClassVar[int]
    #: True when inputs may be folders (a checked-out repo, a dump folder), not only files.
    accepts_dirs: ClassVar[bool]

    def read(self, inp: InputFile) -> Iterator[ReadItem]: ...


@runtime_checkable
class Rereads(Protocol):
    """The optional re-read of one record, by the locator `read` recorded for it."""

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord: ...
