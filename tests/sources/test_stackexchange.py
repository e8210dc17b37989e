"""StackExchange reader on crafted dumps: grouping, ordering, HTML, licensing, counted rows, safe XML."""

from __future__ import annotations

import bz2
import collections
import gzip
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import py7zr
import pytest

from examples.samples import stackexchange as sample
from pajama import options
from pajama.errors import InputError
from pajama.record import Doc, Failure, Skip
from pajama.sources._se_docs import license_for, parse_tags, site_from_name
from pajama.sources._se_html import html_to_text
from pajama.sources.stackexchange import StackExchangeReader
from pajama.storage import InputFile

SITE = "cooking.stackexchange.com"
CODE = "def f(x):\n    if x &lt; 2:\n\n        return x\n"


def row(**attrs: Any) -> str:
    esc = {"\n": "&#xA;", "\t": "&#x9;"}
    return "  <row " + " ".join(f"{k}={quoteattr(str(v), esc)}" for k, v in attrs.items()) + " />"


def question(qid: int, **extra: Any) -> str:
    attrs = {"Id": qid, "PostTypeId": 1, "CreationDate": "2012-05-01T10:00:00.000", "Score": 3,
             "Body": f"<p>Question {qid} body</p>", "Title": f"Title {qid}", "Tags": "<bread><yeast>",
             "OwnerUserId": 7} | extra  # fmt: skip
    return row(**attrs)


def answer(aid: int, parent: int, score: int, **extra: Any) -> str:
    attrs = {"Id": aid, "PostTypeId": 2, "ParentId": parent, "CreationDate": "2019-01-01T00:00:00.000",
             "Score": score, "Body": f"<p>Answer {aid}</p>", "OwnerUserId": 8} | extra  # fmt: skip
    return row(**attrs)


def dump(*rows: str, root: str = "posts") -> bytes:
    return (f'\ufeff<?xml version="1.0" encoding="utf-8"?>\n<{root}>\n' + "\n".join(rows) + f"\n</{root}>\n").encode()


def read(data: bytes, tmp_path: Path, name: str = f"{SITE}-Posts.xml", **opts: Any) -> list[Any]:
    path = tmp_path / name
    path.write_bytes(data)
    reader = options.build(StackExchangeReader, opts, "test")
    return list(reader.read(InputFile(uri=str(path), name=name, source="stackexchange")))


def reasons(items: list[Any]) -> collections.Counter[str]:
    return collections.Counter("doc" if isinstance(i, Doc) else i.reason for i in items)


STANDARD = dump(
    question(1, AcceptedAnswerId=4),
    answer(2, 1, 5),
    question(3, Body=f"<p>How?</p><pre><code>{CODE}</code></pre>"),
    answer(4, 1, 1, Body=f"<p>Use this:</p><pre class='lang-py'><code>{CODE}</code></pre>"),
    answer(5, 1, 9),
    answer(6, 3, 2),
)


def test_one_document_per_question_with_answers_by_score(tmp_path: Path) -> None:
    items = read(STANDARD, tmp_path)
    docs = [i for i in items if isinstance(i, Doc)]
    assert [d.key for d in docs] == [f"{SITE}/1", f"{SITE}/3"]
    first = docs[0].text
    assert first.startswith("Title 1\n\nQuestion 1 body\n\nAnswer (score 9):\n\nAnswer 5")
    assert first.index("Answer 5") < first.index("Answer 2") < first.index("Accepted answer (score 1):")
    meta = docs[0].meta
    assert (meta["site"], meta["question_id"], meta["score"], meta["tags"]) == (SITE, 1, 3, ["bread", "yeast"])
    assert meta["url"] == f"https://{SITE}/questions/1"
    assert (meta["answer_count"], meta["accepted_answer_id"]) == (3, 4)
    assert meta["license"] == "CC-BY-SA-3.0 AND CC-BY-SA-4.0"
    assert SITE in meta["attribution"] and meta["url"] in meta["attribution"]
    assert f"https://{SITE}/users/7" in meta["authors"] and f"https://{SITE}/users/8" in meta["authors"]
    # every row is accounted for: 2 documents + 4 answers folded into them
    assert reasons(items) == {"doc": 2, "stackexchange.answer_in_question": 4}


def test_code_blocks_survive_verbatim(tmp_path: Path) -> None:
    docs = [i for i in read(STANDARD, tmp_path) if isinstance(i, Doc)]
    code = CODE.replace("&lt;", "<").rstrip("\n")
    assert f"```py\n{code}\n```" in docs[0].text
    assert f"How?\n\n```\n{code}\n```" in docs[1].text


def test_html_to_text() -> None:
    html = (
        "<h2>Head</h2><p>A &amp; B <code>x&lt;y</code><br>next <a href='u'>link</a></p>"
        "<ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>"
        "<blockquote><p>quoted</p></blockquote><p><img src='i.png' alt='a chart'></p>"
    )
    assert html_to_text(html) == (
        "Head\n\nA & B `x<y`\nnext link\n\n- one\n- two\n\n1. first\n2. second\n\n> quoted\n\na chart"
    )
    assert (
        html_to_text("<pre><code>  keep   spaces\n\n\n  here</code></pre>") == "```\n  keep   spaces\n\n\n  here\n```"
    )


def test_skipped_and_malformed_rows_are_counted(tmp_path: Path) -> None:
    data = dump(
        question(1, ClosedDate="2013-01-01T00:00:00.000"),
        answer(2, 1, 1),
        question(3, DeletionDate="2013-01-01T00:00:00.000"),
        answer(4, 3, 1),
        question(5),
        answer(6, 5, 1, DeletionDate="2014-01-01T00:00:00.000"),
        answer(7, 99, 1),  # its question is not in the dump
        row(Id=8, PostTypeId=5, Body="<p>tag wiki</p>", Score=0),
        row(Id=9, PostTypeId=1, Body="<p>no title</p>", Score=0),
        row(Id="ten", PostTypeId=1, Body="x", Title="t", Score=0),
        answer(11, 5, 1, ParentId=""),
        answer(12, 5, 2),
        answer(12, 5, 3),  # a repeated Id
    )
    items = read(data, tmp_path, closed="skip")
    assert reasons(items) == {
        "doc": 1,
        "stackexchange.answer_in_question": 1,
        "stackexchange.closed": 2,
        "stackexchange.deleted": 3,
        "stackexchange.orphan_answer": 1,
        "stackexchange.tag_wiki": 1,
        "stackexchange.malformed_row": 3,
        "stackexchange.duplicate_id": 1,
    }
    assert len(items) == data.count(b"<row ")
    failures = [i.reason for i in items if isinstance(i, Failure)]
    assert sorted(failures) == ["stackexchange.duplicate_id"] + ["stackexchange.malformed_row"] * 3
    (orphan,) = [i for i in items if isinstance(i, Skip) and i.reason == "stackexchange.orphan_answer"]
    assert orphan.locator == {"post_id": 7}
    kept = reasons(read(data, tmp_path))  # RedPajama-v1 keeps closed questions: so does the default
    assert kept["doc"] == 2 and kept["stackexchange.answer_in_question"] == 2 and "stackexchange.closed" not in kept


def test_answer_filters(tmp_path: Path) -> None:
    items = read(STANDARD, tmp_path, min_answer_score=2)
    assert reasons(items) == {"doc": 2, "stackexchange.answer_in_question": 3, "stackexchange.low_score_answer": 1}
    items = read(STANDARD, tmp_path, min_answers=2)
    assert reasons(items) == {"doc": 1, "stackexchange.answer_in_question": 3, "stackexchange.too_few_answers": 2}


def test_licenses_follow_the_creation_date(tmp_path: Path) -> None:
    assert license_for("2011-04-07T23:59:59.999") == "CC-BY-SA-2.5"
    assert license_for("2011-04-08T00:00:00.000") == "CC-BY-SA-3.0"
    assert license_for("2018-05-01T23:59:59.000") == "CC-BY-SA-3.0"
    assert license_for("2018-05-02T00:00:00.000") == "CC-BY-SA-4.0"
    docs = [i for i in read(STANDARD, tmp_path, license="CC-BY-SA-4.0") if isinstance(i, Doc)]
    assert {d.meta["license"] for d in docs} == {"CC-BY-SA-4.0"}


def test_tags_and_site_names() -> None:
    assert parse_tags("<c++><regex>") == ["c++", "regex"] and parse_tags("|c++|regex|") == ["c++", "regex"]
    assert site_from_name("beer.stackexchange.com-Posts.xml.gz", "x") == "beer.stackexchange.com"
    assert site_from_name("dumps/x.stackexchange.com/Posts.xml.bz2", "/d/x.stackexchange.com/Posts.xml.bz2") == (
        "x.stackexchange.com"
    )
    assert site_from_name("stackoverflow.com-Posts.7z", "x") == "stackoverflow.com"
    assert site_from_name("Posts.xml", "/data/Posts.xml") is None


def test_unknown_site_is_an_input_error_unless_configured(tmp_path: Path) -> None:
    with pytest.raises(InputError) as e:
        read(STANDARD, tmp_path, name="Posts.xml")
    assert e.value.reason == "stackexchange.unknown_site"
    docs = [i for i in read(STANDARD, tmp_path, name="Posts.xml", site="ai.stackexchange.com") if isinstance(i, Doc)]
    assert docs[0].key == "ai.stackexchange.com/1"


def test_compressed_and_7z_inputs_read_alike(tmp_path: Path) -> None:
    plain = [(d.key, d.text) for d in read(STANDARD, tmp_path) if isinstance(d, Doc)]
    for name, data in (
        (f"{SITE}-Posts.xml.gz", gzip.compress(STANDARD)),
        (f"{SITE}-Posts.xml.bz2", bz2.compress(STANDARD)),
    ):
        assert [(d.key, d.text) for d in read(data, tmp_path, name=name) if isinstance(d, Doc)] == plain
    with py7zr.SevenZipFile(tmp_path / f"{SITE}.7z", "w") as archive:
        archive.writestr(STANDARD, "Posts.xml")
        archive.writestr(dump(row(Id=7, DisplayName="Ana"), root="users"), "Users.xml")
    reader = options.build(StackExchangeReader, {}, "test")
    inp = InputFile(uri=str(tmp_path / f"{SITE}.7z"), name=f"{SITE}.7z", source="stackexchange")
    docs = [d for d in reader.read(inp) if isinstance(d, Doc)]
    assert [(d.key, d.text) for d in docs] == plain
    assert f"Ana (https://{SITE}/users/7)" in docs[0].meta["authors"]


def test_sample_dump_folder(tmp_path: Path) -> None:
    sample.build(tmp_path)
    folder = tmp_path / "stackexchange" / sample.SITE
    raw = (folder / "Posts.xml").read_bytes()
    reader = options.build(StackExchangeReader, {}, "test")
    items = list(reader.read(InputFile(uri=str(folder), name=sample.SITE, source="se", is_dir=True)))
    assert len(items) == raw.count(b"<row ")
    docs = [i for i in items if isinstance(i, Doc)]
    assert len(docs) == raw.count(b'PostTypeId="1"')  # closed questions are kept by default
    assert all(d.key == f"{sample.SITE}/{d.meta['question_id']}" for d in docs)
    assert any("Ada (" in a for d in docs for a in d.meta["authors"])
    assert {"CC-BY-SA-2.5", "CC-BY-SA-3.0", "CC-BY-SA-4.0"} <= {
        x for d in docs for x in d.meta["license"].split(" AND ")
    }


def test_entity_declarations_are_refused(tmp_path: Path) -> None:
    bomb = (
        b'<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;">]>\n'
        b'<posts>\n<row Id="1" PostTypeId="1" Score="1" Title="&b;" Body="x" />\n</posts>\n'
    )
    with pytest.raises(InputError) as e:
        read(bomb, tmp_path)
    assert e.value.reason == "xml.entities_forbidden"
    external = b'<?xml version="1.0"?>\n<!DOCTYPE posts [<!ENTITY e SYSTEM "file:///etc/passwd">]>\n<posts>&e;</posts>'
    with pytest.raises(InputError):
        read(external, tmp_path)
    doctype_only = STANDARD.replace(b"<posts>", b"<!DOCTYPE posts SYSTEM 'posts.dtd'>\n<posts>", 1)
    assert reasons(read(doctype_only, tmp_path))["doc"] == 2


def test_truncated_dump_yields_what_it_read_then_raises(tmp_path: Path) -> None:
    cut = STANDARD[: STANDARD.index(b'<row Id="6"') + 20]
    items: list[Any] = []
    reader = options.build(StackExchangeReader, {}, "test")
    path = tmp_path / f"{SITE}-Posts.xml"
    path.write_bytes(cut)
    with pytest.raises(InputError) as e:
        for item in reader.read(InputFile(uri=str(path), name=path.name, source="se")):
            items.append(item)
    assert e.value.reason == "xml.malformed"
    assert reasons(items) == {"doc": 2, "stackexchange.answer_in_question": 3}
    gz_cut = gzip.compress(STANDARD)[:-30]
    with pytest.raises(InputError):
        read(gz_cut, tmp_path, name=f"{SITE}-Posts.xml.gz")
