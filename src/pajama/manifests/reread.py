"""Re-read one record's raw bytes from its input, for `pajama manifest trace`.

A record's origin is {uri, sha256, locator}. The input is found (its URI as recorded, else relative to
the given roots), its sha256 is checked against the digest the release recorded (an input that changed
since is never trusted), then the record is re-read by the source's reader kind:

    jsonl          {line}                  the raw line
    parquet        {row}                   the raw row
    warc/wet/arc   {offset, record_id}     the record at that byte offset (sources.warc.read_record_at)
    wikipedia      {page_id, revision_id}  the page's wikitext, by streaming the dump to that page id
    stackexchange  {post_id}               the question's row and its answers' rows in Posts.xml
    anything else  by locator keys: {member} an archive member; {path} a file in a folder input, in a
                   repository tarball (below its top folder) or in a bare git repository (at the record's
                   meta.commit); {main} the main file of a submission; {} the input itself
"""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, BinaryIO

import fsspec

from pajama.errors import InputError
from pajama.storage import is_remote, local_path, sha256_file, tree_digest

MAX_RAW_BYTES = 64 << 20
_REF = re.compile(r"^[0-9A-Za-z][0-9A-Za-z._/-]*$")  # a commit id or ref name, never an option


@dataclass
class RawRecord:
    """The record as its input holds it: what kind of thing it is, its text, and identifying fields."""

    kind: str
    text: str
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass
class Reread:
    """The outcome: status is ok | unreachable | digest_mismatch | not_found | error."""

    status: str
    message: str
    path: str | None = None
    raw: RawRecord | None = None


def candidates(uri: str, roots: Iterable[str] = ()) -> list[str]:
    """Where the input may be: its URI as recorded, or a relative path below one of `roots`, then here."""
    if is_remote(uri):
        return [uri]
    path = local_path(uri) or uri
    if os.path.isabs(path):
        return [path] if os.path.exists(path) else []
    found = (os.path.join(root, path) for root in (*roots, os.getcwd()))
    return list(dict.fromkeys(os.path.abspath(c) for c in found if os.path.exists(c)))


def input_digest(path: str) -> str:
    if not is_remote(path) and os.path.isdir(path):
        return tree_digest(path)[0]
    return sha256_file(path)[0]


def reread(
    reader: str,
    origin: dict[str, Any],
    *,
    roots: Iterable[str] = (),
    check_digest: bool = True,
    hints: dict[str, Any] | None = None,
) -> Reread:
    """Find the input (the first candidate with the recorded sha256), re-read the record at its locator.

    `hints` fill locator keys the reader did not record (the commit of a bare repository's file)."""
    uri, expected = origin.get("uri") or "", origin.get("sha256")
    locator = {**(hints or {}), **(origin.get("locator") or {})}
    found = candidates(uri, roots)
    if not found:
        return Reread("unreachable", f"{uri}: not found (pass --root DIR, the folder the release was built from)")
    path = found[0]
    try:
        if check_digest and expected:
            digests = {}
            for candidate in found:
                digests[candidate] = input_digest(candidate)
                if digests[candidate] == expected:
                    path = candidate
                    break
            else:
                return Reread("digest_mismatch", f"{path}: sha256 {digests[path]} != {expected} recorded", path)
        raw = _handler(reader, locator)(path, locator)
    except FileNotFoundError as e:
        return Reread("unreachable", f"{path}: {e}", path)
    except LookupError as e:
        return Reread("not_found", f"{path}: {e.args[0] if e.args else e}", path)
    except (InputError, OSError, ValueError) as e:
        return Reread("error", f"{path}: {type(e).__name__}: {e}", path)
    checked = "verified" if check_digest and expected else "not checked"
    return Reread("ok", f"re-read from {path} (sha256 {checked})", path, raw)


def _handler(reader: str, locator: dict[str, Any]) -> Callable[[str, dict[str, Any]], RawRecord]:
    """By the reader's name, else by what the locator holds (a new reader with a familiar locator)."""
    if reader in HANDLERS:
        return HANDLERS[reader]
    by_key = {"offset": _warc, "page_id": _wiki, "post_id": _stackexchange, "line": _jsonl, "row": _parquet}
    return next((handler for key, handler in by_key.items() if key in locator), _file)


def decode(data: bytes) -> tuple[str, str]:
    """(text, encoding) for display: UTF-8 when the bytes are, or mostly are (bad bytes become U+FFFD: a
    page that mixes encodings), else cp1252, else latin-1. Never fails."""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        lossy = data.decode("utf-8", errors="replace")
    bad = lossy.count("\ufffd")
    if sum(1 for c in lossy if c > "\x7f") > 2 * bad:  # more valid multi-byte characters than bad bytes
        return lossy, f"utf-8 ({bad} bad bytes replaced)"
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def _open(path: str) -> BinaryIO:
    from pajama.storage import decompressed

    raw = fsspec.open(path, "rb").open()
    return decompressed(raw, path, max_bytes=1 << 40)


# ---------------------------------------------------------------------------------------- by reader


def _jsonl(path: str, locator: dict[str, Any]) -> RawRecord:
    line_no = int(locator["line"])
    with _open(path) as stream:
        for n, line in enumerate(stream, start=1):
            if n == line_no:
                text, encoding = decode(line.rstrip(b"\r\n"))
                return RawRecord("jsonl line", text, {"line": n, "encoding": encoding})
    raise LookupError(f"no line {line_no}")


def _parquet(path: str, locator: dict[str, Any]) -> RawRecord:
    import pyarrow.parquet as pq

    row = int(locator["row"])
    with fsspec.open(path, "rb") as f:
        pf = pq.ParquetFile(f)
        first = 0
        for group in range(pf.num_row_groups):
            n = pf.metadata.row_group(group).num_rows
            if first <= row < first + n:
                values = pf.read_row_group(group).slice(row - first, 1).to_pylist()[0]
                text = json.dumps(values, ensure_ascii=False, indent=2, default=str)
                return RawRecord("parquet row", text, {"row": row, "row_group": group})
            first += n
    raise LookupError(f"no row {row} (the file has {first})")


def _warc(path: str, locator: dict[str, Any]) -> RawRecord:
    from pajama.sources.warc import read_record_at

    record = read_record_at(path, int(locator["offset"]), max_bytes=MAX_RAW_BYTES)
    headers = dict(record.headers)
    record_id = headers.get("WARC-Record-ID")
    wanted = locator.get("record_id")
    if wanted and record_id and record_id.strip("<>") != str(wanted).strip("<>"):
        raise LookupError(f"the record at offset {locator['offset']} is {record_id}, not {wanted}")
    text, encoding = decode(record.payload)
    fields = {"offset": record.offset, "warc_type": record.warc_type, "headers": headers, "encoding": encoding}
    if record.http_status is not None:
        fields["http_status"] = record.http_status
        fields["http_headers"] = dict(record.http_headers)
    return RawRecord("warc record", text, fields)


def _wiki(path: str, locator: dict[str, Any]) -> RawRecord:
    from pajama.manifests._dumps import wiki_page

    text, fields = wiki_page(path, str(locator["page_id"]), locator.get("revision_id"))
    return RawRecord("wiki page (wikitext)", text, fields)


def _stackexchange(path: str, locator: dict[str, Any]) -> RawRecord:
    from pajama.manifests._dumps import post_rows

    text, fields = post_rows(path, str(locator["post_id"]))
    return RawRecord("stackexchange post rows", text, fields)


HANDLERS: dict[str, Callable[[str, dict[str, Any]], RawRecord]] = {
    "jsonl": _jsonl,
    "parquet": _parquet,
    "warc": _warc,
    "wet": _warc,
    "arc": _warc,
    "wikipedia": _wiki,
    "stackexchange": _stackexchange,
}


# ------------------------------------------------------------------------------- generic: files, members


def _file(path: str, locator: dict[str, Any]) -> RawRecord:
    """{path} in a folder, a bare git repo or a repository tarball; {member} of an archive; {main} of a
    submission; {} the input itself (decompressed)."""
    rel, member, main = locator.get("path"), locator.get("member"), locator.get("main")
    fields: dict[str, Any] = {k: v for k, v in (("path", rel), ("member", member), ("main", main)) if v}
    if not is_remote(path) and os.path.isdir(path):
        if rel is None:
            raise LookupError("a folder input, but the locator names no path in it")
        data = _folder_file(path, str(rel), locator.get("commit"))
        if member:  # an archive inside a folder input
            data = _member(io.BytesIO(data), str(member), path)  # type: ignore[arg-type]
        elif not main:
            data = _open_bytes(data, str(rel)).read(MAX_RAW_BYTES + 1)
    else:
        with fsspec.open(path, "rb") as f:
            if member or (rel and not main):  # a repository tarball names its files by path, top folder removed
                data = _member(f, str(member or rel), path, strip_top=not member)
            else:
                data = f.read(MAX_RAW_BYTES + 1)
        if not (member or rel or main):
            data = _open_bytes(data, path).read(MAX_RAW_BYTES + 1)
    if main:
        data = _main_of(data, str(main), path)
    text, fields["encoding"] = decode(data[:MAX_RAW_BYTES])
    kind = "archive member" if member else "main file" if main else f"file {rel}" if rel else "input file"
    return RawRecord(kind, text, fields)


def _folder_file(root: str, rel: str, commit: Any) -> bytes:
    full = os.path.join(root, *rel.split("/"))
    if os.path.isfile(full):
        with open(full, "rb") as f:
            return f.read(MAX_RAW_BYTES + 1)
    if os.path.isfile(os.path.join(root, "HEAD")) and os.path.isdir(os.path.join(root, "objects")):
        if commit is not None and not _REF.match(str(commit)):
            raise LookupError(f"not a commit: {commit!r}")
        spec = f"{commit or 'HEAD'}:{rel}"
        out = subprocess.run(["git", "--git-dir", root, "show", spec], capture_output=True, timeout=60, check=False)
        if out.returncode == 0:
            return out.stdout
        raise LookupError(f"git show {spec}: {out.stderr.decode(errors='replace').strip()}")
    raise LookupError(f"no file {rel} in {root}")


def _open_bytes(data: bytes, name: str) -> BinaryIO:
    from pajama.storage import decompressed

    return decompressed(io.BytesIO(data), name, max_bytes=MAX_RAW_BYTES)  # type: ignore[arg-type]


def _members(stream: BinaryIO, name: str) -> Iterator[tuple[str, bytes | None]]:
    from pajama.archives import ArchiveLimits, iter_members

    limits = ArchiveLimits(max_members=50_000_000, max_member_bytes=MAX_RAW_BYTES, max_total_bytes=1 << 42)
    for m in iter_members(stream, name, limits=limits):
        yield m.path, m.data


def _member(stream: BinaryIO, member: str, name: str, *, strip_top: bool = False) -> bytes:
    """One archive member by path; with strip_top, also below a single top folder (as GitHub tarballs have)."""
    below_top: bytes | None = None
    for path, body in _members(stream, name):
        if path == member or (strip_top and below_top is None and path.split("/", 1)[-1] == member):
            if body is None:
                raise LookupError(f"member {path} cannot be read (unsafe or too large)")
            if path == member:
                return body
            below_top = body
    if below_top is not None:
        return below_top
    raise LookupError(f"no member {member}")


def _main_of(data: bytes, main: str, name: str) -> bytes:
    """The main file of a submission: a member of the (compressed) tar, or the (compressed) file itself."""
    from pajama.archives import sniff_archive

    plain = _open_bytes(data, name).read(MAX_RAW_BYTES + 1)
    if sniff_archive(plain[:512], name) not in ("tar", "zip"):
        return plain
    for path, body in _members(io.BytesIO(plain), name):  # type: ignore[arg-type]
        if body is not None and (path == main or path.endswith("/" + main)):
            return body
    raise LookupError(f"no main file {main} in the submission")
