"""The word and domain lists behind RedPajama-v2's list-based signals, read as RP-v2 reads them.

- stop words (`rps_doc_stop_word_fraction`): stopwords-json's lists for RP-v2's five languages (en, de, fr,
  es, it), shipped in filters/data/stopwords-json with attribution; RP-v2's code embeds the same sets.
- LDNOOBW (`rps_doc_ldnoobw_words`): the five lists shipped in filters/data/ldnoobw (CC BY 4.0), or a file
  (one list for every document) or a folder of `<lang>.txt` / `<lang>` files given as the `ldnoobw` option.
  Entries are the file's lines with surrounding whitespace stripped, unchanged otherwise, as RP-v2 reads them.
- UT1 (`rps_doc_ut1_blacklist`): a folder holding RP-v2's prepared `domain_to_category_id.json`, or a UT1
  blacklists folder (`blacklists/<category>/domains`, as the UT1 tarball unpacks), indexed as RP-v2's
  `update_resources.py` indexes it: a domain's id numbers the set of its categories among RP-v2's 13.

Languages come as ISO 639-1 codes; "en-US" or "en_Latn" count as "en".
"""

from __future__ import annotations

import functools
import itertools
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
RPV2_LANGUAGES = ("en", "de", "fr", "es", "it")
# configs/rp_v2.0.conf, DOMAIN_BLACKLIST_CATEGORIES (both spellings of "aggressive" are UT1 category names)
UT1_CATEGORIES = (
    "adult",
    "agressive",
    "agressif",
    "arjel",
    "chat",
    "dating",
    "ddos",
    "filehosting",
    "gambling",
    "porn",
    "mixed_adult",
    "phishing",
    "violence",
)


def base_language(language: object) -> str | None:
    """The primary language subtag: "en" for "en", "EN-us" or "en_Latn"; None for a missing language."""
    if not isinstance(language, str) or not language.strip():
        return None
    return language.strip().replace("_", "-").split("-")[0].lower()


@functools.lru_cache(maxsize=1)
def _stop_word_table() -> dict[str, frozenset[str]]:
    table = json.loads((DATA / "stopwords-json" / "stopwords-rpv2.json").read_text(encoding="utf-8"))
    return {lang: frozenset(words) for lang, words in table.items()}


def stop_words(language: str | None) -> frozenset[str] | None:
    """RP-v2's stop words for one of its five languages; None for any other language."""
    return _stop_word_table().get(language or "")


def _read_entries(path: Path) -> frozenset[str]:
    with open(path, encoding="utf-8") as f:  # universal newlines, as RP-v2's open() + readlines()
        return frozenset(line.strip() for line in f)


@functools.lru_cache(maxsize=32)
def bad_words(source: str | None, language: str | None) -> frozenset[str] | None:
    """The LDNOOBW entries for `language`: from `source` (a file, or a folder of per-language files) or,
    without one, the shipped list of one of RP-v2's five languages. None where there is no list."""
    if source is not None and Path(source).is_file():
        return _read_entries(Path(source))
    folder = Path(source) if source is not None else DATA / "ldnoobw"
    if language is None or (source is None and language not in RPV2_LANGUAGES):
        return None
    for name in (f"{language}.txt", language):
        if (folder / name).is_file():
            return _read_entries(folder / name)
    return None


def ut1_category_ids() -> dict[tuple[str, ...], int]:
    """Every non-empty set of RP-v2's categories (sorted names) -> its id, numbered by size, then in order."""
    names = sorted(UT1_CATEGORIES)
    combos = itertools.chain.from_iterable(itertools.combinations(names, r) for r in range(1, len(names) + 1))
    return {combo: i for i, combo in enumerate(combos)}


@functools.lru_cache(maxsize=4)
def ut1_index(folder: str) -> dict[str, int]:
    """domain -> category-set id, from RP-v2's prepared index or from a UT1 blacklists folder."""
    root = Path(folder)
    prepared = root / "domain_to_category_id.json"
    if prepared.is_file():
        return {str(k): int(v) for k, v in json.loads(prepared.read_text(encoding="utf-8")).items()}
    lists = root / "blacklists" if (root / "blacklists").is_dir() else root
    masks: dict[str, int] = {}  # a bit per category: UT1's adult list alone has millions of domains
    for bit, category in enumerate(UT1_CATEGORIES):
        domains = lists / category / "domains"
        if domains.is_file():
            with open(domains, encoding="utf-8", errors="replace") as f:
                for domain in map(str.strip, f):
                    masks[domain] = masks.get(domain, 0) | 1 << bit
    ids = ut1_category_ids()
    by_mask = {
        mask: ids[tuple(sorted(c for bit, c in enumerate(UT1_CATEGORIES) if mask >> bit & 1))]
        for mask in set(masks.values())
    }
    return {domain: by_mask[mask] for domain, mask in masks.items()}


def check_ut1_folder(folder: str) -> str | None:
    """Why `folder` cannot serve as a UT1 list (None when it can): checked before any work."""
    root = Path(folder)
    if not root.is_dir():
        return f"no such folder: {folder}"
    lists = root / "blacklists" if (root / "blacklists").is_dir() else root
    if (root / "domain_to_category_id.json").is_file():
        return None
    if any((lists / c / "domains").is_file() for c in UT1_CATEGORIES):
        return None
    return f"{folder} holds neither domain_to_category_id.json nor <category>/domains files of UT1's categories"
