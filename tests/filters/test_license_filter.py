"""The `license` stage: allow / deny / named policies over SPDX expressions, with stable drop reasons."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pajama.errors import ConfigError
from pajama.filters.license import POLICIES, LicensePolicy
from pajama.licenses.expr import ExpressionError, evaluate, join, parse
from pajama.options import build
from pajama.record import Record
from pajama.registry import get_filter


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.tuples(children, st.sampled_from([" AND ", " OR "]), children).map(lambda t: f"({t[0]}{t[1]}{t[2]})")


def verdict(policy: LicensePolicy, license: str | None, confidence: float | None = None):
    meta: dict = {} if license is None else {"license": license}
    if confidence is not None:
        meta["license_confidence"] = confidence
    return policy(Record("code/x", "text", "code", meta, {}))


@pytest.mark.parametrize(
    ("license", "reason"),
    [
        ("MIT", None),
        ("mit", None),
        ("MIT OR GPL-3.0", None),
        ("GPL-3.0 OR MIT", None),
        ("MIT AND GPL-3.0", "license.GPL-3.0"),
        ("(MIT OR GPL-2.0) AND (Apache-2.0 OR GPL-3.0)", None),
        ("Apache-2.0 WITH LLVM-exception", None),
        ("GPL-3.0-only", "license.GPL-3.0-only"),
        ("LicenseRef-modified-MIT", "license.LicenseRef-modified-MIT"),
        ("LicenseRef-unknown", "license.unknown"),
        ("NONE", "license.none"),
        (None, "license.unknown"),
        ("", "license.unknown"),
        ("see the file COPYING", "license.unknown"),
    ],
)
def test_permissive_policy(license: str | None, reason: str | None) -> None:
    v = verdict(LicensePolicy(policy="permissive"), license)
    assert (v.kept, v.reason) == (reason is None, reason)


def test_allow_deny_and_aliases() -> None:
    gpl = LicensePolicy(allow=("GPL-3.0",))
    assert verdict(gpl, "GPL-3.0-only").kept and verdict(gpl, "gpl-3.0").kept
    assert verdict(gpl, "GPL-3.0+").reason == "license.GPL-3.0+"  # "or later" is a different grant
    assert verdict(LicensePolicy(allow=("GPL-3.0-or-later",)), "GPL-3.0+").kept
    no_wtfpl = LicensePolicy(policy="permissive", deny=("WTFPL",))
    assert verdict(no_wtfpl, "WTFPL").reason == "license.WTFPL"
    assert verdict(no_wtfpl, "WTFPL OR MIT").kept
    deny_only = LicensePolicy(deny=("AGPL-3.0",))
    assert verdict(deny_only, "GPL-2.0").kept and verdict(deny_only, "AGPL-3.0").reason == "license.AGPL-3.0"
    assert verdict(deny_only, "LicenseRef-modified-MIT").reason == "license.LicenseRef-modified-MIT"
    assert verdict(LicensePolicy(allow=("LicenseRef-acme-1",)), "LicenseRef-acme-1").kept


def test_weak_evidence_and_redpajama_policy() -> None:
    strict = LicensePolicy(policy="permissive", min_confidence=0.5)
    assert verdict(strict, "MIT", 0.4).reason == "license.weak_evidence"
    assert verdict(strict, "MIT", 1.0).kept and verdict(strict, "MIT").kept  # no confidence recorded: not judged
    rp = LicensePolicy(policy="redpajama")
    assert [verdict(rp, lic).kept for lic in ("MIT", "BSD-3-Clause", "Apache-2.0", "ISC")] == [True, True, True, False]
    assert POLICIES["redpajama"] <= POLICIES["permissive"]


def test_built_from_config_and_picklable() -> None:
    cls = get_filter("license")
    policy = build(cls, {"allow": ["MIT"], "policy": "permissive"}, "sources.code.license")
    assert pickle.loads(pickle.dumps(policy)) == policy
    with pytest.raises(ConfigError) as e:
        build(cls, {"policy": "copyleft-ish"}, "sources.code.license")
    assert "sources.code.license" in str(e.value) and "permissive" in str(e.value)
    with pytest.raises(ConfigError):
        build(cls, {"alow": ["MIT"]}, "sources.code.license")


def test_expression_grammar() -> None:
    assert str(parse("mit or (apache-2.0 and bsd-3-clause)")) == "mit OR apache-2.0 AND bsd-3-clause"
    assert str(parse("(A OR B) AND C")) == "(A OR B) AND C"
    assert str(parse("MIT/Apache-2.0")) == "MIT OR Apache-2.0"
    assert parse("A AND B AND (C AND D)").ids() == ["A", "B", "C", "D"]
    for bad in ("", "MIT OR", "(MIT", "MIT Apache", "AND MIT", "MIT WITH", "a, b"):
        with pytest.raises(ExpressionError):
            parse(bad)
    assert join("AND", ["MIT OR Apache-2.0", "BSD-3-Clause", "BSD-3-Clause"]) == "BSD-3-Clause AND (MIT OR Apache-2.0)"
    ok, failing = evaluate(parse("(A OR B) AND C"), lambda i: i in {"B"})
    assert (ok, failing) == (False, ["C"])


@given(st.recursive(st.sampled_from(["MIT", "Apache-2.0", "GPL-3.0+", "BSD-3-Clause"]), _combine, max_leaves=6))
def test_printing_an_expression_keeps_its_meaning(text: str) -> None:
    expr = parse(text)
    again = parse(str(expr))
    assert str(again) == str(expr)
    for allowed in ({"MIT"}, {"Apache-2.0", "BSD-3-Clause"}, set()):
        assert evaluate(again, allowed.__contains__) == evaluate(expr, allowed.__contains__)


def test_default_confidence_needs_a_license_text_or_an_spdx_tag() -> None:
    from pajama.licenses.detect import detect_repository

    default = LicensePolicy(policy="permissive")
    readme_only = detect_repository(
        {"README.md": "# Tool\n\n## License\n\nThis project is licensed under the MIT License."}
    )
    package_only = detect_repository({"package.json": '{"name": "x", "license": "MIT"}'})
    for found in (readme_only, package_only):
        assert found.expression == "MIT"
        record = Record("code/x", "text", "code", found.to_meta(), {})
        assert default(record).reason == "license.weak_evidence"
        assert LicensePolicy(policy="permissive", min_confidence=0.0)(record).kept
    spdx = {"license": "MIT", "license_confidence": 1.0}
    assert default(Record("code/x", "text", "code", spdx, {})).kept
