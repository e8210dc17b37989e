"""A sample StackExchange site dump: `stackexchange/sample.stackexchange.com/{Posts,Users}.xml`.

Questions ask about Python statements; answers quote the standard library's pydoc topics (PSF-2.0) as
StackExchange HTML (paragraphs, `<pre><code>` blocks). Posts are dated 2010, 2015 and 2019 so the
three CC BY-SA versions of Stack Exchange's policy appear. Rows the reader must count rather than
turn into documents are there on purpose: a closed question, a deleted answer, tag wiki rows, an
answer whose question is missing and a row without a PostTypeId.
"""

from __future__ import annotations

import html
import os
from pathlib import Path
from xml.sax.saxutils import quoteattr

SITE = "sample.stackexchange.com"
TOPICS = ("if", "while", "for", "try", "with", "lambda", "assert", "pass", "del", "return", "import", "global")
YEARS = ("2010-03-14", "2015-06-02", "2019-09-21")
USERS = ("Ada", "Brian", "Chen Wei", "Dagny", "Émile", "Farah")
_ATTR_ESCAPES = {"\n": "&#xA;", "\r": "&#xD;", "\t": "&#x9;"}


def _html(paragraphs: list[str]) -> str:
    out = []
    for p in paragraphs:
        if any(line[:1].isspace() for line in p.split("\n")):
            out.append(f"<pre><code>{html.escape(p.strip(chr(10)))}\n</code></pre>")
        else:
            out.append(f"<p>{html.escape(' '.join(p.split()))}</p>")
    return "\n\n".join(out) + "\n"


def _row(**attrs: object) -> str:
    cells = " ".join(f"{k}={quoteattr(str(v), _ATTR_ESCAPES)}" for k, v in attrs.items() if v is not None)
    return f"  <row {cells} />"


def posts() -> list[str]:
    from pydoc_data.topics import topics

    rows: list[str] = []
    next_id = 1
    for n, name in enumerate(TOPICS):
        paragraphs = [p for p in topics[name].strip().split("\n\n") if p.strip()][1:]
        qid, day = next_id, YEARS[n % len(YEARS)]
        answers = [(qid + 1, paragraphs[:3], 7 + n % 5), (qid + 2, paragraphs[3:6] or paragraphs[:1], 2 + n % 3)]
        closed = f"{day}T12:00:00.000" if name == "global" else None
        question = f"<p>The docs mention the <code>{name}</code> statement. What does it do, with an example?</p>\n"
        rows.append(
            _row(
                Id=qid,
                PostTypeId=1,
                AcceptedAnswerId=qid + 1 if n % 2 == 0 else None,
                CreationDate=f"{day}T09:{n:02d}:00.000",
                Score=n % 7,
                Body=question,
                OwnerUserId=1 + n % len(USERS),
                Title=f'How does the "{name}" statement work?',
                Tags=f"<python><{name}-statement>",
                AnswerCount=len(answers),
                ClosedDate=closed,
            )
        )
        for aid, body, score in answers:
            rows.append(
                _row(
                    Id=aid,
                    PostTypeId=2,
                    ParentId=qid,
                    CreationDate=f"{YEARS[(n + aid) % 3]}T10:00:00.000",
                    Score=score,
                    Body=_html(body),
                    OwnerUserId=1 + aid % len(USERS),
                )
            )
        next_id += len(answers) + 1
    rows.append(
        _row(
            Id=next_id,
            PostTypeId=2,
            ParentId=next_id,
            CreationDate="2015-01-01T00:00:00.000",
            Score=1,
            Body="<p>An answer whose question is not in the dump.</p>",
            OwnerUserId=2,
        )
    )
    rows.append(
        _row(
            Id=next_id + 1,
            PostTypeId=2,
            ParentId=1,
            CreationDate="2015-01-02T00:00:00.000",
            Score=0,
            Body="<p>Deleted.</p>",
            DeletionDate="2015-01-03T00:00:00.000",
        )
    )
    rows.append(
        _row(
            Id=next_id + 2,
            PostTypeId=4,
            CreationDate="2015-01-01T00:00:00.000",
            Score=0,
            Body="<p>Python is a programming language.</p>",
        )
    )
    rows.append(
        _row(
            Id=next_id + 3,
            PostTypeId=5,
            CreationDate="2015-01-01T00:00:00.000",
            Score=0,
            Body="<p>Use this tag for questions about Python.</p>",
        )
    )
    rows.append(_row(Id=next_id + 4, CreationDate="2015-01-01T00:00:00.000", Body="<p>No PostTypeId.</p>"))
    return rows  # fmt: skip


def build(out: Path) -> None:
    folder = out / "stackexchange" / SITE
    os.makedirs(folder, exist_ok=True)
    head = '\ufeff<?xml version="1.0" encoding="utf-8"?>\n'
    posts_xml = head + "<posts>\n" + "\n".join(posts()) + "\n</posts>\n"
    (folder / "Posts.xml").write_text(posts_xml, encoding="utf-8")
    users = [_row(Id=i, DisplayName=name, CreationDate="2009-01-01T00:00:00.000") for i, name in enumerate(USERS, 1)]
    (folder / "Users.xml").write_text(head + "<users>\n" + "\n".join(users) + "\n</users>\n", encoding="utf-8")
