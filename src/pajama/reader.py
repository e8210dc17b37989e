"""The reader interface (STYLE.md, "Readers are generators over one input").

A reader is a frozen keyword-only dataclass registered with `@register_reader("name")`. Its fields are
the typed `options:` of a source. `read(inp)` yields `Doc`, `Skip` or `Failure` items for one input, and
raises `InputError` when the rest of the input cannot be read (after yielding what it could).
Heavy resources load lazily, so reader objects pickle cheaply to Beam and Spark workers.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar, Protocol

from pajama.record import ReadItem
from pajama.storage import InputFile


class Reader(Protocol):
    name: ClassVar[str]
    version: ClassVar[int]
    #: True when inputs may be folders (a checked-out repo, a dump folder), not only files.
    accepts_dirs: ClassVar[bool]

    def read(self, inp: InputFile) -> Iterator[ReadItem]: ...
