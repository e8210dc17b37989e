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


def test_a_local_dedup_run_imports_no_pandas(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """pyarrow imports pandas (0.5 s) on its first list or numpy conversion; pajama.arrowcols avoids those
    conversions, so a whole run (exact + MinHash dedup, rejected shards, the release index) never loads it."""
    docs = tmp_path / "docs.jsonl"
    body = " ".join(f"word{i}" for i in range(60))
    lines = [f'{{"id": "d{i}", "text": "{body} tail{i % 3}"}}' for i in range(12)]
    docs.write_text("\n".join(lines) + "\n")
    config = tmp_path / "c.yaml"
    config.write_text(
        f"dataset: nopandas\nversion: 1.0.0\noutput: {tmp_path / 'out'}\nrejected: true\nshards: 2\n"
        "dedup: {exact: {}, minhash: {threshold: 0.8, verify: exact}}\n"
        f"sources:\n  web:\n    reader: jsonl\n    inputs: [{docs}]\n"
    )
    code = (
        "import contextlib, io, sys, pajama.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):\n"
        f"    assert pajama.cli.main(['run', {str(config)!r}, '--workers', '1']) == 0\n"
        "assert 'pyarrow' in sys.modules\n"
    )
    out = _imported_heavy(code)
    assert "pandas" not in out.split(","), f"imported by a dedup run: {out}"
    assert (tmp_path / "out" / "nopandas" / "1.0.0" / "index" / "docs.parquet").exists()
