"""What pajama knows about a language: how its words are found, its stop words, sentence ends, thresholds.

A record's language is a code as readers and the `language` filter write it (`meta.language`: ISO 639-1
"ja", ISO 639-3 "yue", a Wikipedia dbname prefix "zh-yue" or "simple", optionally with a script,
"sr-Latn" / "srp_Latn"). `profile(code)` turns it into a `Profile`:

- FineWeb-2's per-language configuration (thresholds and stop words, `data/fineweb2.json`, from
  huggingface/fineweb-2 `configs/`, Apache-2.0; Penedo et al. 2025, arXiv:2506.20920) is found through the
  ISO 639-3 code (ICU's `Locale.getISO3Language`), a macrolanguage's main member where FineWeb-2 files
  data under it ("zh" is "cmn", "ar" is "arb" ...) and the script with the most FineWeb-2 data.
- Stop words: FineWeb-2's list when published, else the stopwords-iso list (`data/stopwords-iso.json`, a copy
  of 6/stopwords-json, Apache-2.0, 50 languages), else none. English has no FineWeb-2 configuration (FineWeb-2
  is the non-English dataset); the Gopher filters keep the paper's own English stop words.
- Words: Chinese (Han script) is segmented with jieba (rjieba), Japanese, Thai, Lao, Khmer and Myanmar
  with ICU's dictionary-based word break; Tibetan splits at the tsheg; every other script splits at
  whitespace with surrounding punctuation removed (see `pajama.text.words`).
- Sentence ends: ". ! ? …" plus the marks of the language's script (`SCRIPT_SENTENCE_ENDS`).

A code with none of this (a language FineWeb-2 and stopwords-iso do not cover, a programming language
in `meta.language`, or no language at all) gets the DEFAULT profile: words by the text's own script, no
stop words (so stop-word rules do not apply), the common sentence ends and the filters' own thresholds.
Filters report such records as "<code>:default" in the manifest (`stages[].languages`).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

COMMON_SENTENCE_ENDS = (".", "!", "?", "…")
# Full stops, question and exclamation marks of scripts that have their own (Unicode Terminal_Punctuation).
SCRIPT_SENTENCE_ENDS: dict[str, tuple[str, ...]] = {
    "Jpan": ("。", "！", "？", "．"),
    "Hani": ("。", "！", "？", "．"),
    "Hans": ("。", "！", "？", "．"),
    "Hant": ("。", "！", "？", "．"),
    "Hang": ("。", "！", "？"),
    "Deva": ("।", "॥"),
    "Beng": ("।", "॥"),
    "Guru": ("।", "॥"),
    "Gujr": ("।", "॥"),
    "Orya": ("।", "॥"),
    "Taml": ("।",),
    "Telu": ("।",),
    "Knda": ("।",),
    "Mlym": ("।",),
    "Arab": ("؟", "۔", "؛"),
    "Armn": ("։", "՜", "՞"),
    "Ethi": ("።", "፧", "፨"),
    "Mymr": ("။",),
    "Khmr": ("។", "៕"),
    "Tibt": ("།", "༎"),
    "Sinh": ("෴",),
    "Grek": (";",),
}
# Marks after which a sentence ends even without a following space (the scripts that use them have none).
UNSPACED_SENTENCE_ENDS = frozenset("。！？．।॥။។៕།༎։")
# Scripts written without spaces between words, and how their words are found.
ICU_SCRIPTS = frozenset({"Jpan", "Thai", "Laoo", "Khmr", "Mymr"})
JIEBA_SCRIPTS = frozenset({"Hani", "Hans", "Hant"})
TSHEG_SCRIPTS = frozenset({"Tibt"})
# Codes that are not ISO 639 but appear in meta.language (Wikipedia dbnames, fastText labels).
# Wikipedia's sh (Serbo-Croatian) is written in Latin script; jw is Javanese's withdrawn ISO 639-1 code.
ALIASES = {
    "simple": "en", "zh-yue": "yue", "zh-classical": "lzh", "zh-min-nan": "nan", "be-x-old": "be-tarask",
    "sh": "hbs-Latn", "jw": "jv",
}  # fmt: skip
# Macrolanguages whose data FineWeb-2 files under one member (ISO 639-3 macrolanguage mappings), and
# Tagalog, which it files under Filipino (fil_Latn), Tagalog's standard form.
MACRO_MEMBER = {
    "zho": "cmn", "ara": "arb", "fas": "pes", "msa": "zsm", "swa": "swh", "est": "ekk", "lav": "lvs",
    "uzb": "uzn", "nor": "nob", "sqi": "als", "mon": "khk", "nep": "npi", "aze": "azj", "kur": "kmr",
    "pus": "pbt", "orm": "gaz", "que": "quy", "grn": "gug", "zza": "diq", "yid": "ydd", "kok": "gom",
    "ori": "ory", "pan": "pan", "hbs": "hrv", "tgl": "fil", "aym": "ayr", "kon": "kng", "mlg": "plt",
}  # fmt: skip
# ISO 15924 variants of a script that FineWeb-2 files under the script itself: simplified and traditional
# Han are Hani there (cmn_Hani, yue_Hani), Korean written with Hangul and Han is Hang (kor_Hang).
SCRIPT_FAMILY = {"Hans": "Hani", "Hant": "Hani", "Kore": "Hang"}
# ISO 15924 scripts of languages FineWeb-2 does not cover (English) or whose code carries none.
DEFAULT_SCRIPT = {"en": "Latn", "eng": "Latn", "ja": "Jpan", "zh": "Hani", "ko": "Hang", "th": "Thai"}


@dataclass(frozen=True)
class Profile:
    """The rules one language uses; `configured` is False for the documented default."""

    code: str
    script: str | None = None
    fineweb2_key: str | None = None
    fineweb2: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    stop_words: frozenset[str] = frozenset()
    stop_words_source: str | None = None
    configured: bool = True

    @property
    def english(self) -> bool:
        """English: the papers' own language, judged by their own values."""
        base = ALIASES.get(self.code.lower(), self.code).replace("_", "-").split("-")[0].lower()
        return base in ("en", "eng")

    @property
    def segmenter(self) -> str:
        """The segmenter: icu, jieba, tsheg or space (see pajama.text.words); auto for the default profile."""
        if self.script in ICU_SCRIPTS:
            return "icu"
        if self.script in JIEBA_SCRIPTS:
            return "jieba"
        if self.script in TSHEG_SCRIPTS:
            return "tsheg"
        return "space" if self.configured or self.script else "auto"

    @property
    def sentence_ends(self) -> tuple[str, ...]:
        if not self.configured and self.script is None:
            marks = (m for script, ms in SCRIPT_SENTENCE_ENDS.items() if script != "Grek" for m in ms)
            return COMMON_SENTENCE_ENDS + tuple(dict.fromkeys(marks))  # not ";": a Greek question mark only
        return COMMON_SENTENCE_ENDS + SCRIPT_SENTENCE_ENDS.get(self.script or "", ())

    @property
    def label(self) -> str:
        """How the manifest counts records judged with this profile."""
        return self.code if self.configured else f"{self.code}:default"


@functools.cache
def _data(name: str) -> Any:
    import orjson  # 4x json's speed on the 1 MB FineWeb-2 table, read once per process

    return orjson.loads(resources.files("pajama.text").joinpath("data", name).read_bytes())


def fineweb2_configs() -> dict[str, dict[str, Any]]:
    return _data("fineweb2.json")["configs"]  # type: ignore[no-any-return]


def stopwords_iso() -> dict[str, list[str]]:
    return _data("stopwords-iso.json")  # type: ignore[no-any-return]


def iso3(lang: str) -> str:
    """The ISO 639-3 code of a two- or three-letter language code ("el" -> "ell"; unknown codes unchanged)."""
    if len(lang) == 3:
        return lang
    import icu  # PyICU: ISO 639-1 -> 639-3 from ICU's locale data

    return str(icu.Locale(lang).getISO3Language()) or lang


def _fineweb2_key(lang: str, script: str | None) -> str | None:
    configs = fineweb2_configs()
    code3 = iso3(lang)
    script = SCRIPT_FAMILY.get(script, script) if script else None
    for code in (code3, MACRO_MEMBER.get(code3)):
        if not code:
            continue
        if script and f"{code}_{script}" in configs:
            return f"{code}_{script}"
        main = _data("fineweb2.json")["main_script"].get(code)
        if main and (script is None or main.endswith(script)):
            return str(main)
    return None


@functools.lru_cache(maxsize=4096)
def profile(code: str | None) -> Profile:
    """The Profile for a meta.language value (None or unknown: the default profile)."""
    if not code or not isinstance(code, str):
        return Profile(code="und", configured=False)
    parts = re.split(r"[-_]", ALIASES.get(code.strip().lower(), code.strip()))
    lang = parts[0].lower()
    if not (2 <= len(lang) <= 3 and lang.isascii() and lang.isalpha()):
        return Profile(code=code, configured=False)
    script = next((p.title() for p in parts[1:] if len(p) == 4 and p.isalpha()), None)
    key = _fineweb2_key(lang, script)
    fw2 = fineweb2_configs().get(key, {}) if key else {}
    script = script or (key.split("_")[1] if key else DEFAULT_SCRIPT.get(lang))
    stop, source = frozenset(fw2.get("stopwords", ())), "fineweb2"
    if not stop:
        stop, source = frozenset(w.lower() for w in stopwords_iso().get(lang, ())), "stopwords-iso"
    configured = bool(fw2 or stop or lang in ("en", "eng"))
    return Profile(
        code=code,
        script=script,
        fineweb2_key=key,
        fineweb2=fw2,
        stop_words=stop,
        stop_words_source=source if stop else None,
        configured=configured,
    )


def record_language(meta: dict[str, Any], configured: str = "auto") -> str | None:
    """The language whose rules apply: the filter's fixed code, or with "auto" the record's meta.language."""
    if configured != "auto":
        return configured
    value = meta.get("language")
    return value if isinstance(value, str) and value else None


def rules_label(filt: Any, record: Any) -> str | None:
    """The manifest's `stages[].languages` key for a language-aware filter (one with a `language` option)
    judging `record`: the language code, or "<code>:default" when it has no configuration; None otherwise."""
    configured = getattr(filt, "language", None)
    if not isinstance(configured, str):
        return None
    return profile(record_language(record.meta, configured)).label


def check_language(filter_name: str, value: str) -> None:
    """A filter's `language` option: "auto" or a code pajama has rules for (else ConfigError, before work)."""
    from pajama.errors import ConfigError

    if value != "auto" and not profile(value).configured:
        raise ConfigError(
            f"{filter_name}.language",
            f"no words, stop words or thresholds are known for {value!r}; use auto or a code such as en, el, ja, zh",
        )
