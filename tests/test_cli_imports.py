"""The CLI starts without the heavy libraries: each verb imports what it needs when it runs."""

from __future__ import annotations

import subprocess
import sys

HEAVY = (
    "pandas",
    "pyarrow",
    "numpy",
    "pydantic",
    "fsspec",
    "torch",
    "pyspark",
    "apache_beam",
    "fasttext",
    "tokenizers",
    "tiktoken",
    "icu",
)


def _imported_heavy(code: str) -> str:
    """The HEAVY modules a fresh interpreter holds after running `code`."""
    code += f"\nprint(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_building_the_cli_imports_no_heavy_library() -> None:
    out = _imported_heavy("import sys, pajama.cli\npajama.cli.build_parser()")
    assert out == "", f"imported while building the parser: {out}"


def test_pajama_list_imports_no_heavy_library() -> None:
    """`pajama list` prints the built-ins from pajama._catalog, not from their modules."""
    code = (
        "import contextlib, io, sys, pajama.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
        "    assert pajama.cli.main(['list']) == 0\n"
        "assert 'gopher_quality@1' in out.getvalue()\n"
    )
    out = _imported_heavy(code)
    assert out == "", f"imported by `pajama list`: {out}"
