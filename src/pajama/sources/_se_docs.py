"""StackExchange documents: one question with its answers, its license and the attribution it requires.

Licensing follows Stack Exchange's policy (https://stackoverflow.com/help/licensing): a contribution is
CC BY-SA 2.5 before 2011-04-08, CC BY-SA 3.0 from then until 2018-05-01, CC BY-SA 4.0 from 2018-05-02
(UTC). A document holds several contributions, so its license is the SPDX conjunction of theirs
("CC-BY-SA-3.0 AND CC-BY-SA-4.0"). The attribution CC BY-SA and Stack Exchange require names the site,
links the question, and names (and links) every author whose text the document holds.
"""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass
from typing import Any

from pajama.sources._se_html import html_to_text

LICENSE_STEPS = (("2011-04-08", "CC-BY-SA-2.5"), ("2018-05-02", "CC-BY-SA-3.0"))
LATEST_LICENSE = "CC-BY-SA-4.0"
_DUMP_SUFFIXES = re.compile(r"(?:\.(?:xml|gz|bz2|xz|zst|7z))+$", re.IGNORECASE)
_TAG = re.compile(r"<([^<>]+)>")


@dataclass(frozen=True, slots=True)
class Post:
    """A question or answer as the index returns it."""

    id: int
    score: int
    created: str
    body: str
    owner_id: int | None
    owner_name: str | None


def license_for(created: str) -> str:
    """The CC BY-SA version of a contribution made at `created` (ISO date; unknown -> the current 4.0)."""
    day = created[:10]
    if not day:
        return LATEST_LICENSE
    for until, spdx in LICENSE_STEPS:
        if day < until:
            return spdx
    return LATEST_LICENSE


def parse_tags(raw: str | None) -> list[str]:
    """ "<python><regex>" (dumps until 2023) or "|python|regex|" (dumps since 2024) -> ["python", "regex"]."""
    if not raw:
        return []
    if "<" in raw:
        return _TAG.findall(raw)
    return [t for t in raw.split("|") if t]


def site_from_name(name: str, uri: str) -> str | None:
    """ "beer.stackexchange.com-Posts.xml.gz", "x.stackexchange.com/Posts.xml", "x.com.7z" -> the site."""
    base = posixpath.basename(name.replace("\\", "/").rstrip("/"))
    stem = _DUMP_SUFFIXES.sub("", base)
    if stem.lower().endswith("-posts"):
        stem = stem[: -len("-posts")]
    elif stem.lower() == "posts":
        parent = posixpath.dirname(uri.replace("\\", "/").rstrip("/"))
        stem = posixpath.basename(parent)
    return stem if "." in stem else None


def author(site: str, post: Post) -> str:
    """How the attribution names one author: display name and profile link, whichever the dump has."""
    profile = f"https://{site}/users/{post.owner_id}" if post.owner_id is not None and post.owner_id > 0 else ""
    if post.owner_name and profile:
        return f"{post.owner_name} ({profile})"
    return post.owner_name or profile or "anonymous"


def document(
    *,
    site: str,
    question: Post,
    title: str,
    tags: str | None,
    answers: list[Post],
    accepted_id: int | None,
    license_override: str | None = None,
) -> tuple[str, dict[str, Any]]:
    """(text, meta) of one question: title, question body, answers (already sorted), accepted one marked."""
    parts = [title.strip(), html_to_text(question.body)]
    for a in answers:
        label = "Accepted answer" if a.id == accepted_id else "Answer"
        parts.append(f"{label} (score {a.score}):\n\n{html_to_text(a.body)}")
    url = f"https://{site}/questions/{question.id}"
    posts = [question, *answers]
    license_expr = license_override or " AND ".join(sorted({license_for(p.created) for p in posts}))
    authors = list(dict.fromkeys(author(site, p) for p in posts))
    meta: dict[str, Any] = {
        "site": site,
        "question_id": question.id,
        "title": title,
        "score": question.score,
        "tags": parse_tags(tags),
        "url": url,
        "created": question.created,
        "answer_count": len(answers),
        "accepted_answer_id": accepted_id if any(a.id == accepted_id for a in answers) else None,
        "license": license_expr,
        "authors": authors,
        "attribution": f'"{title.strip()}", {url}, by {", ".join(authors)}; from {site} (Stack Exchange), '
        f"licensed under {license_expr}",
    }
    return "\n\n".join(p for p in parts if p), meta
