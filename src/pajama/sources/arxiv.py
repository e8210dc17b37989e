"""arXiv LaTeX sources (`reader: arxiv`), cleaned as RedPajama v1 did (see `_latex` for the differences).

One input is what arXiv's bulk source gives: a gzipped tar of one submission, a gzipped single .tex
file, a plain tar, or a tar of such submissions (the monthly bundle shape, members like
`0704/0704.0001.gz`). Members are read in memory through `pajama.archives`; nothing is extracted.
One submission is one record (its root file, see `clean_submission`): a Doc, Skip("arxiv.no_tex" |
"arxiv.no_main" | "arxiv.no_sections" | "arxiv.empty") or Failure (unsafe members, member-count and
expansion caps, a corrupt bundled file).
"""

from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, BinaryIO, ClassVar, Literal, cast

from pajama.archives import TAR_BLOCK, ArchiveLimits, Member, iter_members, sniff_archive
from pajama.errors import InputError
from pajama.raw import RawRecord, reread_file
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.registry import register_reader
from pajama.storage import CHUNK, InputFile, decompressed

from . import _latex

log = logging.getLogger(__name__)

_NEW_ID = re.compile(r"(?<![\d.])(\d{4}\.\d{4,5})(v\d+)?(?![\d])")
_OLD_ARCHIVES = (
    "acc-phys|adap-org|alg-geom|ao-sci|astro-ph|atom-ph|bayes-an|chao-dyn|chem-ph|cmp-lg|comp-gas|cond-mat"
    "|cs|dg-ga|funct-an|gr-qc|hep-ex|hep-lat|hep-ph|hep-th|math-ph|math|mtrl-th|nlin|nucl-ex|nucl-th"
    "|patt-sol|physics|plasm-ph|q-alg|q-bio|quant-ph|solv-int|supr-con"
)
_OLD_ID = re.compile(rf"(?<![A-Za-z-])({_OLD_ARCHIVES})/?(\d{{7}})(v\d+)?(?!\d)")
# a submission inside a monthly bundle: [yymm/]<id>.gz or [yymm/]<id>.pdf
_BUNDLED = re.compile(rf"^(?:\d{{4}}/)?(?:\d{{4}}\.\d{{4,5}}|(?:{_OLD_ARCHIVES})\d{{7}})(?:v\d+)?\.(?:gz|pdf)$")
_UNSAFE = {"archive.absolute_path", "archive.path_traversal", "archive.symlink", "archive.hardlink"}
_UNSAFE |= {"archive.special_file", "archive.bad_name"}
_BINARY_MAGIC = (b"%PDF", b"%!PS", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"\x1f\x8b")
_NOT_MAIN = {"cls", "sty", "clo", "bst", "bib", "bbl", "def", "cfg", "dtx", "ins", "fd", "aux", "log", "toc"}
_COMPRESSED_SUFFIX = re.compile(r"\.(?:gz|bz2|xz|zst)$")

UnusedFiles = Literal["skip", "append"]


def arxiv_id(name: str) -> tuple[str | None, str | None]:
    """(arXiv id, version) found in a file or member name: `0704.0001v2.gz`, `hep-th9901001.gz`."""
    base = name.rsplit("/", 1)[-1]
    m = _NEW_ID.search(base)
    if m:
        return m.group(1), m.group(2)
    m = _OLD_ID.search(base)
    if m:
        return f"{m.group(1)}/{m.group(2)}", m.group(3)
    return None, None


_CC = re.compile(r"creativecommons\.org/licenses/([a-z-]+)/(\d\.\d)")


def spdx_license(url: str | None) -> str:
    """SPDX id for an arXiv license URL; `arxiv-nonexclusive` for arXiv's own and for none (pre-2004 default)."""
    if not url or "arxiv.org/licenses/nonexclusive" in url:
        return "arxiv-nonexclusive"
    if "publicdomain/zero/1.0" in url:
        return "CC0-1.0"
    if "creativecommons.org/licenses/publicdomain" in url:
        return "LicenseRef-CC-PDDC"
    m = _CC.search(url)
    if m:
        return f"CC-{m.group(1).upper()}-{m.group(2)}"
    return f"LicenseRef-{url}"


@lru_cache(maxsize=2)
def load_metadata(uri: str) -> dict[str, tuple[str, list[str], str, str | None]]:
    """{id: (title, categories, license SPDX id, last version)} from an arXiv metadata snapshot (JSON lines)."""
    import orjson

    inp = InputFile(uri=uri, name=uri.rsplit("/", 1)[-1], source="arxiv-metadata")
    table: dict[str, tuple[str, list[str], str, str | None]] = {}
    bad = 0
    with decompressed(inp.open(), inp.name) as f:
        for line in f:
            try:
                row = orjson.loads(line)
                versions = row.get("versions") or []
                version = versions[-1].get("version") if versions else None
                title = " ".join(str(row.get("title") or "").split())
                cats = str(row.get("categories") or "").split()
                table[str(row["id"])] = (title, cats, spdx_license(row.get("license")), version)
            except (orjson.JSONDecodeError, KeyError, TypeError, AttributeError):
                bad += 1
    if bad:
        log.warning("%s: %d unreadable metadata lines", uri, bad)
    return table


@dataclass
class _Files:
    """Members of one submission as they stream in: text kept, binaries only counted."""

    max_members: int
    max_bytes: int
    texts: dict[str, bytes] = field(default_factory=dict)
    members: int = 0
    expanded: int = 0
    unsafe: str | None = None

    def add(self, m: Member) -> str | None:
        """Take a member; the reason when a cap is exceeded (then the member is not kept)."""
        self.members += 1
        self.expanded += m.size
        if self.members > self.max_members:
            self.texts.clear()
            return "archive.too_many_members"
        if self.expanded > self.max_bytes:
            self.texts.clear()
            return "archive.expansion_cap"
        if m.skip_reason in _UNSAFE and self.unsafe is None:
            self.unsafe = m.skip_reason
        if m.data is not None and _is_text(m.data):
            self.texts[m.path] = m.data
        return None


def _is_text(data: bytes) -> bool:
    return not data.startswith(_BINARY_MAGIC) and b"\x00" not in data[:8192]


def _extension(path: str) -> str:
    base = path.rsplit("/", 1)[-1]
    return base.rsplit(".", 1)[-1].lower() if "." in base else ""


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # old submissions: raw 8-bit accents; latin-1 never fails


@dataclass(frozen=True)
class Cleaned:
    text: str | None
    main: str | None
    reason: str | None
    roots: tuple[str, ...] = ()
    appended: tuple[str, ...] = ()


def clean_submission(texts: dict[str, bytes], unused_files: UnusedFiles = "append") -> Cleaned:
    """Root file, includes, cleaning: the submission's text, or the skip reason.

    With several roots (`_latex.find_roots`), each is resolved and cleaned and the one with the most
    cleaned text is the document (ties: the first path): a rebuttal letter or a cover page longer than
    the paper's main file, but without the paper's \\input sections, loses to the paper. With
    `unused_files="append"`, every other .tex file (other roots, files nothing includes) is cleaned on
    its own and appended in path order, which covers what RedPajama-v1's concatenation of every .tex
    file kept.
    """
    stripped = {p: _latex.strip_comments(_decode(d)) for p, d in texts.items()}
    candidates = {p: t for p, t in stripped.items() if _extension(p) not in _NOT_MAIN}
    if not any("\\" in t for t in candidates.values()):
        return Cleaned(None, None, "arxiv.no_tex")
    roots = tuple(_latex.find_roots(candidates))
    main, text, used = _best_root(roots, stripped) if roots else (None, None, set())
    appended: dict[str, str] = {}
    if unused_files == "append":  # RP-v1 keeps the sections of a submission without a root too
        appended = _unused_documents(stripped, used)
        text = "\n\n".join([t for t in (text, *appended.values()) if t]) or text
    if main is None and not appended:
        return Cleaned(None, None, "arxiv.no_main")
    if text is None:
        return Cleaned(None, main, "arxiv.no_sections", roots)
    return Cleaned(text, main, None if text else "arxiv.empty", roots, tuple(appended))


def _best_root(roots: tuple[str, ...], files: dict[str, str]) -> tuple[str, str | None, set[str]]:
    """(the root with the most cleaned text, that text, the files it inlined); ties go to the first path."""
    used: dict[str, set[str]] = {root: {root} for root in roots}
    cleaned = {root: _latex.clean_document(_latex.resolve_includes(root, files, used=used[root])) for root in roots}
    main = max(roots, key=lambda root: (len(cleaned[root] or ""), cleaned[root] is not None, -roots.index(root)))
    return main, cleaned[main], used[main]


def _unused_documents(files: dict[str, str], used: set[str]) -> dict[str, str]:
    """The non-empty cleaned text of every .tex file outside `used`, each cleaned on its own, in path order."""
    cleaned = {p: _latex.clean_document(t) for p, t in sorted(files.items()) if p.endswith(".tex") and p not in used}
    return {p: t for p, t in cleaned.items() if t}


@register_reader("arxiv")
@dataclass(frozen=True, kw_only=True)
class ArxivReader:
    """arXiv bulk source files -> one cleaned LaTeX document per submission."""

    accepts_dirs: ClassVar[bool] = False

    metadata: str | None = None
    """Path or URI of the arXiv metadata snapshot (JSON lines, optionally compressed) to join on id."""
    default_license: str | None = None
    """meta.license of a paper the metadata has no row for (or when no metadata is configured)."""
    unused_files: UnusedFiles = "append"
    """.tex files outside the chosen root's document (other roots, files nothing includes): cleaned one by
    one and appended after it (`append`, the default: RedPajama-v1 concatenated every .tex file, so its
    text has them), or left out (`skip`: only the paper, without stale drafts and letters)."""
    max_member_bytes: int = 64 << 20
    """Files of a submission larger than this are not read (figures); a bigger bundled submission fails."""
    max_submission_bytes: int = 1 << 30
    """Cap on the expanded bytes of one submission, all members (decompression bombs fail the submission)."""
    max_submission_members: int = 10_000
    max_input_members: int = 2_000_000
    """Cap on the entries of one input (a monthly bundle holds some tens of thousands)."""
    max_input_bytes: int = 256 << 30

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord:
        """The raw file: {main} of the submission, or the {member} of a bundle it came in."""
        return reread_file(path, locator)

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        data = cast(io.BufferedReader, decompressed(inp.open(), inp.name, max_bytes=self.max_input_bytes))
        kind = sniff_archive(data.peek(TAR_BLOCK)[:TAR_BLOCK], inp.name)
        if kind == "tar" or kind == "zip":
            yield from self._read_archive(data, inp)
            return
        single = _COMPRESSED_SUFFIX.sub("", inp.name.rsplit("/", 1)[-1])
        yield self._single(data, single, inp, locator={"main": single}, member=None)

    def _read_archive(self, data: BinaryIO, inp: InputFile) -> Iterator[ReadItem]:
        limits = ArchiveLimits(
            max_members=self.max_input_members,
            max_member_bytes=self.max_member_bytes,
            max_total_bytes=self.max_input_bytes,
        )
        files = _Files(max_members=self.max_submission_members, max_bytes=self.max_submission_bytes)
        bundled = 0
        for m in iter_members(data, inp.name, limits=limits):
            if _BUNDLED.match(m.path):
                bundled += 1
                yield self._bundled(m, inp)
                continue
            cap = files.add(m)
            if cap is not None and not bundled:
                yield Failure(cap, {}, f"{inp.name}: more than {files.max_members} members or {files.max_bytes} bytes")
                return
        if not bundled:
            yield self._submission(files, inp, member=None)

    def _bundled(self, m: Member, inp: InputFile) -> ReadItem:
        locator = {"member": m.path}
        if m.data is None:
            return Failure(m.skip_reason or "archive.unreadable", locator)
        if m.path.endswith(".pdf") or m.data.startswith(b"%PDF"):
            return Skip("arxiv.no_tex", locator)
        name = m.path[: -len(".gz")]
        try:
            # a generous cap: only a peek and at most max_member_bytes + 1 bytes are read through it
            cap = max(self.max_submission_bytes, self.max_member_bytes) + 2 * CHUNK
            stream = cast(io.BufferedReader, decompressed(io.BytesIO(m.data), m.path, max_bytes=cap))
            if sniff_archive(stream.peek(TAR_BLOCK)[:TAR_BLOCK], name) != "tar":
                return self._single(stream, name.rsplit("/", 1)[-1], inp, locator, member=m.path)
            limits = ArchiveLimits(
                max_members=self.max_submission_members,
                max_member_bytes=self.max_member_bytes,
                max_total_bytes=self.max_submission_bytes,
            )
            files = _Files(max_members=self.max_submission_members, max_bytes=self.max_submission_bytes)
            # the archive module decompresses again by itself, with its own caps and truncation rules
            for sub in iter_members(io.BytesIO(m.data), m.path, limits=limits):
                exceeded = files.add(sub)
                if exceeded is not None:
                    return Failure(exceeded, locator)
        except InputError as e:
            return Failure(e.reason, locator, e.message)
        return self._submission(files, inp, member=m.path)

    def _single(
        self, stream: BinaryIO, name: str, inp: InputFile, locator: dict[str, Any], member: str | None
    ) -> ReadItem:
        try:
            body = stream.read(self.max_member_bytes + 1)
        except InputError as e:
            if member is None:
                raise
            return Failure(e.reason, locator, e.message)
        if len(body) > self.max_member_bytes:
            return Failure("archive.expansion_cap", locator, f"{name}: more than {self.max_member_bytes} bytes")
        files = _Files(max_members=1, max_bytes=self.max_submission_bytes)
        files.add(Member(name, body, None, len(body)))
        return self._submission(files, inp, member=member)

    def _submission(self, files: _Files, inp: InputFile, member: str | None) -> ReadItem:
        locator: dict[str, Any] = {"member": member} if member else {}
        if files.unsafe is not None:
            return Failure(files.unsafe, locator)
        cleaned = clean_submission(files.texts, self.unused_files)
        if cleaned.main is not None:
            locator["main"] = cleaned.main
        if len(cleaned.roots) > 1:
            locator["roots"] = list(cleaned.roots)  # the other candidates, so the choice can be checked
        if cleaned.appended:
            locator["appended"] = list(cleaned.appended)
        if cleaned.text is None or cleaned.reason is not None:
            return Skip(cleaned.reason or "arxiv.empty", locator)
        aid, version = arxiv_id(member or inp.name)
        meta: dict[str, Any] = {"arxiv_id": aid, "main_file": cleaned.main}
        if self.default_license is not None:
            meta["license"] = self.default_license
        if aid is not None:
            meta["url"] = f"https://arxiv.org/abs/{aid}"
            meta.update(self._joined(aid))
        if version is not None:
            meta["version"] = version
        where = member or cleaned.main or cleaned.appended[0]  # a Doc has a root or appended files
        key = aid if aid is not None else f"{inp.name}/{where}"
        return Doc(text=cleaned.text, meta=meta, locator=locator, key=key)

    def _joined(self, aid: str) -> dict[str, Any]:
        if self.metadata is None:
            return {}
        row = load_metadata(self.metadata).get(aid)
        if row is None:
            return {}
        title, categories, license_id, version = row
        return {"title": title, "categories": categories, "license": license_id, "version": version}
