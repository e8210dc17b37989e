"""`trace` re-reads a record through the reader that made it, looked up in the registry: plugins too."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from pajama.manifests.reread import reread
from pajama.raw import RawRecord
from pajama.record import Doc, ReadItem
from pajama.registry import register_reader
from pajama.storage import InputFile


@register_reader("test_lines_rereads")
@dataclass(frozen=True, kw_only=True)
class LinesReader:
    """One document per line; re-reads line {n}, upper-cased when `shout` (options reach the re-read)."""

    accepts_dirs: ClassVar[bool] = False
    shout: bool = False

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        for n, line in enumerate(inp.open().read().decode().splitlines()):
            yield Doc(text=line, meta={}, locator={"n": n})

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord:
        lines = Path(path).read_text().splitlines()
        if int(locator["n"]) >= len(lines):
            raise LookupError(f"no line {locator['n']}")
        line = lines[int(locator["n"])]
        return RawRecord("line", line.upper() if self.shout else line)


@register_reader("test_lines_no_reread")
@dataclass(frozen=True, kw_only=True)
class NoRereadReader:
    accepts_dirs: ClassVar[bool] = False

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        yield from ()


def _origin(path: Path, n: int) -> dict[str, Any]:
    return {"uri": str(path), "sha256": hashlib.sha256(path.read_bytes()).hexdigest(), "locator": {"n": n}}


def test_a_plugin_reader_rereads_with_the_recorded_options(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("first line\nsecond line\n")
    plain = reread("test_lines_rereads", _origin(path, 1))
    assert (plain.status, plain.raw) == ("ok", RawRecord("line", "second line"))
    shouted = reread("test_lines_rereads", _origin(path, 1), options={"shout": True})
    assert shouted.raw is not None and shouted.raw.text == "SECOND LINE"
    assert reread("test_lines_rereads", _origin(path, 5)).status == "not_found"


def test_a_reader_without_reread_says_so(tmp_path: Path) -> None:
    path = tmp_path / "in.txt"
    path.write_text("x\n")
    out = reread("test_lines_no_reread", _origin(path, 0))
    assert out.status == "unsupported" and "cannot re-read" in out.message and out.raw is None
    unknown = reread("no_such_reader", _origin(path, 0))
    assert unknown.status == "unsupported" and "unknown reader 'no_such_reader'" in unknown.message
