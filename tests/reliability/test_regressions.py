"""Regression tests for the crashes and blow-ups this suite found, each on a small input built here."""

from __future__ import annotations

import io
import random
import time
from pathlib import Path

import pytest
import zstandard

from pajama.errors import InputError
from pajama.record import Doc, Failure
from pajama.storage import InputFile, decompressed


def _frames() -> tuple[bytes, bytes]:
    rnd = random.Random(5)
    payloads = [rnd.randbytes(rnd.randint(0, 200_000)) if i % 2 else b"ab" * rnd.randint(0, 90_000) for i in range(5)]
    with_sums = zstandard.ZstdCompressor(level=3, write_checksum=True)
    streamed = zstandard.ZstdCompressor(level=1, write_content_size=False)
    frames = [(with_sums if i % 2 else streamed).compress(p) for i, p in enumerate(payloads)]
    skippable = b"\x50\x2a\x4d\x18" + (5).to_bytes(4, "little") + b"hello"
    return frames[0] + skippable + b"".join(frames[1:]), b"".join(payloads)


def test_zstd_frames_and_truncation_at_any_byte() -> None:
    blob, payload = _frames()
    assert decompressed(io.BytesIO(blob), "x.zst").read() == payload
    for cut in range(4, len(blob), max(1, len(blob) // 200)):
        with pytest.raises(InputError) as info:
            decompressed(io.BytesIO(blob[:cut]), "x.zst").read()
        assert info.value.reason == "input.truncated", cut


def test_one_zstd_frame_of_a_gigabyte_stops_at_the_cap_without_inflating() -> None:
    """One 30 KB frame expanding to 1 GiB: was decompressed whole in memory (minutes, > 1 GB RSS)."""
    compressor = zstandard.ZstdCompressor(level=19).compressobj()
    unit = b"a" * (4 << 20)
    blob = b"".join(compressor.compress(unit) for _ in range(256)) + compressor.flush()
    started = time.monotonic()
    with pytest.raises(InputError) as info:
        stream = decompressed(io.BytesIO(blob), "bomb.zst", max_bytes=8 << 20)
        while stream.read(1 << 20):
            pass
    assert info.value.reason == "input.expansion_cap"
    assert time.monotonic() - started < 10  # it took minutes when the frame was inflated at once


WET = (
    "WARC/1.0\r\nWARC-Type: conversion\r\nWARC-Record-ID: <urn:uuid:{n}>\r\nWARC-Target-URI: https://x.example/{n}\r\n"
    "WARC-Date: 2024-01-01T00:00:00Z\r\nWARC-Block-Digest: {digest}\r\nContent-Type: text/plain\r\n"
    "Content-Length: {length}\r\n\r\n{body}\r\n\r\n"
)


# each of these made warcio raise mid-record (binascii.Error, ValueError, TypeError), ending the input
# (or, for TypeError, the whole run); "nosuchalgo" was already reported by warcio itself
@pytest.mark.parametrize("digest", ["sha1:AAAAA", "sha1:\x80\x81", "sha1:" + "Z" * 50, "sha\x00:AAAA", "nosuchalgo:AA"])
def test_undecodable_warc_digest_is_one_failure_not_the_end_of_the_input(tmp_path: Path, digest: str) -> None:
    from pajama.sources.warc import WetReader

    body = "Plain text of a page that has enough words to be a document of its own."
    records = [WET.format(n=i, digest=d, length=len(body), body=body) for i, d in ((1, digest), (2, ""))]
    records[1] = records[1].replace("WARC-Block-Digest: \r\n", "")
    path = tmp_path / "x.warc.wet"
    path.write_bytes("".join(records).encode("utf-8", "surrogateescape"))
    items = list(WetReader(lid=False).read(InputFile(uri=str(path), name=path.name, source="t")))
    assert [type(i) for i in items] == [Failure, Doc]
    assert items[0].reason == "warc.digest_unverifiable"
