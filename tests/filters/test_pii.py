"""PII redaction: what is replaced, what is left alone, counts and edits."""

from __future__ import annotations

import ipaddress
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pajama.filter import apply_verdict
from pajama.filters.pii import PII
from pajama.record import Record


def rec(text: str) -> Record:
    return Record(id="pii/x", text=text, source="t", meta={}, origin={})


@pytest.mark.parametrize(
    ("text", "expected", "signal"),
    [
        ("Mail jane.doe+news@mail.example.co.uk today.", "Mail <EMAIL_ADDRESS> today.", "emails"),
        ("The server 192.168.10.254 is down.", "The server <IP_ADDRESS> is down.", "ip_addresses"),
        ("Use 2001:db8:85a3::8a2e:370:7334 now", "Use <IP_ADDRESS> now", "ip_addresses"),
        ("Mapped ::ffff:192.0.2.128 here", "Mapped <IP_ADDRESS> here", "ip_addresses"),
        ("Call +1 (555) 123-4567 or 555.123.4567.", "Call <PHONE_NUMBER> or <PHONE_NUMBER>.", "phone_numbers"),
        ("London: +44 20 7946 0958.", "London: <PHONE_NUMBER>.", "phone_numbers"),
    ],
)
def test_redacts_and_counts(text: str, expected: str, signal: str) -> None:
    r = rec(text)
    v = PII()(r)
    assert v.kept and v.text == expected
    found = expected.count("<")
    assert v.signals[signal] == found
    assert v.edit == {signal: found}
    apply_verdict(r, v, stage="pii", signals_prefix="pii")
    assert r.text == expected and r.meta["edits"] == [{"stage": "pii", signal: found}]


@pytest.mark.parametrize(
    "text",
    [
        "Released on 2021-05-12, version 1.2.3.4.5, pi is 3.14159.",
        "Meet at 12:30:45 in room 101; std::vector<int> works.",
        "ISBN 9780131103627 and order 123456789 and years 1999-2000.",
        "Not an address: user@localhost or @handle or a@b.",
        "Scores 300-250-100 and 999.999.999.999 are not addresses.",
    ],
)
def test_leaves_look_alikes_alone(text: str) -> None:
    v = PII()(rec(text))
    assert v.kept and v.text is None and v.edit is None
    assert v.signals == {"emails": 0, "ip_addresses": 0, "phone_numbers": 0}


def test_kinds_and_count_only() -> None:
    text = "a@example.com 10.0.0.1 555-123-4567"
    assert PII(kinds=("email",))(rec(text)).text == "<EMAIL_ADDRESS> 10.0.0.1 555-123-4567"
    v = PII(redact=False)(rec(text))
    assert v.text is None and v.signals == {"emails": 1, "ip_addresses": 1, "phone_numbers": 1}
    assert PII(email_placeholder="[e]")(rec(text)).text.startswith("[e] ")  # type: ignore[union-attr]


EMAIL_SHAPE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


@settings(max_examples=120, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.sampled_from(["some text ", ", ", ". ", "\n", "call ", "x"]),
            st.emails(),
            st.ip_addresses(v=4).map(str),
        ),
        max_size=20,
    ).map(" ".join)
)
def test_no_address_survives(text: str) -> None:
    r = rec(text)
    v = PII(kinds=("email", "ip"))(r)
    out = v.text if v.text is not None else text
    assert r.text == text  # the record itself is untouched until the engine applies the verdict
    assert not EMAIL_SHAPE.search(out.replace("<EMAIL_ADDRESS>", ""))
    for token in re.findall(r"\d+\.\d+\.\d+\.\d+", out):
        with pytest.raises(ValueError):
            ipaddress.IPv4Address(token)
