"""Builders of hostile inputs: path traversal, links, decompression bombs, huge lines, XML bombs, bad bytes.

Everything is generated small on disk: bombs are concatenated compressed members or streams, so a
"1 GiB" input costs a megabyte of disk and a few milliseconds to build.
"""

from __future__ import annotations

import bz2
import gzip
import io
import tarfile
import zipfile
import zlib
from pathlib import Path

import zstandard

GIB = 1 << 30
MIB = 1 << 20


def wiki_head(path: Path) -> bytes:
    """The dump's opening, with a dbname of its own per file (page ids repeat between files; keys may not)."""
    dbname = "".join(c for c in path.name.split(".")[0].lower() if c.isalpha()) + "wiki"
    return (
        b'<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.10/" xml:lang="en">\n'
        b"<siteinfo><dbname>" + dbname.encode() + b"</dbname><base>https://evil.example/wiki/Main</base></siteinfo>\n"
    )


def wiki_page(page_id: int, text: str, title: str | None = None) -> bytes:
    title = title or f"Page {page_id}"
    return (
        f"<page><title>{title}</title><ns>0</ns><id>{page_id}</id><revision><id>{page_id}0</id>"
        f"<model>wikitext</model><text>{text}</text></revision></page>\n"
    ).encode()


GOOD_WIKITEXT = "'''Harmless''' is a page about [[safety]]. It has a few plain sentences of prose to keep."


def _repeat_members(compress: object, head: bytes, unit: bytes, count: int, tail: bytes) -> bytes:
    """head + unit * count + tail, as concatenated compressed members (each unit compressed once)."""
    c = compress  # gzip.compress / bz2.compress / a zstd compressor's compress: all concatenate cleanly
    unit_z = c(unit)  # type: ignore[operator]
    return c(head) + unit_z * count + c(tail)  # type: ignore[operator]


def gzip_single_line_jsonl(path: Path, line_bytes: int = GIB) -> int:
    """A .jsonl.gz whose first line is one JSON document of `line_bytes` bytes, then one normal line."""
    unit = b"a" * MIB
    head = b'{"id": "huge", "text": "'
    tail = b'"}\n{"id": "after", "text": "the line after the huge one is still read"}\n'
    path.write_bytes(_repeat_members(lambda b: gzip.compress(b, 9), head, unit, line_bytes // MIB, tail))
    return line_bytes


def wiki_bomb(path: Path, kind: str, expanded: int) -> None:
    """A wiki dump whose one page's text expands to `expanded` bytes under gzip, bz2 or zstd."""
    compress = {
        "gzip": lambda b: gzip.compress(b, 9),
        "bz2": lambda b: bz2.compress(b, 9),
        "zstd": zstandard.ZstdCompressor(level=19).compress,
    }[kind]
    head = wiki_head(path) + wiki_page(1, GOOD_WIKITEXT).replace(b"</page>\n", b"</page>\n<page><title>Bomb</title>")
    head += b"<ns>0</ns><id>2</id><revision><text>"
    unit = b"a" * (4 * MIB)
    path.write_bytes(_repeat_members(compress, head, unit, expanded // (4 * MIB), b"</text></revision></page>"))


def billion_laughs_wiki(path: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    doctype = "<!DOCTYPE mediawiki [\n" + "\n".join(entities) + "\n]>\n"
    body = wiki_head(path) + wiki_page(1, "&lol9;")
    path.write_bytes(b'<?xml version="1.0"?>\n' + doctype.encode() + body + b"</mediawiki>\n")


def external_entity_wiki(path: Path, target: Path) -> None:
    doctype = f'<!DOCTYPE mediawiki [<!ENTITY xxe SYSTEM "file://{target}">]>\n'
    body = wiki_head(path) + wiki_page(1, "&xxe;")
    path.write_bytes(b'<?xml version="1.0"?>\n' + doctype.encode() + body + b"</mediawiki>\n")


def deep_xml_wiki(path: Path, depth: int) -> None:
    """A good page, then a page whose revision holds `depth` nested elements."""
    nested = b"<x>" * depth + b"deep" + b"</x>" * depth
    evil = b"<page><title>Deep</title><ns>0</ns><id>2</id><revision><id>20</id>" + nested + b"<text>t</text>"
    evil += b"</revision></page>\n"
    path.write_bytes(wiki_head(path) + wiki_page(1, GOOD_WIKITEXT) + evil + b"</mediawiki>\n")


def deep_wikitext_wiki(path: Path, depth: int) -> None:
    """Wikitext nested `depth` deep in templates and links (parser recursion), one page each."""
    templates = "{{a|" * depth + "x" + "}}" * depth
    links = "[[a|" * depth + "x" + "]]" * depth
    pages = wiki_page(1, GOOD_WIKITEXT) + wiki_page(2, templates) + wiki_page(3, links)
    path.write_bytes(wiki_head(path) + pages + b"</mediawiki>\n")


def bad_bytes_wiki(path: Path) -> None:
    """Invalid UTF-8 inside a page's text (replaced), then a raw NUL byte (not XML: ends the input)."""
    bad = wiki_page(2, "caf@@ bytes").replace(b"@@", b"\xc3\x28\xff")
    nul = wiki_page(3, "nul").replace(b"nul", b"n\x00l")
    path.write_bytes(wiki_head(path) + wiki_page(1, GOOD_WIKITEXT) + bad + nul + b"</mediawiki>\n")


def bad_bytes_jsonl(path: Path) -> None:
    lines = [
        b'{"id": "ok", "text": "a perfectly fine first document"}',
        b'{"id": "bad-utf8", "text": "caf\xc3\x28 \xff\xfe"}',
        b'{"id": "raw-nul", "text": "raw \x00 byte"}',
        b'{"id": "escaped-nul", "text": "escaped \\u0000 NUL characters are removed\\u0000"}',
        b'{"id": "surrogate", "text": "lone \\ud800 surrogate"}',
        b"\xff\xfe\x00\x00 not json at all",
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")


def se_posts(rows: str, doctype: str = "") -> bytes:
    head = '<?xml version="1.0" encoding="utf-8"?>\n' + doctype
    return (head + "<posts>\n" + rows + "</posts>\n").encode()


SE_ROWS = (
    '  <row Id="1" PostTypeId="1" CreationDate="2020-01-01T00:00:00" Score="3" Title="Safe question"'
    ' Body="&lt;p&gt;How do I keep a reader safe from hostile input?&lt;/p&gt;" Tags="&lt;safety&gt;"'
    ' AnswerCount="1" />\n'
    '  <row Id="2" PostTypeId="2" ParentId="1" CreationDate="2020-01-02T00:00:00" Score="5"'
    ' Body="&lt;p&gt;Count every error with its reason.&lt;/p&gt;" />\n'
)


def se_billion_laughs(folder: Path) -> None:
    entities = ['<!ENTITY lol0 "lol">'] + [f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)]
    doctype = "<!DOCTYPE posts [\n" + "\n".join(entities) + "\n]>\n"
    folder.mkdir(parents=True)
    (folder / "Posts.xml").write_bytes(se_posts(SE_ROWS.replace("Safe question", "&lol9;"), doctype))


def se_deep(folder: Path, depth: int) -> None:
    folder.mkdir(parents=True)
    nested = "<x>" * depth + "</x>" * depth
    (folder / "Posts.xml").write_bytes(se_posts(SE_ROWS + nested + "\n"))


def se_bomb(folder: Path, expanded: int) -> None:
    """Posts.xml.bz2 whose one attribute expands to `expanded` bytes."""
    folder.mkdir(parents=True)
    head = se_posts(SE_ROWS)[: -len(b"</posts>\n")] + b'  <row Id="3" PostTypeId="1" Body="'
    data = _repeat_members(lambda b: bz2.compress(b, 9), head, b"a" * (4 * MIB), expanded // (4 * MIB), b'"/>')
    (folder / "Posts.xml.bz2").write_bytes(data)


def _tar_add(tf: tarfile.TarFile, name: str, data: bytes = b"", **kw: object) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mode = 0o644
    for k, v in kw.items():
        setattr(info, k, v)
    tf.addfile(info, io.BytesIO(data) if data else None)


def evil_tar(path: Path, escape: str, absolute: str, good: dict[str, bytes]) -> None:
    """A repository tarball with traversal, absolute, symlink, hardlink and device members."""
    with tarfile.open(path, "w:gz", format=tarfile.PAX_FORMAT) as tf:
        for name, data in good.items():
            _tar_add(tf, name, data)
        _tar_add(tf, escape, b"escaped!\n")
        _tar_add(tf, absolute, b"absolute!\n")
        _tar_add(tf, "repo/link.py", type=tarfile.SYMTYPE, linkname="/etc/passwd")
        _tar_add(tf, "repo/up.py", type=tarfile.SYMTYPE, linkname="../../../etc/passwd")
        _tar_add(tf, "repo/hard.py", type=tarfile.LNKTYPE, linkname="/etc/passwd")
        _tar_add(tf, "repo/dev.py", type=tarfile.CHRTYPE, devmajor=1, devminor=3)
        _tar_add(tf, "repo/fifo.py", type=tarfile.FIFOTYPE)


def evil_zip(path: Path, escape: str, absolute: str, good: dict[str, bytes]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in good.items():
            zf.writestr(name, data)
        zf.writestr(escape, b"escaped!\n")
        zf.writestr(absolute, b"absolute!\n")
        link = zipfile.ZipInfo("repo/link.py")
        link.create_system = 3
        link.external_attr = 0o120777 << 16  # a unix symlink
        zf.writestr(link, "/etc/passwd")


def zip_bomb(path: Path, members: int, member_bytes: int) -> None:
    """`members` members of `member_bytes` zeros each (deflate: ~1000:1), each under a per-file cap."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        blob = b"\0" * member_bytes
        for i in range(members):
            zf.writestr(f"repo/zeros{i:04d}.py", blob)


def tar_bomb(path: Path, declared: int) -> None:
    """A gzip tar whose one member declares `declared` bytes of zeros (streamed, never held in memory)."""
    header = tarfile.TarInfo("repo/huge.py")
    header.size = declared
    block = header.tobuf(format=tarfile.GNU_FORMAT)
    unit = b"\0" * (4 * MIB)
    data = _repeat_members(lambda b: gzip.compress(b, 9), block, unit, declared // (4 * MIB), b"\0" * 1024)
    path.write_bytes(data)


def huge_length_warc(path: Path) -> None:
    """A good WARC record, then one declaring a Content-Length of ~10^18 bytes."""
    good = (
        "WARC/1.0\r\nWARC-Type: resource\r\nWARC-Record-ID: <urn:uuid:00000000-0000-4000-8000-000000000001>\r\n"
        "WARC-Target-URI: https://ok.example/\r\nWARC-Date: 2024-01-01T00:00:00Z\r\nContent-Type: text/html\r\n"
        "Content-Length: {n}\r\n\r\n{body}\r\n\r\n"
    )
    body = "<html><body><p>" + "A plain paragraph of text on a harmless page. " * 10 + "</p></body></html>"
    huge = good.replace("{n}", "999999999999999999").replace("00000001", "00000002").replace("{body}", "short")
    path.write_bytes((good.replace("{n}", str(len(body))).replace("{body}", body) + huge).encode())


def huge_header_warc(path: Path, line_bytes: int) -> None:
    """A one-member gzip WARC whose second header line runs for `line_bytes` bytes."""
    deflate = zlib.compressobj(9, zlib.DEFLATED, 31)
    parts = [deflate.compress(b"WARC/1.0\r\nWARC-Type: resource\r\nX-Evil: ")]
    unit = b"X" * MIB
    parts += [deflate.compress(unit) for _ in range(line_bytes // MIB)]
    parts.append(deflate.compress(b"\r\nContent-Length: 5\r\n\r\nhello\r\n\r\n") + deflate.flush())
    path.write_bytes(b"".join(parts))


def zstd_single_frame(path: Path, head: bytes, expanded: int) -> None:
    """One zstd frame of `head` + `expanded` bytes of "a" (about 30 KB per GiB)."""
    compressor = zstandard.ZstdCompressor(level=19).compressobj()
    parts = [compressor.compress(head)]
    unit = b"a" * (4 * MIB)
    parts += [compressor.compress(unit) for _ in range(expanded // (4 * MIB))]
    path.write_bytes(b"".join(parts) + compressor.flush())


def gutenberg_bomb(path: Path, expanded: int) -> None:
    head = b"The Project Gutenberg eBook of Bombs\n\n*** START OF THE PROJECT GUTENBERG EBOOK BOMBS ***\n"
    path.write_bytes(_repeat_members(lambda b: gzip.compress(b, 9), head, b"a" * MIB, expanded // MIB, b"\n"))
