"""pajama.archives: safe in-memory member iteration over tar / compressed tar / zip."""

from __future__ import annotations

import bz2
import gzip
import io
import stat
import tarfile
import zipfile

import pytest
import zstandard

from pajama.archives import ArchiveLimits, Member, iter_members, safe_path, sniff_archive
from pajama.errors import InputError

FILES = {"a/one.txt": b"one\n", "a/b/two.py": b"print(2)\n" * 50, "three": b""}


def make_tar(files: dict[str, bytes], extra: list[tarfile.TarInfo] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT, pax_headers={"comment": "c0ffee"}) as tf:
        tf.addfile(_dir("a"))
        for name, data in files.items():
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        for ti in extra or []:
            tf.addfile(ti)
    return buf.getvalue()


def _dir(name: str) -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type = tarfile.DIRTYPE
    return ti


def _special(name: str, kind: bytes, link: str = "") -> tarfile.TarInfo:
    ti = tarfile.TarInfo(name)
    ti.type = kind
    ti.linkname = link
    return ti


def members(blob: bytes, name: str = "x", **limits: int) -> list[Member]:
    return list(iter_members(io.BytesIO(blob), name, limits=ArchiveLimits(**limits)))


def read_until_error(blob: bytes, name: str = "x") -> tuple[list[Member], str | None]:
    got: list[Member] = []
    try:
        for m in iter_members(io.BytesIO(blob), name, limits=ArchiveLimits()):
            got.append(m)
    except InputError as e:
        return got, e.reason
    return got, None


@pytest.mark.parametrize(
    "compress",
    [lambda b: b, gzip.compress, bz2.compress, lambda b: zstandard.ZstdCompressor().compress(b)],
    ids=["tar", "gz", "bz2", "zst"],
)
def test_tar_members_roundtrip(compress) -> None:
    info: dict[str, str] = {}
    got = list(iter_members(io.BytesIO(compress(make_tar(FILES))), "r.tar", limits=ArchiveLimits(), info=info))
    assert {m.path: m.data for m in got} == FILES
    assert all(m.skip_reason is None for m in got)
    assert info["comment"] == "c0ffee"


def test_unsafe_tar_members_are_skipped_with_reasons() -> None:
    extra = [
        _special("link", tarfile.SYMTYPE, "/etc/passwd"),
        _special("hard", tarfile.LNKTYPE, "a/one.txt"),
        _special("fifo", tarfile.FIFOTYPE),
        _special("dev", tarfile.CHRTYPE),
    ]
    files = dict(FILES, **{"/etc/evil": b"x", "../up.txt": b"x", "a/../../up2": b"x", "./a/./dot.txt": b"d"})
    got = {m.path: m for m in members(make_tar(files, extra))}
    reasons = {p: m.skip_reason for p, m in got.items() if m.skip_reason}
    assert reasons == {
        "/etc/evil": "archive.absolute_path",
        "../up.txt": "archive.path_traversal",
        "a/../../up2": "archive.path_traversal",
        "link": "archive.symlink",
        "hard": "archive.hardlink",
        "fifo": "archive.special_file",
        "dev": "archive.special_file",
    }
    assert all(got[p].data is None for p in reasons)
    assert got["a/dot.txt"].data == b"d"


def test_member_too_large_is_skipped_not_read() -> None:
    got = {m.path: m for m in members(make_tar(FILES), max_member_bytes=100)}
    assert got["a/b/two.py"].skip_reason == "archive.member_too_large"
    assert got["a/b/two.py"].data is None and got["a/b/two.py"].size == len(FILES["a/b/two.py"])
    assert got["a/one.txt"].data == b"one\n"


def test_caps_raise_after_yielding() -> None:
    blob = make_tar({f"f{i}": b"x" * 100 for i in range(10)})
    got: list[Member] = []
    with pytest.raises(InputError) as e:
        for m in iter_members(io.BytesIO(blob), "x", limits=ArchiveLimits(max_total_bytes=450)):
            got.append(m)
    assert e.value.reason == "archive.expansion_cap" and len(got) == 4
    with pytest.raises(InputError) as e:
        members(blob, max_members=5)
    assert e.value.reason == "archive.too_many_members"


def test_truncated_tar_yields_complete_members_then_raises() -> None:
    files = {f"f{i}.txt": bytes([65 + i]) * 3000 for i in range(6)}
    blob = make_tar(files)
    inside_last = blob.index(b"F" * 3000) + 100
    for data, cut in [(blob, len(blob) // 2), (blob, inside_last), (gzip.compress(blob), -4)]:
        got, reason = read_until_error(data[:cut])
        assert reason == "input.truncated", (cut, reason)
        assert all(m.data == files[m.path] for m in got)
    assert len(read_until_error(blob[:inside_last])[0]) == 5
    assert len(read_until_error(gzip.compress(blob)[:-4])[0]) == 6  # only the gzip trailer is missing
    # cut exactly after a member's data: no end-of-archive marker is still truncation
    tf_cut = blob.index(b"C" * 3000) + 3072
    got, reason = read_until_error(blob[:tf_cut])
    assert reason == "input.truncated" and [m.path for m in got] == ["f0.txt", "f1.txt", "f2.txt"]


def test_corrupt_and_foreign_inputs() -> None:
    blob = bytearray(make_tar(FILES))
    second = blob.index(b"a/b/two.py") - 0  # the header of the second file
    blob[second + 148 : second + 156] = b"0000000\0"  # bad checksum
    got, reason = read_until_error(bytes(blob))
    assert reason == "archive.corrupt"
    assert [m.path for m in got] == ["a/one.txt"]
    assert read_until_error(b"hello, not an archive" * 40)[1] == "archive.not_an_archive"
    assert read_until_error(gzip.compress(b"just one gzipped file" * 40))[1] == "archive.not_an_archive"
    assert read_until_error(gzip.compress(make_tar(FILES))[:30])[1] == "input.truncated"


def make_zip(files: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("a/", b"")
        for name, data in files.items():
            zf.writestr(name, data)
        link = zipfile.ZipInfo("link")
        link.create_system = 3
        link.external_attr = (stat.S_IFLNK | 0o777) << 16
        zf.writestr(link, b"/etc/passwd")
        zf.comment = b"zip comment"
    return buf.getvalue()


def test_zip_members_and_skips() -> None:
    info: dict[str, str] = {}
    blob = make_zip(dict(FILES, **{"../evil": b"x"}))
    got = list(iter_members(io.BytesIO(blob), "r.zip", limits=ArchiveLimits(), info=info))
    assert {m.path: m.data for m in got if m.skip_reason is None} == FILES
    assert {m.path: m.skip_reason for m in got if m.skip_reason} == {
        "../evil": "archive.path_traversal",
        "link": "archive.symlink",
    }
    assert info["comment"] == "zip comment"
    assert read_until_error(blob[: len(blob) // 2])[1] == "input.truncated"


def test_zip_bomb_is_bounded_by_actual_bytes() -> None:
    blob = make_zip({"big": b"\0" * 200_000})
    got = {m.path: m for m in members(blob, max_member_bytes=1000)}
    assert got["big"].skip_reason == "archive.member_too_large"
    with pytest.raises(InputError) as e:
        members(blob, max_total_bytes=len(blob) - 1)
    assert e.value.reason == "archive.expansion_cap"


def test_sniff_archive_and_safe_path() -> None:
    assert sniff_archive(make_tar(FILES)[:512]) == "tar"
    assert sniff_archive(make_zip(FILES)[:8]) == "zip"
    assert sniff_archive(gzip.compress(b"x")) == "gzip"
    assert sniff_archive(bz2.compress(b"x"), "a.tar.bz2") == "bz2"
    assert sniff_archive(b"\\documentclass{article}" * 30) is None
    assert safe_path("./x//y/./z") == ("x/y/z", None)
    assert safe_path("C:\\x")[1] == "archive.absolute_path"
    assert safe_path("x\\..\\..\\y")[1] == "archive.path_traversal"
