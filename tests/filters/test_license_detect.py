"""License detection: full texts (exact, edited, several in one file), headers and tags, repository level.

Texts are built from the reference texts the installed `spdx` package ships, never from copies here.
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest

from pajama.licenses.detect import detect_repository, file_evidence, is_license_file
from pajama.licenses.match import match_text
from pajama.licenses.refs import references, spdx_data_dir


def reference_text(lic: str, holder: str = "2021 Jane Doe") -> str:
    """A license as a project would ship it: variables filled, optional parts kept, copyright line set."""
    text = (spdx_data_dir() / f"{lic}.txt").read_text(encoding="utf-8")
    text = re.sub(r"<<var;name=[^;]*;original=(.*?);match=.*?>>", lambda m: m.group(1), text, flags=re.S)
    text = re.sub(r"<<beginOptional[^>]*>>|<<endOptional>>", " ", text)
    return text.replace("<year> <copyright holders>", holder)


def ids(text: str) -> list[str]:
    return [m.license for m in match_text(text)]


def wrapped(text: str, width: int = 72) -> str:
    return "\n\n".join(textwrap.fill(p, width) for p in text.split("\n\n"))


MIT = reference_text("MIT")


def test_exact_copies_are_recognized_whatever_their_layout() -> None:
    assert ids(MIT) == ["MIT"]
    assert ids("The MIT License (MIT)\n\n" + wrapped(MIT)) == ["MIT"]
    assert ids(
        wrapped(MIT, 60).replace("Copyright (c) 2021 Jane Doe", "Copyright (c) 2015-2024 The Widget Authors")
    ) == ["MIT"]
    named = MIT.replace("THE AUTHORS OR COPYRIGHT HOLDERS BE LIABLE", "JANE DOE BE LIABLE")
    assert ids(named) == ["MIT"]  # naming the licensor instead of "the copyright holders" is not an edit
    assert ids(reference_text("Apache-2.0")) == ["Apache-2.0"]
    assert ids(reference_text("BSD-3-Clause").replace("the copyright holder", "Pallets")) == ["BSD-3-Clause"]
    assert ids(reference_text("BSD-2-Clause")) == ["BSD-2-Clause"]


@pytest.mark.parametrize(
    "edit",
    [
        lambda t: t + "\n\nThe Software shall not be used for military purposes.",
        lambda t: t.replace("sublicense, and/or sell", ""),
        lambda t: t.replace("to deal in the Software", "to deal in the Software for non-commercial purposes only,"),
        lambda t: t.replace("is hereby granted", "is not granted"),
        lambda t: t.replace("The above copyright notice and this permission notice shall be included in all", "All"),
    ],
    ids=["added-clause", "removed-rights", "field-of-use", "negated", "removed-condition"],
)
def test_an_edited_mit_is_never_called_mit(edit) -> None:
    found = ids(edit(MIT))
    assert found and "MIT" not in found
    assert found[0] == "LicenseRef-modified-MIT"


def test_several_licenses_in_one_file() -> None:
    both = ids(MIT + "\n\n---\n\n" + reference_text("Apache-2.0"))
    assert sorted(both) == ["Apache-2.0", "MIT"]
    assert ids("This is not a license at all, just a README about widgets and gadgets.") == []


def test_most_reference_texts_identify_themselves() -> None:
    """Each license of the installed list, filled in, is found as itself (a few are duplicates of others)."""
    db = json.loads((spdx_data_dir() / "db.json").read_text())
    sample = db["licenses"][::7]  # every 7th keeps the test fast; the benchmark runs them all
    hits = sum(ids(reference_text(e["template"].removesuffix(".txt")))[:1] == [e["id"]] for e in sample)
    assert hits >= 0.95 * len(sample)


def test_file_level_tags_and_headers() -> None:
    tag = file_evidence("a.rs", "// SPDX-License-Identifier: MIT OR Apache-2.0\nfn main() {}\n")
    assert tag is not None and (tag.license, tag.method) == ("MIT OR Apache-2.0", "spdx_tag")
    bad = file_evidence("a.c", "/* SPDX-License-Identifier: MIT AND */\n")
    assert bad is not None and bad.license == "LicenseRef-unknown"
    apache = json.loads((spdx_data_dir() / "db.json").read_text())
    header = next(e["header"] for e in apache["licenses"] if e["id"] == "Apache-2.0")
    header = re.sub(r"<<var;.*?>>", "2020 Google LLC", header, flags=re.S)
    source = "".join(f"# {line}\n" for line in wrapped(header, 76).splitlines()) + "\nimport os\n" * 40
    ev = file_evidence("x.py", source)
    assert ev is not None and ev.license == "Apache-2.0" and ev.method == "header_header"
    gpl_or_later = (
        "# This program is free software: you can redistribute it and/or modify it under the terms of the GNU\n"
        "# General Public License as published by the Free Software Foundation, either version 3 of the\n"
        "# License, or (at your option) any later version.\n# This program is distributed in the hope that it\n"
        "# will be useful, but WITHOUT ANY WARRANTY; without even the implied warranty of MERCHANTABILITY or\n"
        "# FITNESS FOR A PARTICULAR PURPOSE.  See the GNU General Public License for more details.\n"
        "# You should have received a copy of the GNU General Public License along with this program.  If\n"
        "# not, see <https://www.gnu.org/licenses/>.\n"
    )
    ev = file_evidence("g.py", gpl_or_later)
    assert ev is not None and ev.license == "GPL-3.0+"
    assert file_evidence("plain.py", "import os\nprint(os.getcwd())\n") is None


def test_repository_level_combines_files_metadata_and_readme() -> None:
    cargo = '[package]\nname = "x"\nlicense = "MIT OR Apache-2.0"\n'
    dual = detect_repository({"LICENSE-MIT": MIT, "LICENSE-APACHE": reference_text("Apache-2.0"), "Cargo.toml": cargo})
    assert dual.expression == "MIT OR Apache-2.0" and dual.confidence >= 0.9
    both = detect_repository({"LICENSE-MIT": MIT, "LICENSE-APACHE": reference_text("Apache-2.0")})
    assert both.expression == "Apache-2.0 AND MIT"  # without a stated choice, both apply
    edited = detect_repository(
        {"LICENSE": MIT + "\nNo use by oil companies is permitted.\n", "package.json": '{"license": "MIT"}'}
    )
    assert edited.expression == "LicenseRef-modified-MIT"  # the metadata's MIT does not launder the edit
    meta_only = detect_repository({"package.json": '{"name": "x", "license": "ISC"}', "README.md": "# x\n"})
    assert (meta_only.expression, meta_only.confidence) == ("ISC", 0.6)
    assert [e.method for e in meta_only.evidence] == ["package_metadata"]
    readme_only = detect_repository({"README.md": "# x\n\nStuff.\n\n## License\n\nBSD 3-Clause\n"})
    assert (readme_only.expression, readme_only.confidence) == ("BSD-3-Clause", 0.4)
    assert detect_repository({"README.md": "# nothing here\n"}).expression == "NONE"
    custom = detect_repository({"LICENSE": "You may look at this code but you may not copy, use or share it. " * 3})
    assert custom.expression == "LicenseRef-unknown"


def test_license_file_names() -> None:
    yes = ["LICENSE", "LICENSE.md", "licence.txt", "COPYING", "COPYING.LESSER", "UNLICENSE", "LICENSE-MIT", "NOTICE"]
    no = ["license.py", "src/licenses.go", "README.md", "COPYRIGHT.json", "licensing_test.rs"]
    assert all(is_license_file(p) for p in [*yes, "LICENSES/MIT.txt"])
    assert not any(is_license_file(p) for p in no)


def test_no_license_text_is_copied_into_the_repository(repo_root: Path) -> None:
    """Reference texts are read from the installed package at run time (DESIGN: never copy them)."""
    phrases = [r.tokens[10:22] for r in references() if r.kind == "license" and r.id in ("MIT", "Apache-2.0")]
    pattern = re.compile("|".join(r"\W+".join(p) for p in phrases), re.I)
    for folder in ("pajama", "sources", "filters"):
        for path in (repo_root / folder).rglob("*"):
            if path.is_file() and path.suffix in ("", ".py", ".txt", ".json", ".md"):
                assert not pattern.search(path.read_text(errors="replace")), path


def test_pointer_files_and_short_custom_terms() -> None:
    pointer = "Made available under the terms of *either* of the licenses found in LICENSE.APACHE or LICENSE.BSD."
    found = detect_repository(
        {
            "LICENSE": pointer,
            "LICENSE.APACHE": reference_text("Apache-2.0"),
            "LICENSE.BSD": reference_text("BSD-3-Clause"),
        }
    )
    assert found.expression == "Apache-2.0 OR BSD-3-Clause"
    assert [e.method for e in found.evidence] == ["license_file", "license_file", "license_pointer"]
    alone = detect_repository({"LICENSE": "MIT License\n\nCopyright (c) 2020 Bob\n"})
    assert (alone.expression, alone.confidence) == ("MIT", 0.6)  # a name without the text is weaker evidence
    proprietary = "All rights reserved. You may not copy, modify or distribute this software without permission."
    assert detect_repository({"LICENSE": proprietary}).expression == "LicenseRef-unknown"
    assert detect_repository({"LICENSE": "Copyright (c) 2020 Bob\n"}).expression == "NONE"


def test_header_statements() -> None:
    ev = file_evidence("a.py", "# Author: X\n# License: BSD 3 clause\nimport os\n")
    assert ev is not None and (ev.license, ev.method) == ("BSD-3-Clause", "header_statement")
    ev = file_evidence("b.py", '"""Tools.\n\nLicensed under the MIT License.\n"""\nimport os\n')
    assert ev is not None and ev.license == "MIT"
    assert file_evidence("c.py", "# licence: who knows\nx = 1\n") is None
