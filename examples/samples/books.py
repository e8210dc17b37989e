"""Sample Project Gutenberg-style books: two editions laid out as PG files are, bodies from pydoc topics.

`books/pg90001-0.txt`   UTF-8 with a BOM, CRLF line ends, the 2010s header with `*** START OF THE PROJECT
                        GUTENBERG EBOOK ... ***` markers, a footer and the start of the full license.
`books/pg90002-8.txt`   ISO-8859-1 bytes declared by `Character set encoding: ISO-8859-1`, the 2000s
                        header followed by the 1990s `*END*THE SMALL PRINT!` legal notice.
The ebook numbers are made up and the bodies are Python documentation (PSF-2.0), hard-wrapped at 70
columns as Project Gutenberg texts are; the books reader strips the boilerplate and unwraps them.
"""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

# what 1990s-2000s ISO-8859-1 editions typed for the characters that Latin-1 lacks
LATIN1_SPELLING = str.maketrans(
    {
        "\u2014": "--",
        "\u2013": "-",
        "\u2018": "'",
        "\u2019": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u2026": "...",
        "\u2192": "->",
        "\u2264": "<=",
        "\u2265": ">=",
    }
)
MODERN_TOPICS = ("if", "while", "for", "try", "with")
OLD_TOPICS = ("lambda", "assert", "pass", "del", "return", "import")


def _body(topics: tuple[str, ...]) -> str:
    from pydoc_data.topics import topics as pydoc_topics

    chapters = []
    for n, name in enumerate(topics, start=1):
        paragraphs = [p.strip("\n") for p in pydoc_topics[name].strip().split("\n\n") if p.strip()]
        wrapped = "\n\n".join(_typeset(p) for p in paragraphs)
        chapters.append(f"CHAPTER {n}. THE {name.upper()} STATEMENT\n\n\n{wrapped}")
    return "\n\n\n\n".join(chapters)


def _typeset(paragraph: str) -> str:
    """Prose hard-wrapped at 70 columns; code, grammar and underlined headings kept line for line."""
    lines = paragraph.split("\n")
    if any(line[:1].isspace() for line in lines) or (len(lines) == 2 and set(lines[1]) <= set("*=-")):
        return paragraph
    return textwrap.fill(" ".join(paragraph.split()), width=70)


def modern_edition() -> str:
    title = "Compound Statements of Python"
    return f"""The Project Gutenberg EBook of {title}, by Python Documentation Authors

This eBook is for the use of anyone anywhere at no cost and with
almost no restrictions whatsoever.  You may copy it, give it away or
re-use it under the terms of the Project Gutenberg License included
with this eBook or online at www.gutenberg.org


Title: {title}

Author: Python Documentation Authors

Release Date: March 3, 2014 [EBook #90001]

Language: English

Character set encoding: UTF-8

*** START OF THIS PROJECT GUTENBERG EBOOK COMPOUND STATEMENTS OF PYTHON ***




Produced by the Sample Builders of pajama




                  COMPOUND STATEMENTS OF PYTHON

                            A Primer


{_body(MODERN_TOPICS)}




End of the Project Gutenberg EBook of {title}, by Python Documentation Authors

*** END OF THIS PROJECT GUTENBERG EBOOK COMPOUND STATEMENTS OF PYTHON ***

***** This file should be named 90001-0.txt or 90001-0.zip *****

Updated editions will replace the previous one--the old editions
will be renamed.

*** START: FULL LICENSE ***

THE FULL PROJECT GUTENBERG LICENSE
PLEASE READ THIS BEFORE YOU DISTRIBUTE OR USE THIS WORK

To protect the Project Gutenberg-tm mission of promoting the free
distribution of electronic works, by using or distributing this work
(or any other work associated in any way with the phrase "Project
Gutenberg"), you agree to comply with all the terms of the Full Project
Gutenberg-tm License available with this file or online at
www.gutenberg.org/license.
"""


def latin1_edition() -> str:
    title = "Simple Statements, with a Dédicace"
    return f"""The Project Gutenberg EBook of {title}, by Guido's Élèves

Title: {title}

Author: Guido's Élèves

Release Date: July, 2003  [EBook #90002]

Language: English

Character set encoding: ISO-8859-1

*** START OF THE PROJECT GUTENBERG EBOOK SIMPLE STATEMENTS ***

***START**THE SMALL PRINT!**FOR PUBLIC DOMAIN EBOOKS**START***
Why is this "Small Print!" statement here? You know: lawyers.
They tell us you might sue us if there is something wrong with
your copy of this eBook, even if you got it for free from
someone other than us, and even if what's wrong is not our
fault. So, among other things, this "Small Print!" statement
disclaims most of our liability to you.
*END THE SMALL PRINT! FOR PUBLIC DOMAIN EBOOKS*Ver.02/11/02*END*




SIMPLE STATEMENTS

À mes élèves de Zürich, avec gratitude et café crème.


{_body(OLD_TOPICS)}



End of the Project Gutenberg EBook of {title}

*** END OF THE PROJECT GUTENBERG EBOOK SIMPLE STATEMENTS ***
"""


def build(out: Path) -> None:
    folder = out / "books"
    os.makedirs(folder, exist_ok=True)
    modern = "\ufeff" + modern_edition().replace("\n", "\r\n")
    (folder / "pg90001-0.txt").write_bytes(modern.encode("utf-8"))
    (folder / "pg90002-8.txt").write_bytes(latin1_edition().translate(LATIN1_SPELLING).encode("latin-1", "replace"))
