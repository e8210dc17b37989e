"""PII redaction: e-mail addresses, IP addresses and phone numbers become placeholders.

Regex detection in the spirit of the Dolma and FineWeb pipelines (Soldaini et al. 2024; Penedo et al.
2024 anonymize e-mails and IP addresses): precise rather than exhaustive. The filter never drops a
document; it counts what it replaced (signals) and records the edit in `meta.edits`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pajama.filter import Edit, TextTransform, Verdict
from pajama.record import Record
from pajama.registry import register_filter

Kind = Literal["email", "ip", "phone"]

# Local part: RFC 5322 "atext" and dots; domain: dot-separated labels and a TLD (letters, or xn-- IDN).
EMAIL = re.compile(
    r"(?<![\w.!#$%&'*+/=?^`{|}~-])[\w!#$%&'*+/=?^`{|}~-][\w.!#$%&'*+/=?^`{|}~-]*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+(?:[A-Za-z]{2,24}|[Xx][Nn]--[A-Za-z0-9-]{1,59})(?![\w-])"
)
_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
IPV4 = re.compile(rf"(?<![\w.]){_OCTET}(?:\.{_OCTET}){{3}}(?!\.?\d)(?![\w])")
# Candidates are checked with ipaddress; an embedded IPv4 tail (::ffff:192.0.2.1) is tried first.
IPV6_CANDIDATE = re.compile(
    r"(?<![\w:.])(?:[0-9A-Fa-f]{0,4}:){2,7}(?:\d{1,3}(?:\.\d{1,3}){3}|[0-9A-Fa-f]{0,4})(?![\w:]|\.\d)"
)
# An optional +country code, then an area code (2-4 digits, or 1-4 in parentheses), a 3-4 digit group
# and a 4 digit group, separated by a space, dot or hyphen. Precise rather than exhaustive: dates
# (12.05.2021), ranges (1999-2000), scores (300-250-100) and bare digit strings do not match, and
# neither do numbers written in pairs (01 23 45 67 89).
PHONE = re.compile(r"(?<![\w+.])(?:\+\d{1,3}[ .-]?)?(?:\(\d{1,4}\)[ .-]?|\d{2,4}[ .-])\d{3,4}[ .-]\d{4}(?![\w-]|\.\d)")


def _valid_ipv6(candidate: str) -> bool:
    if candidate.count(":") < 2 or sum(c.isalnum() for c in candidate) < 2:
        return False
    try:
        ipaddress.IPv6Address(candidate)
    except ValueError:
        return False
    return True


@register_filter("pii")
@dataclass(frozen=True, kw_only=True)
class PII(TextTransform):
    """Replace e-mail addresses, IPv4/IPv6 addresses and phone numbers with placeholders.

    Order: e-mails, then IP addresses (validated with `ipaddress`), then phone numbers (digit groups
    with separators, optional +country code and (area code); dates, times, version numbers and bare
    digit strings do not match). `kinds` chooses what is redacted; with redact=False the filter only
    counts. Signals: emails, ip_addresses, phone_numbers (counts). Never drops a document.
    """

    kinds: tuple[Kind, ...] = ("email", "ip", "phone")
    redact: bool = True
    email_placeholder: str = "<EMAIL_ADDRESS>"
    ip_placeholder: str = "<IP_ADDRESS>"
    phone_placeholder: str = "<PHONE_NUMBER>"

    def transform(self, record: Record) -> Edit:
        text = record.text
        counts = {"emails": 0, "ip_addresses": 0, "phone_numbers": 0}
        if "email" in self.kinds and "@" in text:
            text, counts["emails"] = EMAIL.subn(self.email_placeholder, text)
        if "ip" in self.kinds:
            n6 = 0
            if "::" in text or text.count(":") >= 7:
                text, n6 = self._replace_ipv6(text)  # first: an IPv6 address can end in an IPv4 one
            text, n4 = IPV4.subn(self.ip_placeholder, text)
            counts["ip_addresses"] = n4 + n6
        if "phone" in self.kinds:
            text, counts["phone_numbers"] = PHONE.subn(self.phone_placeholder, text)
        if not self.redact or text == record.text:
            return Edit(record.text, counts)
        return Edit(text, counts, {k: v for k, v in counts.items() if v})

    def _replace_ipv6(self, text: str) -> tuple[str, int]:
        found = 0

        def sub(m: re.Match[str]) -> str:
            nonlocal found
            if _valid_ipv6(m.group(0)):
                found += 1
                return self.ip_placeholder
            return m.group(0)

        return IPV6_CANDIDATE.sub(sub, text), found

    def decide(self, s: Mapping[str, Any]) -> Verdict:
        return Verdict.keep(s)
