"""Books: Project Gutenberg plain-text e-books, one book per file (`reader: books`).

Inputs are `.txt`, `.txt.gz` (any compression `decompressed` knows) or `.zip` files holding one book,
or folders of such files (PG19's `train/ validation/ test/` layout with its `metadata.csv`, or a
GITenberg checkout with its `metadata.yaml`). The Project Gutenberg header, footer and license are cut
(see `_gutenberg.strip`); the book's own title page and body are kept and, by default, unwrapped into
paragraphs. A file whose text still holds boilerplate after stripping (no markers found, or markers that
did not cover it) is skipped, or with `missing_markers: keep` kept with every boilerplate paragraph
removed and `meta.gutenberg_markers` saying so: it is never passed on with the boilerplate inside.

License, from evidence only (meta.license_evidence lists it, as the github reader does): the catalog's rights
statement (`rights`, `rights_url`: "CC BY-NC" with creativecommons.org/licenses/by-nc/4.0/ is CC-BY-NC-4.0;
a copyrighted header adds LicenseRef-PG-copyrighted to it with AND), else the Project Gutenberg header
("This is a COPYRIGHTED Project Gutenberg eBook": LicenseRef-PG-copyrighted;
otherwise START/END markers or the 1990s small print: PD-US, the status Project Gutenberg states for its texts),
else an entry for the ebook id in a catalog without rights (PG19's metadata.csv: a PG text, PD-US).
A file with neither (a 5-byte "hello") is LicenseRef-unknown, which every license policy drops as
license.unknown.

Doc.key is "pg<ebook id>/<input name>[/<member>]": two editions of one book (84-0.txt and frank10.txt)
get different ids, and each keeps its id from run to run.
"""

from __future__ import annotations

import functools
import io
import os
import posixpath
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar, Literal, cast

import yaml

from pajama.errors import InputError
from pajama.licenses import rights
from pajama.licenses.expr import join
from pajama.raw import RawRecord, reread_file
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.registry import register_reader
from pajama.sources import _gutenberg as pg
from pajama.storage import InputFile, decompressed, local_path, walk_files

BOOK_SUFFIXES = (".txt", ".txt.gz", ".txt.bz2", ".txt.xz", ".txt.zst", ".zip")
FOLDER_CATALOGS = ("metadata.csv", "metadata.yaml", "metadata.json")
_ID_IN_NAME = re.compile(r"^(?:pg)?(\d+)(?=[-_.]|$)", re.IGNORECASE)


@register_reader("books")
@dataclass(frozen=True, kw_only=True)
class BooksReader:
    """Project Gutenberg books: header/footer/license stripped, paragraphs unwrapped, header metadata."""

    accepts_dirs: ClassVar[bool] = True

    license: str = "PD-US"
    """meta.license of a book whose Project Gutenberg markers are its only evidence (PG texts are public
    domain in the USA)."""
    copyrighted_license: str = "LicenseRef-PG-copyrighted"
    """meta.license of books whose header says "This is a COPYRIGHTED Project Gutenberg eBook"."""
    unknown_license: str = "LicenseRef-unknown"
    """meta.license of a file with no evidence at all (no catalog rights, no Gutenberg markers)."""
    metadata: str | None = None
    """A catalog whose title/author/language/date override the header's: a GITenberg-style JSON map
    (ebook id -> metadata.yaml text or mapping), a metadata.yaml, PG19's metadata.csv or pg_catalog.csv."""
    missing_markers: Literal["skip", "keep"] = "skip"
    """A file that still holds boilerplate after stripping: skip it, or keep it minus those paragraphs."""
    unwrap: bool = True
    """Join hard-wrapped lines into paragraphs (verse, tables and title pages keep their lines)."""
    max_book_bytes: int = 256 << 20
    """Largest decompressed book (bomb guard); Project Gutenberg's largest texts are about 20 MB."""

    def __post_init__(self) -> None:
        path = local_path(self.metadata) if self.metadata else None
        if path is not None and not os.path.isfile(path):
            raise ValueError(f"metadata: no such file {self.metadata!r}")
        if path is not None:  # a catalog that cannot be read fails the config, before any work starts
            try:
                load_catalog(path)
            except (OSError, ValueError, yaml.YAMLError) as e:
                raise ValueError(f"metadata: cannot read {self.metadata!r}: {e}") from None

    def reread(self, path: str, locator: dict[str, Any]) -> RawRecord:
        """The raw file: the book file, or its {member} of an archive (pajama.raw.reread_file)."""
        return reread_file(path, locator)

    def read(self, inp: InputFile) -> Iterator[ReadItem]:
        catalog = load_catalog(self.metadata) if self.metadata else {}
        if inp.is_dir:
            yield from self._read_folder(inp, catalog)
            return
        stream = cast(io.BufferedReader, inp.open())  # open() buffers: peek works
        if inp.name.lower().endswith(".zip") or stream.peek(4)[:4] == b"PK\x03\x04":
            yield from self._read_zip(stream, inp.name, catalog)
            return
        yield self.parse(self._read_capped(stream, inp.name), inp.name, catalog=catalog)

    def _read_zip(self, stream: Any, name: str, catalog: dict[int, dict[str, Any]]) -> Iterator[ReadItem]:
        from pajama.archives import ArchiveLimits, iter_members

        limits = ArchiveLimits(max_member_bytes=self.max_book_bytes, max_total_bytes=4 * self.max_book_bytes)
        for member in iter_members(stream, name, limits=limits):
            locator = {"member": member.path}
            if member.data is None:
                yield Skip(member.skip_reason or "archive.unreadable_member", locator)
            elif not member.path.lower().endswith(".txt"):
                yield Skip("books.not_text", locator)
            else:
                yield self.parse(member.data, f"{name}/{member.path}", catalog=catalog, locator=locator)

    def _read_folder(self, inp: InputFile, catalog: dict[int, dict[str, Any]]) -> Iterator[ReadItem]:
        root = inp.local_path
        if root is None:
            raise InputError("books.remote_folder", f"{inp.uri}: folder inputs must be local")
        folder_catalog: dict[int, dict[str, Any]] = {}
        for name in FOLDER_CATALOGS:
            if os.path.isfile(os.path.join(root, name)):
                folder_catalog.update(load_catalog(os.path.join(root, name)))
        catalog = {**folder_catalog, **catalog}  # the configured catalog wins
        for rel in sorted(walk_files(root)):
            rel_posix = rel.replace(os.sep, "/")
            locator = {"path": rel_posix}
            if posixpath.basename(rel_posix) in FOLDER_CATALOGS:
                continue
            if os.path.islink(os.path.join(root, rel)):  # never follow a link out of the input
                yield Skip("books.symlink", locator)
                continue
            if not rel_posix.lower().endswith(BOOK_SUFFIXES):
                yield Skip("books.not_text", locator)
                continue
            yield from self._read_folder_file(os.path.join(root, rel), f"{inp.name}/{rel_posix}", locator, catalog)

    def _read_folder_file(
        self, path: str, name: str, locator: dict[str, Any], catalog: dict[int, dict[str, Any]]
    ) -> Iterator[ReadItem]:
        try:
            with open(path, "rb") as f:
                if name.lower().endswith(".zip"):
                    for item in self._read_zip(f, name, catalog):
                        item.locator = {**locator, **item.locator}
                        yield item
                    return
                data = self._read_capped(f, name)
        except (OSError, InputError) as e:
            yield Failure(getattr(e, "reason", "books.unreadable"), locator, str(e))
            return
        yield self.parse(data, name, catalog=catalog, locator=locator)

    def _read_capped(self, stream: Any, name: str) -> bytes:
        data: bytes = decompressed(stream, name, max_bytes=self.max_book_bytes).read(self.max_book_bytes + 1)
        if len(data) > self.max_book_bytes:
            raise InputError("books.too_large", f"{name}: more than {self.max_book_bytes} bytes for one book")
        return data

    def parse(
        self,
        data: bytes,
        name: str,
        *,
        catalog: dict[int, dict[str, Any]] | None = None,
        locator: dict[str, Any] | None = None,
    ) -> Doc | Skip:
        """One book from its raw bytes; `name` is its file name (or input name + member path)."""
        locator = dict(locator or {})
        text, encoding = pg.decode(data)
        stripped = pg.strip(text)
        body = stripped.text
        markers = stripped.markers
        residue = pg.boilerplate_in(body)
        if residue:
            reason = "books.no_markers" if markers == "none" else "books.boilerplate_residue"
            if self.missing_markers == "skip":
                return Skip(reason, locator, "; ".join(residue))
            body = pg.remove_boilerplate_paragraphs(body)
            markers = f"{markers}+phrases_removed"
        if not body.strip():
            return Skip("books.empty", locator)
        meta = self._meta(stripped.meta, name, catalog or {})
        listed = meta.get("ebook_id") in (catalog or {})
        meta.update(self._license(stripped.meta, stripped.markers, meta, listed=listed))
        meta.update(encoding=encoding, gutenberg_markers=markers, file=posixpath.basename(name))
        ebook_id = meta.get("ebook_id")
        return Doc(pg.unwrap(body) if self.unwrap else body, meta, locator, f"pg{ebook_id or ''}/{name}")

    def _meta(self, header: dict[str, Any], name: str, catalog: dict[int, dict[str, Any]]) -> dict[str, Any]:
        meta: dict[str, Any] = {k: v for k, v in header.items() if k != "copyrighted"}
        if "ebook_id" not in meta and (m := _ID_IN_NAME.match(posixpath.basename(name))):
            meta["ebook_id"] = int(m.group(1))
        ebook_id = meta.get("ebook_id")
        meta.update({k: v for k, v in catalog.get(ebook_id, {}).items() if v})  # type: ignore[arg-type]
        if ebook_id is not None:
            meta["url"] = f"https://www.gutenberg.org/ebooks/{ebook_id}"
        return meta

    def _license(self, header: dict[str, Any], markers: str, meta: dict[str, Any], *, listed: bool) -> dict[str, Any]:
        """meta.license and meta.license_evidence, strongest evidence first (module docstring)."""
        evidence: list[dict[str, Any]] = []
        if meta.get("rights") or meta.get("rights_url"):
            stated = rights.spdx_of(meta.get("rights"), meta.get("rights_url"))
            detail = "; ".join(str(meta[k]) for k in ("rights", "rights_url") if meta.get(k))
            evidence.append({"file": "catalog", "method": "catalog_rights", "license": stated or self.unknown_license})
            evidence[-1]["detail"] = detail
        if header.get("copyrighted"):
            evidence.append({"file": "header", "method": "gutenberg_header", "license": self.copyrighted_license})
            evidence[-1]["detail"] = "This is a COPYRIGHTED Project Gutenberg eBook"
        elif markers != "none":
            evidence.append({"file": "header", "method": "gutenberg_markers", "license": self.license})
            evidence[-1]["detail"] = f"Project Gutenberg markers: {markers}"
        elif listed:  # PG19's metadata.csv or pg_catalog.csv lists it by its ebook id: a Project Gutenberg text
            evidence.append({"file": "catalog", "method": "catalog_entry", "license": self.license})
            evidence[-1]["detail"] = f"ebook {meta.get('ebook_id')} is in the catalog"
        found: list[str] = [e["license"] for e in evidence if e["license"] != self.unknown_license]
        if not found:
            return {"license": self.unknown_license, "license_evidence": evidence}
        # the catalog decides; a copyrighted header adds its restriction to the catalog's terms
        restrict = [found[-1]] if header.get("copyrighted") and len(found) > 1 else []
        return {"license": join("AND", [found[0], *restrict]), "license_evidence": evidence}


@functools.lru_cache(maxsize=8)
def load_catalog(path: str) -> dict[int, dict[str, Any]]:
    """ebook id -> {title, author, language, release_date, rights}, read once per worker."""
    from pajama.sources import _gutenberg_catalog

    return _gutenberg_catalog.load(path)
