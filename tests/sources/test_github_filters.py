"""`code_quality` (RedPajama v1 GitHub rules) and the `redpajama_github` preset: one document per drop reason."""

from __future__ import annotations

import pytest

from pajama.filter import apply_verdict
from pajama.filters.code import CodeQuality, code_signals, strip_leading_notice, strip_redpajama_header
from pajama.record import Record
from pajama.registry import get_filter, get_preset

GOOD = "def add(a, b):\n    return a + b\n\n\nprint(add(1, 2))\n"


def record(text: str, path: str | None = "src/mod.py") -> Record:
    return Record("code/x", text, "code", {"path": path} if path else {}, {})


@pytest.mark.parametrize(
    ("text", "path", "reason"),
    [
        (GOOD, "src/mod.py", None),
        (GOOD, "Makefile", None),
        (GOOD, "notes.txt", "code_quality.extension"),
        (GOOD, None, None),  # no path: the extension rule does not apply
        ("x = 1\n" + "y" * 1001 + "\n", "a.py", "code_quality.max_line_length"),
        ("\n".join(["value = " + "z" * 120] * 10), "a.py", "code_quality.avg_line_length"),
        ("{[(<>)]};\n" * 20, "a.c", "code_quality.alphanum_fraction"),
        ("1 2 3 4 5 6 7 8 9 0\n" * 20, "a.py", "code_quality.alpha_per_token"),
        ("   \n\n", "a.py", "code_quality.empty"),
    ],
)
def test_one_document_per_reason(text: str, path: str | None, reason: str | None) -> None:
    v = CodeQuality()(record(text, path))
    assert v.reason == reason and v.kept == (reason is None)


def test_signals_follow_the_definitions() -> None:
    text = "ab 12\n!!\n"
    s = code_signals(text)
    # RedPajama-v1: mean line length = characters (newlines included) / str.splitlines() lines
    assert s["max_line_length"] == 5 and s["avg_line_length"] == len(text) / 2 == 4.5
    assert s["alphanum_fraction"] == 4 / len(text) and s["alpha_per_token"] == 2 / 3


LICENSE_LINE = " * " + "Permission is granted to use this. " * 5 + "\n"
LICENSE_BLOCK = "/* Copyright 2021 Acme Corp.\n" + LICENSE_LINE * 8 + " */\n"
C_BODY = '#include <stdio.h>\nint main(void) {\n    return puts("hi");\n}\n'


def test_redpajama_header_rule_on_crafted_files() -> None:
    # the first C block comment goes when it says "copyright", wherever it is; the rest stays
    assert strip_redpajama_header(LICENSE_BLOCK + C_BODY) == "\n" + C_BODY
    later = C_BODY + "/* (C) COPYRIGHT 1999 */\nint y;\n"
    assert strip_redpajama_header(later) == C_BODY + "\nint y;\n"
    # a block comment without "copyright" stops the rule: leading line comments are kept then
    plain = "// Licensed under MIT\n/* helper */\nint x;\n"
    assert strip_redpajama_header(plain) == plain
    # only the first block comment counts, even when a later one is the notice
    assert strip_redpajama_header("/* a */\n/* Copyright X */\n") == "/* a */\n/* Copyright X */\n"
    # no block comment: every leading empty, "#", "//" or "--" line goes, whatever it says (shebang too)
    py = "#!/usr/bin/env python\n# helpers for the demo\n\n# more\nimport os\n# not leading\n"
    assert strip_redpajama_header(py) == "import os\n# not leading\n"
    assert strip_redpajama_header("-- sql header\n//x\nSELECT 1;") == "SELECT 1;"
    # an indented comment is not a leading comment line (RedPajama tests the raw line start)
    assert strip_redpajama_header("  # indented\nx = 1\n") == "  # indented\nx = 1\n"
    assert strip_redpajama_header("# only\n# comments\n") == ""


def test_statistics_are_computed_after_the_header_is_removed() -> None:
    text = LICENSE_BLOCK + C_BODY
    assert code_signals(text)["avg_line_length"] > 100 >= code_signals(C_BODY)["avg_line_length"]
    rec = record(text, "src/main.c")
    v = CodeQuality()(rec)  # RedPajama-v1 keeps this file: its license lines are gone before the statistics
    assert v.kept and v.text == "\n" + C_BODY
    assert v.signals["avg_line_length"] == len(v.text) / len(v.text.splitlines())
    apply_verdict(rec, v, stage="code_quality", signals_prefix="code_quality")
    assert rec.text == v.text and rec.meta["edits"] == [
        {"stage": "code_quality", "removed": "header_comments.redpajama", "chars": len(LICENSE_BLOCK) - 1}
    ]
    kept_header = CodeQuality(header_comments="keep")(record(text, "src/main.c"))
    assert kept_header.reason == "code_quality.avg_line_length" and kept_header.text is None
    only_comments = CodeQuality()(record("# just a comment\n\n", "a.py"))
    assert only_comments.reason == "code_quality.empty"


def test_notice_rule_is_an_option() -> None:
    text = "#!/usr/bin/env python\n# Copyright 2020 Acme\n# Licensed under the MIT License.\n\nimport os\n"
    v = CodeQuality(header_comments="notice")(record(text))
    assert v.kept and v.text == "#!/usr/bin/env python\nimport os\n"
    assert v.edit == {"removed": "header_comments.notice", "chars": len(text) - len(v.text)}
    assert CodeQuality()(record(text)).text == "import os\n"  # RedPajama-v1 also drops the shebang
    assert CodeQuality(header_comments="notice")(record("# a plain comment\nx = 1\n")).text is None
    assert strip_leading_notice("# a plain comment\nx = 1\n") == ("# a plain comment\nx = 1\n", 0)
    c_block = "/*\n * (c) 2019 Someone\n */\nint x;\n"
    assert strip_leading_notice(c_block) == ("int x;\n", len(c_block) - len("int x;\n"))


def test_registered_filter_and_preset() -> None:
    assert get_filter("code_quality") is CodeQuality
    preset = get_preset("redpajama_github")
    (spec,) = preset.filters
    assert spec["code_quality"]["max_line_length"] == 1000 and ".py" in spec["code_quality"]["extensions"]
    assert spec["code_quality"]["header_comments"] == "redpajama"
