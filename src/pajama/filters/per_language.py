"""Which rules judge a record's language: the profile, the label its signals carry, FineWeb-2's values.

The language-aware filters (`gopher_quality`, `gopher_repetition`, `fineweb`) share these. A record is
judged by the profile of its meta.language (`language: auto`) or of a fixed code. English keeps the
papers' values and carries no label, so English signals and release digests stay what they were. The
gopher filters put another language's label in their signals (`language_signal`), and `fineweb` puts it
there when per_language finds FineWeb-2 values for it; `decide` reads it back (signals are what a
resumed or re-decided run sees). The manifest counts the languages (`stages[].languages`).
"""

from __future__ import annotations

from typing import Any

from pajama.record import Record
from pajama.text.languages import Profile, profile, record_language


def rules_profile(record: Record, language: str) -> Profile:
    """The language profile whose rules judge `record` (`language` "auto": its meta.language)."""
    return profile(record_language(record.meta, language))


def language_signal(prof: Profile, per_language: bool) -> dict[str, str]:
    """{"language": label} when rules other than the paper's English ones judged the record, else {}."""
    if prof.english:
        return {}
    if not prof.configured or (per_language and prof.fineweb2) or prof.stop_words:
        return {"language": prof.label}
    return {}


def fineweb2_values(label: str | None, per_language: bool) -> dict[str, Any]:
    """FineWeb-2's published values for a signals' language label ({} for English, defaults or off)."""
    if not per_language or not label or label.endswith(":default"):
        return {}
    return profile(label).fineweb2
