"""StackExchange: one document per question, with its answers (`reader: stackexchange`).

An input is a site's dump folder (Posts.xml, plain or compressed, or the site's .7z; Users.xml there
gives authors' display names), a Posts.xml file (plain, .gz, .bz2, .xz, .zst), or a .7z holding it.
Pass 1 streams the rows into an on-disk index (`_se_posts.PostIndex`, bounded memory whatever the size);
pass 2 walks the questions in id order and joins each with its answers sorted by score.

Every row of Posts.xml is accounted for: a question becomes a document (or a Skip: deleted, too few
answers, closed with `closed: skip`); an answer is folded into its question's document and counted as
`stackexchange.answer_in_question`, or skipped (deleted, orphan, low score, its question skipped);
tag wikis and other post types are skipped by kind; unreadable rows are Failures
(`stackexchange.malformed_row`, `stackexchange.duplicate_id`). Doc.key is "<site>/<question id>".
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, BinaryIO, ClassVar, Literal, cast

from pajama.errors import InputError
from pajama.raw import RawRecord
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.registry import register_reader
from pajama.sources._se_docs import Post, document, site_from_name
from pajama.sources._se_posts import PostIndex, iter_rows
from pajama.storage import CHUNK, InputFile, decompressed

log = logging.getLogger(__name__)

SEVEN_ZIP_MAGIC = b"7z\xbc\xaf\x27\x1c"
DUMP_FILES = {"posts": "posts.xml", "users": "users.xml"}
COMPRESSED = ("", ".gz", ".bz2", ".xz", ".zst")


@register_reader("stackexchange")
@dataclass(frozen=True, kw_only=True)
class StackExchangeReader:
    """StackExchange dumps: questions with their answers sorted by score, CC BY-SA with attribution."""

    accepts_dirs: ClassVar[bool] = True

    site: str | None = None
    """The site's domain (e.g. beer.stackexchange.com); by default read from the folder or file name."""
    license: str | None = None
    """An SPDX license for every document, instead of the CC BY-SA version each post's date implies."""
    closed: Literal["skip", "keep"] = "keep"
    """Closed questions (ClosedDate set) and their answers: keep them (RedPajama-v1 keeps them; closing is a
    moderation state, not a quality verdict), or skip them as `stackexchange.closed`."""
    min_answers: int = 0
    """Questions with fewer (kept) answers are skipped as `stackexchange.too_few_answers`."""
    min_answer_score: int | None = None
    """Answers scored below this are skipped as `stackexchange.low_score_answer` (None keeps all)."""
    tmp_dir: str | None = None
    """Where the on-disk index (about the size of the uncompressed Posts.xml) goes; default: system temp."""
    max_bytes: int = 1 << 40
    """Largest uncompressed Posts.xml accepted (decompression bomb guard)."""

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord:
        """The question's row {post_id} and its answers' rows in Posts.xml, for `pajama manifest trace`."""
        from pajama.sources._se_reread import post_rows

        text, fields = post_rows(path, str(locator["post_id"]))
        return RawRecord("stackexchange post rows", text, fields)

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        site = self.site or site_from_name(inp.name, inp.uri)
        if site is None:
            raise InputError("stackexchange.unknown_site", f"{inp.uri}: cannot tell the site; set options.site")
        with tempfile.TemporaryDirectory(prefix="pajama-se-dump-", dir=self.tmp_dir) as scratch:
            posts, users = _dump_files(inp, scratch, self.max_bytes)
            index = PostIndex(self.tmp_dir)
            try:
                yield from self._read(index, site, posts, users, inp.name)
            finally:
                index.close()

    def _read(self, index: PostIndex, site: str, posts: Any, users: str | None, name: str) -> Iterator[ReadItem]:
        error: InputError | None = None
        try:
            with _opened(posts, name, self.max_bytes) as stream:
                for row in iter_rows(stream, name):
                    problem = index.add(row, keep_closed=self.closed == "keep")
                    if problem is not None:
                        locator = {"post_id": problem.post_id} if problem.post_id is not None else {}
                        kind = Failure if problem.failure else Skip
                        yield kind(problem.reason, locator, problem.detail)
                    yield from _duplicates(index)
        except InputError as e:  # what was read is still indexed and emitted; the error is raised after it
            error = e
        if users is not None:
            _load_users(index, users, self.max_bytes)
        index.finish()
        yield from _duplicates(index)
        yield from self._documents(index, site)
        for answer_id in index.orphans():
            yield Skip("stackexchange.orphan_answer", {"post_id": answer_id})
        if error is not None:
            raise error

    def _documents(self, index: PostIndex, site: str) -> Iterator[ReadItem]:
        for qid, accepted, score, created, title, body, tags, owner_id, owner_name, skip in index.questions():
            rows = index.answers_of(qid)
            if skip is not None:
                yield Skip(skip, {"post_id": qid})
                for row in rows:
                    yield Skip(row[6] or skip, {"post_id": row[0], "question_id": qid})
                continue
            answers: list[Post] = []
            for aid, ascore, acreated, abody, aowner_id, aowner_name, askip in rows:
                too_low = self.min_answer_score is not None and ascore < self.min_answer_score
                if askip or too_low:
                    yield Skip(askip or "stackexchange.low_score_answer", {"post_id": aid, "question_id": qid})
                    continue
                answers.append(Post(aid, ascore, acreated, abody, aowner_id, aowner_name))
            merged = "stackexchange.answer_in_question"
            if len(answers) < self.min_answers:
                yield Skip("stackexchange.too_few_answers", {"post_id": qid})
                merged = "stackexchange.too_few_answers"
            else:
                question = Post(qid, score, created, body, owner_id, owner_name)
                text, meta = document(
                    site=site, question=question, title=title, tags=tags, answers=answers,
                    accepted_id=accepted, license_override=self.license,
                )  # fmt: skip
                yield Doc(text, meta, {"post_id": qid}, f"{site}/{qid}")
            for answer in answers:
                yield Skip(merged, {"post_id": answer.id, "question_id": qid})


def _duplicates(index: PostIndex) -> Iterator[ReadItem]:
    for post_id in index.duplicates:
        yield Failure("stackexchange.duplicate_id", {"post_id": post_id}, "an earlier row has this Id")
    index.duplicates.clear()


def _load_users(index: PostIndex, path: str, max_bytes: int) -> None:
    """Display names for the attribution; a broken Users.xml only costs the names, never the posts."""
    try:
        with _opened(path, path, max_bytes) as stream:
            for row in iter_rows(stream, path, root="users"):
                index.add_user(row)
    except (InputError, OSError) as e:
        log.warning("ignoring %s: %s", path, e)


@contextlib.contextmanager
def _opened(source: Any, name: str, max_bytes: int) -> Iterator[BinaryIO]:
    """A decompressed stream over a local path or an already open input stream."""
    if isinstance(source, str):
        with open(source, "rb") as f:
            yield decompressed(f, source, max_bytes=max_bytes)  # type: ignore[arg-type]
    else:
        yield decompressed(source, name, max_bytes=max_bytes)


def _dump_files(inp: InputFile, scratch: str, max_bytes: int) -> tuple[Any, str | None]:
    """(Posts.xml as a local path or an open stream, Users.xml local path or None) for one input."""
    if inp.is_dir:
        root = inp.local_path
        if root is None:
            raise InputError("stackexchange.remote_folder", f"{inp.uri}: folder inputs must be local")
        found = {kind: _find(root, file) for kind, file in DUMP_FILES.items()}
        if found["posts"] is None:
            archives = sorted(f for f in os.listdir(root) if f.lower().endswith(".7z"))
            for archive in archives:
                extracted = _extract_7z(os.path.join(root, archive), scratch, max_bytes)
                found = {k: found[k] or extracted.get(k) for k in DUMP_FILES}
        if found["posts"] is None:
            raise InputError("stackexchange.no_posts", f"{inp.uri}: no Posts.xml in the folder")
        return found["posts"], found["users"]
    stream = cast(io.BufferedReader, inp.open())  # open() buffers: peek works
    if stream.peek(6)[:6] != SEVEN_ZIP_MAGIC:
        return stream, None
    path = inp.local_path
    if path is None:  # py7zr needs a seekable file: copy the remote archive (hashed while copying)
        path = os.path.join(scratch, "dump.7z")
        with open(path, "wb") as out:
            shutil.copyfileobj(stream, out, CHUNK)
    extracted = _extract_7z(path, scratch, max_bytes)
    if "posts" not in extracted:
        raise InputError("stackexchange.no_posts", f"{inp.uri}: no Posts.xml in the archive")
    return extracted["posts"], extracted.get("users")


def _find(root: str, file: str) -> str | None:
    names = {n.lower(): n for n in os.listdir(root)}
    for suffix in COMPRESSED:
        if file + suffix in names:
            return os.path.join(root, names[file + suffix])
    return None


def _extract_7z(path: str, dest: str, max_bytes: int) -> dict[str, str]:
    """Extract Posts.xml and Users.xml (wherever they sit in the archive) into `dest`."""
    try:
        import py7zr
    except ImportError as e:
        raise InputError("stackexchange.no_7z_support", f"{path}: reading .7z needs py7zr") from e
    from pajama.archives import safe_path

    try:
        with py7zr.SevenZipFile(path, "r") as archive:
            wanted: dict[str, str] = {}
            for info in archive.list():
                member, unsafe = safe_path(info.filename)
                kind = next((k for k, f in DUMP_FILES.items() if os.path.basename(member).lower() == f), None)
                if kind is None or unsafe or info.is_directory or kind in wanted:
                    continue
                if (info.uncompressed or 0) > max_bytes:
                    raise InputError("input.expansion_cap", f"{path}: {member} expands beyond {max_bytes} bytes")
                wanted[kind] = member
            if wanted:
                archive.extract(path=dest, targets=list(wanted.values()))
    except (py7zr.exceptions.Bad7zFile, py7zr.exceptions.ArchiveError, EOFError, OSError) as e:
        raise InputError("archive.corrupt", f"{path}: {e}") from e
    return {kind: os.path.join(dest, member) for kind, member in wanted.items()}
