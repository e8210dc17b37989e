"""Weak license evidence: declarations in package metadata and statements in READMEs."""

from __future__ import annotations

import pytest

from pajama.licenses.meta import metadata_licenses, names_in, readme_licenses, to_expression


@pytest.mark.parametrize(
    ("path", "text", "expected"),
    [
        ("package.json", '{"name": "x", "license": "MIT"}', ["MIT"]),
        ("package.json", '{"license": {"type": "ISC"}}', ["ISC"]),
        ("package.json", '{"licenses": [{"type": "MIT"}, {"type": "Apache-2.0"}]}', ["Apache-2.0 AND MIT"]),
        ("package.json", '{"license": "UNLICENSED"}', ["LicenseRef-proprietary"]),
        ("package.json", '{"license": "SEE LICENSE IN LICENSE.txt"}', []),
        ("composer.json", '{"license": ["MIT", "GPL-3.0-or-later"]}', ["GPL-3.0-or-later OR MIT"]),
        ("pyproject.toml", '[project]\nname = "x"\nlicense = "BSD-3-Clause"\n', ["BSD-3-Clause"]),
        ("pyproject.toml", '[project]\nlicense = {text = "Apache License 2.0"}\n', ["Apache-2.0"]),
        (
            "pyproject.toml",
            '[project]\nclassifiers = ["License :: OSI Approved :: MIT License", "Programming Language :: Python"]\n',
            ["MIT"],
        ),
        ("pyproject.toml", '[tool.poetry]\nlicense = "GPL-2.0-only"\n', ["GPL-2.0-only"]),
        ("setup.cfg", "[metadata]\nname = x\nlicense = BSD 2-Clause\n", ["BSD-2-Clause"]),
        ("setup.py", 'setup(name="x",\n      license="MIT",\n)\n', ["MIT"]),
        ("Cargo.toml", '[package]\nname = "x"\nlicense = "MIT/Apache-2.0"\n', ["MIT OR Apache-2.0"]),
        ("x.gemspec", "Gem::Specification.new do |s|\n  s.licenses = ['MIT']\nend\n", ["MIT"]),
        ("package.json", "{not json", []),
        ("pyproject.toml", "[project\n", []),
    ],
)
def test_package_metadata(path: str, text: str, expected: list[str]) -> None:
    assert [expr for expr, _ in metadata_licenses(path, text)] == expected


def test_free_text_names() -> None:
    assert names_in("Licensed under the Apache License, Version 2.0") == ["Apache-2.0"]
    assert names_in("GNU General Public License v3 or MIT") == ["GPL-3.0", "MIT"]
    assert names_in("GNU Lesser General Public License version 2.1") == ["LGPL-2.1"]
    assert names_in("the submission deadline was committed") == []
    assert to_expression("Dual License") == "LicenseRef-unknown"
    assert to_expression("bsd") == "LicenseRef-BSD"


def test_readme_statements() -> None:
    section = "# Tool\n\nDoes things.\n\n## License\n\nMIT\n"
    assert list(readme_licenses(section)) == [("MIT", "license section")]
    badge = "[![License: GPL v3](https://img.shields.io/badge/license-GPLv3-blue.svg)](LICENSE)\n"
    assert ("GPL-3.0", "license badge") in list(readme_licenses(badge))
    dual = (
        "## License\n\nLicensed under either of\n\n * Apache License, Version 2.0\n * MIT license\n\nat your option.\n"
    )
    assert ("Apache-2.0 OR MIT", "license section") in list(readme_licenses(dual))
    nc = "This program can be copied and distributed freely for any non-commercial purposes.\n"
    assert list(readme_licenses(nc)) == [("LicenseRef-noncommercial", "non-commercial terms")]
    assert list(readme_licenses("# A project\n\nIt parses things quickly.\n")) == []
