"""The arxiv reader on submissions built here: every input shape, the metadata join, and the safety caps."""

from __future__ import annotations

import gzip
import io
import json
import tarfile
from pathlib import Path

import pytest

from examples.samples import arxiv as arxiv_sample
from pajama.errors import InputError
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.sources.arxiv import ArxivReader, arxiv_id, spdx_license
from pajama.storage import InputFile

MAIN = (
    b"\\documentclass{article}\n\\newcommand{\\tool}{pajama}\n\\begin{document}\n\\maketitle\n"
    b"\\section{Intro}\nWe present \\tool. % a comment\n\\input{body}\n\\bibliography{refs}\n\\end{document}\n"
)
BODY = b"\\subsection{Body}\nThe body of \\tool.\n"
PAPER = {"main.tex": MAIN, "body.tex": BODY, "fig.pdf": b"%PDF-1.4 binary"}
EXPECTED = "\\section{Intro}\nWe present pajama.\n\n\\subsection{Body}\nThe body of pajama."


def tar_bytes(files: dict[str, bytes], extra: list[tarfile.TarInfo] | None = None) -> bytes:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w") as tf:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
        for info in extra or []:
            tf.addfile(info)
    return buf.getvalue()


def read(tmp_path: Path, name: str, data: bytes, **options: object) -> list[ReadItem]:
    path = tmp_path / name
    path.write_bytes(data)
    return list(ArxivReader(**options).read(InputFile(uri=str(path), name=name, source="arxiv")))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("name", "blob"),
    [
        ("2101.00001v2.tar.gz", gzip.compress(tar_bytes(PAPER))),
        ("2101.00001v2.tar", tar_bytes(PAPER)),
    ],
)
def test_one_submission_archive(tmp_path: Path, name: str, blob: bytes) -> None:
    [item] = read(tmp_path, name, blob)
    assert isinstance(item, Doc)
    assert item.text == EXPECTED
    assert item.key == "2101.00001"
    assert item.meta["arxiv_id"] == "2101.00001" and item.meta["version"] == "v2"
    assert item.locator == {"main": "main.tex"}


def test_gzipped_single_tex_without_id(tmp_path: Path) -> None:
    single = MAIN.replace(b"\\input{body}", b"")
    [item] = read(tmp_path, "paper.tex.gz", gzip.compress(single))
    assert isinstance(item, Doc)
    assert item.text == "\\section{Intro}\nWe present pajama."
    assert item.key == "paper.tex.gz/paper.tex" and item.meta["arxiv_id"] is None


def test_monthly_bundle(tmp_path: Path) -> None:
    members = {
        "2101/2101.00001.gz": gzip.compress(tar_bytes(PAPER)),
        "2101/2101.00002.gz": gzip.compress(MAIN.replace(b"\\input{body}", b"")),
        "2101/2101.00003.pdf": b"%PDF-1.5 only a pdf",
        "2101/2101.00004.gz": gzip.compress(b"%!PS-Adobe-2.0 postscript only"),
        "2101/2101.00005.gz": gzip.compress(tar_bytes(PAPER))[:-30],  # truncated gzip
        "2101/2101.00006.gz": gzip.compress(tar_bytes({"../escape.tex": MAIN})),
        "2101/2101.00007.gz": gzip.compress(tar_bytes({"notes.tex": b"\\documentclass{article} no sections"})),
        "2101/hep-th9901001.gz": gzip.compress(tar_bytes(PAPER)),
    }
    items = read(tmp_path, "arXiv_src_2101_001.tar", tar_bytes(members))
    by_member = {i.locator["member"]: i for i in items}
    assert list(by_member) == list(members)
    kinds = {m.split("/")[1]: (type(i).__name__, getattr(i, "reason", None)) for m, i in by_member.items()}
    assert kinds == {
        "2101.00001.gz": ("Doc", None),
        "2101.00002.gz": ("Doc", None),
        "2101.00003.pdf": ("Skip", "arxiv.no_tex"),
        "2101.00004.gz": ("Skip", "arxiv.no_tex"),
        "2101.00005.gz": ("Failure", "input.truncated"),
        "2101.00006.gz": ("Failure", "archive.path_traversal"),
        "2101.00007.gz": ("Skip", "arxiv.no_sections"),
        "hep-th9901001.gz": ("Doc", None),
    }
    assert by_member["2101/2101.00001.gz"].key == "2101.00001"
    assert by_member["2101/hep-th9901001.gz"].key == "hep-th/9901001"
    assert by_member["2101/2101.00001.gz"].text == EXPECTED


def test_symlink_and_traversal_fail_the_submission(tmp_path: Path) -> None:
    link = tarfile.TarInfo("evil.tex")
    link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
    [item] = read(tmp_path, "s.tar", tar_bytes(PAPER, [link]))
    assert isinstance(item, Failure) and item.reason == "archive.symlink"
    [item] = read(tmp_path, "t.tar.gz", gzip.compress(tar_bytes({**PAPER, "../../x.tex": b"x"})))
    assert isinstance(item, Failure) and item.reason == "archive.path_traversal"
    assert not (tmp_path.parent / "x.tex").exists()


def test_decompression_bomb_and_member_count_are_capped(tmp_path: Path) -> None:
    bomb = gzip.compress(tar_bytes({**PAPER, "zeros.dat": bytes(5_000_000)}))
    assert len(bomb) < 50_000
    [item] = read(tmp_path, "bomb.tar.gz", bomb, max_submission_bytes=1_000_000)
    assert isinstance(item, Failure) and item.reason == "archive.expansion_cap"
    many = {f"f{i}.txt": b"x" for i in range(50)}
    [item] = read(tmp_path, "many.tar", tar_bytes({**PAPER, **many}), max_submission_members=20)
    assert isinstance(item, Failure) and item.reason == "archive.too_many_members"
    single_bomb = gzip.compress(b"\\documentclass{article}" + b" " * 3_000_000)
    [item] = read(tmp_path, "one.tex.gz", single_bomb, max_member_bytes=1_000_000)
    assert isinstance(item, Failure) and item.reason == "archive.expansion_cap"
    nested = tar_bytes({"2101/2101.00009.gz": bomb})
    [item] = read(tmp_path, "bundle.tar", nested, max_submission_bytes=1_000_000)
    assert isinstance(item, Failure) and item.reason == "archive.expansion_cap"


def test_pdf_only_and_no_main(tmp_path: Path) -> None:
    [item] = read(tmp_path, "p.tar.gz", gzip.compress(tar_bytes({"paper.pdf": b"%PDF-1.4", "fig.eps": b"%!PS"})))
    assert isinstance(item, Skip) and item.reason == "arxiv.no_tex"
    part = gzip.compress(tar_bytes({"part.tex": b"\\section{A} only a part"}))
    [item] = read(tmp_path, "n.tar.gz", part, unused_files="skip")
    assert isinstance(item, Skip) and item.reason == "arxiv.no_main"
    [item] = read(tmp_path, "n.tar.gz", part)  # by default its sections are kept, as RP-v1 keeps them
    assert isinstance(item, Doc) and item.key == "n.tar.gz/part.tex" and item.text == "\\section{A} only a part"


def test_truncated_single_submission_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        read(tmp_path, "cut.tar.gz", gzip.compress(tar_bytes(PAPER))[:200])
    assert e.value.reason == "input.truncated"


def test_latin1_source_is_decoded(tmp_path: Path) -> None:
    main = "\\documentclass{article}\\begin{document}\\section{Résumé} déjà vu\\end{document}".encode("latin-1")
    [item] = read(tmp_path, "l.tex.gz", gzip.compress(main))
    assert isinstance(item, Doc) and item.text == "\\section{Résumé} déjà vu"


def test_metadata_join(tmp_path: Path) -> None:
    rows = [
        {"id": "2101.00001", "title": "A  title\n  on two lines", "categories": "cs.CL cs.LG", "license": None,
         "versions": [{"version": "v1"}, {"version": "v3"}]},
        {"id": "hep-th/9901001", "title": "Old", "categories": "hep-th",
         "license": "http://creativecommons.org/licenses/by-sa/4.0/", "versions": [{"version": "v1"}]},
    ]  # fmt: skip
    meta_path = tmp_path / "meta.jsonl.gz"
    meta_path.write_bytes(gzip.compress(("\n".join(json.dumps(r) for r in rows) + "\nnot json\n").encode()))
    bundle = tar_bytes(
        {"2101/2101.00001.gz": gzip.compress(tar_bytes(PAPER)), "9901/hep-th9901001.gz": gzip.compress(MAIN)}
    )
    a, b = read(tmp_path, "bundle.tar", bundle, metadata=str(meta_path))
    assert isinstance(a, Doc) and isinstance(b, Doc)
    assert a.meta | {"main_file": None} == {
        "arxiv_id": "2101.00001", "main_file": None, "url": "https://arxiv.org/abs/2101.00001",
        "title": "A title on two lines", "categories": ["cs.CL", "cs.LG"], "license": "arxiv-nonexclusive",
        "version": "v3",
    }  # fmt: skip
    assert b.meta["license"] == "CC-BY-SA-4.0" and b.meta["arxiv_id"] == "hep-th/9901001"
    # a paper the snapshot does not list gets the configured default, the listed ones keep theirs
    unlisted = tar_bytes({"2101/2101.00001.gz": gzip.compress(MAIN), "2101/2101.99999.gz": gzip.compress(MAIN)})
    listed, other = read(tmp_path, "b2.tar", unlisted, metadata=str(meta_path), default_license="LicenseRef-x")
    assert listed.meta["license"] == "arxiv-nonexclusive" and other.meta["license"] == "LicenseRef-x"  # type: ignore[union-attr]
    assert "license" not in read(tmp_path, "b3.tar", unlisted)[1].meta  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("url", "spdx"),
    [
        ("http://creativecommons.org/licenses/by/4.0/", "CC-BY-4.0"),
        ("http://creativecommons.org/licenses/by-sa/4.0/", "CC-BY-SA-4.0"),
        ("http://creativecommons.org/licenses/by-nc-sa/4.0/", "CC-BY-NC-SA-4.0"),
        ("http://creativecommons.org/licenses/by-nc-nd/4.0/", "CC-BY-NC-ND-4.0"),
        ("http://creativecommons.org/licenses/by/3.0/", "CC-BY-3.0"),
        ("http://creativecommons.org/publicdomain/zero/1.0/", "CC0-1.0"),
        ("http://arxiv.org/licenses/nonexclusive-distrib/1.0/", "arxiv-nonexclusive"),
        (None, "arxiv-nonexclusive"),
    ],
)
def test_license_urls_map_to_spdx(url: str | None, spdx: str) -> None:
    assert spdx_license(url) == spdx


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("0704.0001.gz", ("0704.0001", None)),
        ("2301.12345v3.tar.gz", ("2301.12345", "v3")),
        ("arxiv-filemanager-1801.03879-1.tar.gz", ("1801.03879", None)),
        ("9107/hep-th9107001.gz", ("hep-th/9107001", None)),
        ("math0601001v2.gz", ("math/0601001", "v2")),
        ("paper-t4.1_Vienna_preprint.tex.gz", (None, None)),
        ("2260340.tar.gz", (None, None)),
    ],
)
def test_arxiv_ids_from_names(name: str, expected: tuple[str | None, str | None]) -> None:
    assert arxiv_id(name) == expected


def test_quickstart_sample(tmp_path: Path) -> None:
    arxiv_sample.build(tmp_path)
    paths = sorted((tmp_path / "arxiv").glob("*.tar.gz"))
    items = [i for p in paths for i in ArxivReader().read(InputFile(uri=str(p), name=p.name, source="arxiv"))]
    assert len(items) == len(paths)
    assert [getattr(i, "reason", None) for i in items if not isinstance(i, Doc)] == ["arxiv.no_tex"]
    docs = [i for i in items if isinstance(i, Doc)]
    assert len(docs) == 2
    for doc in docs:
        assert doc.text.startswith("\\section{") and "Python" in doc.text
        assert "\\py" not in doc.text and "TODO" not in doc.text and "is dropped with the front matter" not in doc.text
        assert "\\bibliography" not in doc.text and "\\frac{a}{b}" in doc.text


# ------------------------------------------------------------- the root file, chosen by resolved content

PAPER_ROOT = b"\\documentclass{article}\n\\begin{document}\n\\input{sections/intro}\n\\end{document}\n"
INTRO = b"\\input{sections/method}\n\\section{Intro}\nShort paper, long letter.\n"
METHOD = b"\\section{Method}\n" + b"The method, two includes deep.\n" * 5
LETTER = (
    b"\\documentclass{letter}\n\\begin{document}\n\\section*{Response to the referees}\n"
    + b"We thank the referee for a careful reading of the manuscript.\n" * 2
    + b"\\end{document}\n"
)


def test_a_rebuttal_letter_longer_than_the_paper_main_file_loses(tmp_path: Path) -> None:
    files = {"paper.tex": PAPER_ROOT, "sections/intro.tex": INTRO, "sections/method.tex": METHOD, "reply.tex": LETTER}
    assert len(PAPER_ROOT) < len(LETTER) < len(INTRO + METHOD)  # the letter is the longest file
    [item] = read(tmp_path, "2101.00002.tar.gz", gzip.compress(tar_bytes(files)), unused_files="skip")
    assert isinstance(item, Doc)
    # \input chains resolve (paper -> intro -> method); the letter is not part of the document
    method = "\\section{Method}\n" + "The method, two includes deep.\n" * 5
    assert item.text == method + "\n\\section{Intro}\nShort paper, long letter."
    assert item.locator == {"main": "paper.tex", "roots": ["paper.tex", "reply.tex"]}
    assert item.meta["main_file"] == "paper.tex"


def test_two_roots_the_one_with_more_cleaned_text_wins(tmp_path: Path) -> None:
    supplement = b"\\documentclass{article}\n\\begin{document}\n\\section{Supplement}\nMore.\n\\end{document}\n"
    files = {
        "a_supp.tex": supplement,
        "z_main.tex": PAPER_ROOT,
        "sections/intro.tex": INTRO,
        "sections/method.tex": METHOD,
    }
    [item] = read(tmp_path, "2101.00003.tar.gz", gzip.compress(tar_bytes(files)), unused_files="skip")
    assert isinstance(item, Doc) and item.locator["main"] == "z_main.tex"
    assert "\\section{Supplement}" not in item.text and "\\section{Method}" in item.text
    # equal content: the first path wins, whatever the member order
    twin = {"b.tex": supplement, "a.tex": supplement}
    [item] = read(tmp_path, "2101.00004.tar.gz", gzip.compress(tar_bytes(twin)), unused_files="skip")
    assert isinstance(item, Doc) and item.locator == {"main": "a.tex", "roots": ["a.tex", "b.tex"]}


def test_a_root_without_sections_loses_to_one_with_them(tmp_path: Path) -> None:
    cover = b"\\documentclass{article}\n\\begin{document}\n" + b"Cover page text. " * 40 + b"\n\\end{document}\n"
    files = {"cover.tex": cover, "paper.tex": PAPER_ROOT, "sections/intro.tex": INTRO, "sections/method.tex": METHOD}
    [item] = read(tmp_path, "2101.00005.tar.gz", gzip.compress(tar_bytes(files)), unused_files="skip")
    assert isinstance(item, Doc) and item.locator["main"] == "paper.tex"
    [alone] = read(tmp_path, "2101.00006.tar.gz", gzip.compress(tar_bytes({"cover.tex": cover})))
    assert isinstance(alone, Skip) and alone.reason == "arxiv.no_sections" and alone.locator == {"main": "cover.tex"}


def test_unused_files_are_appended_as_rp_v1_would_cover_them(tmp_path: Path) -> None:
    stale = b"\\section{Old draft}\nNobody includes this file.\n"
    files = {"paper.tex": PAPER_ROOT, "sections/intro.tex": INTRO, "sections/method.tex": METHOD}
    files |= {"reply.tex": LETTER, "stale.tex": stale, "notes.txt": b"\\section{not tex}"}
    blob = gzip.compress(tar_bytes(files))
    [skipped] = read(tmp_path, "2101.00007.tar.gz", blob, unused_files="skip")
    [appended] = read(tmp_path, "2101.00007.tar.gz", blob)  # the default: as RP-v1's concatenation
    assert isinstance(skipped, Doc) and isinstance(appended, Doc)
    assert "Old draft" not in skipped.text and "referees" not in skipped.text
    assert appended.text.startswith(skipped.text)
    assert appended.text.endswith("\\section{Old draft}\nNobody includes this file.")
    assert "\\section*{Response to the referees}" in appended.text and "not tex" not in appended.text
    assert appended.locator["appended"] == ["reply.tex", "stale.tex"]  # path order; included files are not repeated
    assert "appended" not in skipped.locator


def test_a_submission_without_a_root_keeps_its_sections_as_rp_v1_does(tmp_path: Path) -> None:
    files = {"sections/intro.tex": INTRO, "sections/method.tex": METHOD, "readme.txt": b"see intro"}
    blob = gzip.compress(tar_bytes(files))
    [item] = read(tmp_path, "2101.00008.tar.gz", blob)
    assert isinstance(item, Doc) and item.meta["main_file"] is None
    assert item.locator == {"appended": ["sections/intro.tex", "sections/method.tex"]}
    assert item.text.startswith("\\section{Intro}") and "\\section{Method}" in item.text
    [skipped] = read(tmp_path, "2101.00008.tar.gz", blob, unused_files="skip")
    assert isinstance(skipped, Skip) and skipped.reason == "arxiv.no_main"
