"""`code_quality` (RedPajama v1 GitHub rules) and the `redpajama_github` preset: one document per drop reason."""

from __future__ import annotations

import pytest

from pajama.filter import apply_verdict
from pajama.filters.code import CodeQuality, code_signals, strip_leading_notice
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
    assert s["max_line_length"] == 5 and s["avg_line_length"] == 3.5
    assert s["alphanum_fraction"] == 4 / len(text) and s["alpha_per_token"] == 2 / 3


def test_license_header_stripping_is_a_recorded_edit() -> None:
    text = "#!/usr/bin/env python\n# Copyright 2020 Acme\n# Licensed under the MIT License.\n\nimport os\n"
    rec = record(text)
    v = CodeQuality(strip_license_header=True)(rec)
    assert v.kept and v.text == "#!/usr/bin/env python\nimport os\n"
    apply_verdict(rec, v, stage="code_quality", signals_prefix="code_quality")
    assert rec.text == v.text and rec.meta["edits"] == [
        {"stage": "code_quality", "removed": "leading_license_comment", "chars": len(text) - len(v.text)}
    ]
    assert CodeQuality()(record(text)).text is None  # off by default, as RedPajama kept headers
    assert strip_leading_notice("# a plain comment\nx = 1\n") == ("# a plain comment\nx = 1\n", 0)
    c_block = "/*\n * (c) 2019 Someone\n */\nint x;\n"
    assert strip_leading_notice(c_block) == ("int x;\n", len(c_block) - len("int x;\n"))


def test_registered_filter_and_preset() -> None:
    assert get_filter("code_quality") is CodeQuality
    preset = get_preset("redpajama_github")
    (spec,) = preset.filters
    assert spec["code_quality"]["max_line_length"] == 1000 and ".py" in spec["code_quality"]["extensions"]
