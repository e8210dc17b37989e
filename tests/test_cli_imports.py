"""The CLI starts without the heavy libraries: each verb imports what it needs when it runs."""

from __future__ import annotations

import subprocess
import sys

HEAVY = ("pandas", "pyarrow", "numpy", "torch", "pyspark", "apache_beam", "fasttext", "tokenizers", "tiktoken", "icu")


def test_building_the_cli_imports_no_heavy_library() -> None:
    code = (
        "import sys, pajama.cli\n"
        "pajama.cli.build_parser()\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "", f"imported while building the parser: {out}"
