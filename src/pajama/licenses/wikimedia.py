"""The license of Wikimedia wiki text at a date: what the Terms of Use in force when the text was saved grant.

  - until 2009-06-14: GFDL 1.2 or later, the license Wikipedia began with;
  - from 2009-06-15: CC BY-SA 3.0 (most text also under the GFDL). The licensing update moved the projects
    to CC BY-SA 3.0 with the GFDL kept as a second license; it was rolled out from 15 June 2009
    (https://meta.wikimedia.org/wiki/Licensing_update, and en.wikipedia's "Wikipedia:Licensing update");
  - from 2023-06-07: CC BY-SA 4.0. The updated Terms of Use, with the move to CC BY-SA 4.0, took effect on
    7 June 2023 (Wikimedia-l announcement by the Foundation's Associate General Counsel, reported in The
    Signpost, 19 June 2023: https://en.wikipedia.org/wiki/Wikipedia:Wikipedia_Signpost/2023-06-19/News_and_notes).

The GFDL is named in the evidence, not in the expression: since 2009 text may be imported under CC BY-SA only,
so "CC-BY-SA-3.0 OR GFDL" would promise a GFDL grant that part of the text lacks. CC BY-SA 3.0 text edited
after the switch is offered under 4.0 (BY-SA 3.0 allows adaptations under a later version), so a revision saved
after 2023-06-07 is labelled CC-BY-SA-4.0 as a whole.
"""

from __future__ import annotations

import re
from typing import Any

#: (first day, SPDX expression, what else applies), in date order
PERIODS: tuple[tuple[str, str, str], ...] = (
    ("0000-00-00", "GFDL-1.2-or-later", ""),
    ("2009-06-15", "CC-BY-SA-3.0", "most text is also available under the GFDL"),
    ("2023-06-07", "CC-BY-SA-4.0", "most text is also available under the GFDL"),
)
_ISO_DAY = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_NAME_DAY = re.compile(r"(?<!\d)((?:19|20)\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(?!\d)")


def day_of(timestamp: str | None) -> str | None:
    """The ISO day of a timestamp (2016-05-03T12:00:00Z gives 2016-05-03); None when it is not an ISO date."""
    m = _ISO_DAY.match((timestamp or "").strip())
    return "-".join(m.groups()) if m else None


def day_in_name(name: str) -> str | None:
    """The dump date in a Wikimedia dump file name: enwiki-20230601-pages-articles.xml.bz2 -> "2023-06-01"."""
    m = _NAME_DAY.search(name.rsplit("/", 1)[-1])
    return "-".join(m.groups()) if m else None


def license_on(day: str) -> tuple[str, str]:
    """(SPDX expression, note) in force on an ISO day."""
    found = PERIODS[0]
    for period in PERIODS:
        if day >= period[0]:
            found = period
    return found[1], found[2]


def evidence(day: str, method: str) -> dict[str, Any]:
    """The evidence record kept in meta.license_evidence: which date decided, from where, and the rule."""
    expression, note = license_on(day)
    out: dict[str, Any] = {"method": method, "date": day, "license": expression}
    out["rule"] = "Wikimedia Terms of Use in force on that date (pajama.licenses.wikimedia.PERIODS)"
    if note:
        out["detail"] = note
    return out


def for_revision(timestamp: str | None, dump_day: str | None) -> dict[str, Any]:
    """meta.license and meta.license_evidence of a page: its revision's day, else the dump's (file name) day."""
    day, method = day_of(timestamp), "revision_timestamp"
    if day is None:
        day, method = dump_day, "dump_file_name"
    if day is None:
        return {"license": "LicenseRef-unknown", "license_evidence": []}
    found = evidence(day, method)
    return {"license": found["license"], "license_evidence": [found]}
