"""Signals on real text (Project Gutenberg books from ../shared/corpus) against a second, simple implementation.

The reference below re-derives every signal from the documented definitions with different mechanics:
words by one regex over the text, lines by splitting on line-break characters, sentences by a character
scan, n-gram fractions by brute-force marking. Both must agree on every document.
"""

from __future__ import annotations

import gzip
import re
from collections import Counter
from pathlib import Path

import pytest

from pajama.filters.fineweb import FineWeb
from pajama.filters.gopher import gopher_quality_signals, gopher_repetition_signals
from pajama.filters.signals import BULLETS, GOPHER_STOP_WORDS, PUNCTUATION
from pajama.record import Record

P = re.escape(PUNCTUATION)
WORD = re.compile(rf"[^\s{P}](?:\S*[^\s{P}])?")
BREAK = re.compile("\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
DOC_CHARS = 3000


def documents(corpus: Path) -> list[str]:
    """~3 KB windows cut at line breaks from a few books: hard-wrapped and with paragraphs unwrapped."""
    docs = []
    for path in sorted((corpus / "books").glob("*.txt.gz"))[:5]:
        raw = gzip.decompress(path.read_bytes())
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        for start in (len(text) // 3, len(text) // 2):
            cut = text.find("\n", start) + 1
            end = text.rfind("\n", cut, cut + DOC_CHARS)
            if cut == 0 or end <= cut:
                continue  # no line structure here: not the kind of window this test wants
            window = text[cut:end]
            docs.append(window)
            unwrapped = "\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", window) if p.strip())
            docs.append(unwrapped)
    return docs


@pytest.fixture(scope="module")
def docs(corpus: Path) -> list[str]:
    found = documents(corpus)
    if not found:
        pytest.skip("no books in the corpus")
    return found


# ---- the reference implementation ------------------------------------------------------------------


def ref_lines(text: str) -> list[str]:
    return [s for line in BREAK.split(text) if (s := line.strip())]


def ref_paragraphs(text: str) -> list[str]:
    paragraphs, block = [], []
    for line in text.split("\n"):
        if line.strip():
            block.append(line)
        elif block:
            paragraphs.append("\n".join(block).strip())
            block = []
    if block:
        paragraphs.append("\n".join(block).strip())
    return paragraphs


def ref_sentences(text: str) -> int:
    count, has_alnum, i = 0, False, 0
    while i < len(text):
        ch = text[i]
        if ch.isalnum():
            has_alnum = True
        if ch in ".!?…":
            j = i
            while j < len(text) and text[j] in ".!?…":
                j += 1
            while j < len(text) and text[j] in "\"'”’)]»":
                j += 1
            if j == len(text) or text[j].isspace():
                count += has_alnum
                has_alnum = False
            i = j
            continue
        i += 1
    return count + has_alnum


def dup_items(items: list[str]) -> tuple[int, int]:
    counts: Counter[str] = Counter()
    n = chars = 0
    for item in items:
        if counts[item]:
            n += 1
            chars += len(item)
        counts[item] += 1
    return n, chars


def ngram_fracs(words: list[str]) -> dict[str, float]:
    total = sum(map(len, words))
    out: dict[str, float] = {}
    for n in (2, 3, 4):
        grams = Counter(tuple(words[i : i + n]) for i in range(len(words) - n + 1))
        best = max(grams.values(), default=0)
        chars = max((sum(map(len, g)) for g, c in grams.items() if c == best), default=0)
        out[f"top_{n}"] = chars * best / total if best > 1 else 0.0
    for n in range(5, 11):
        grams_at = [tuple(words[i : i + n]) for i in range(len(words) - n + 1)]
        counts = Counter(grams_at)
        later = [False] * len(words)
        every = [False] * len(words)
        seen: set[tuple[str, ...]] = set()
        for i, g in enumerate(grams_at):
            for k in range(i, i + n):
                if g in seen:
                    later[k] = True
                if counts[g] > 1:
                    every[k] = True
            seen.add(g)
        out[f"later_{n}"] = sum(len(w) for w, m in zip(words, later, strict=True) if m) / total
        out[f"every_{n}"] = sum(len(w) for w, m in zip(words, every, strict=True) if m) / total
    return out


def reference(text: str) -> dict[str, float]:
    words = WORD.findall(text)
    low = [w.lower() for w in words]
    lines = ref_lines(text)
    nw, nl = len(words), len(lines)
    dup_lines, dup_line_chars = dup_items(lines)
    paragraphs = ref_paragraphs(text)
    dup_paras, dup_para_chars = dup_items(paragraphs)
    grams = ngram_fracs(low)
    return {
        "word_count": nw,
        "mean_word_length": sum(map(len, words)) / nw,
        "hash_word_ratio": text.count("#") / nw,
        "ellipsis_word_ratio": (text.count("...") + text.count("…")) / nw,
        "bullet_lines_frac": sum(line[0] in "".join(BULLETS) for line in lines) / nl,
        "ellipsis_lines_frac": sum(line.endswith(("...", "…")) for line in lines) / nl,
        "alpha_words_frac": sum(any(c.isalpha() for c in w) for w in words) / nw,
        "stop_words": sum(w in GOPHER_STOP_WORDS for w in low),
        "dup_line_frac": dup_lines / nl,
        "dup_para_frac": dup_paras / len(paragraphs),
        "dup_line_char_frac": dup_line_chars / len(text),
        "dup_para_char_frac": dup_para_chars / len(text),
        **{f"top_{n}gram_frac": grams[f"top_{n}"] for n in (2, 3, 4)},
        **{f"dup_{n}gram_frac": grams[f"later_{n}"] for n in range(5, 11)},
        **fineweb_reference(text),
    }


def fineweb_reference(text: str) -> dict[str, float]:
    """datatrove's FineWeb definitions: raw non-blank "\\n" lines, tokens = words and punctuation marks."""
    lines = [line for line in text.split("\n") if line.strip()]
    nl = len(lines)
    tokens = re.findall(r"\w+(?:[-'’.]\w+)*|[^\w\s]", text)
    return {
        "fw_end_punct_lines_frac": sum(line[-1] in ".'\"!?" for line in lines) / nl,
        "fw_short_lines_frac": sum(len(line) <= 30 for line in lines) / nl,
        "fw_dup_line_chars_frac": dup_items(lines)[1] / (len(text) - text.count("\n")),
        "fw_newlines_per_word": text.count("\n") / len(tokens),
    }


def computed(text: str) -> dict[str, float]:
    out = {**gopher_quality_signals(text), **gopher_repetition_signals(text)}
    fw = FineWeb()(Record(id="golden", text=text, source="t", meta={}, origin={})).signals
    out.update({f"fw_{k}": v for k, v in fw.items()})
    return out


def test_signals_match_the_reference(docs: list[str]) -> None:
    assert len(docs) >= 6
    for text in docs:
        want, got = reference(text), computed(text)
        for key, value in want.items():
            assert got[key] == pytest.approx(value, rel=1e-12, abs=1e-15), (key, text[:80])


def test_real_books_repeat_somewhere(docs: list[str]) -> None:
    """The comparison is not vacuous: the windows have repeated n-grams and several sentences."""
    values = [computed(t) for t in docs]
    assert any(v["top_2gram_frac"] > 0 for v in values)


def test_filters_share_one_computation_per_text() -> None:
    from pajama.filters.signals import stats_for

    record = Record(id="share/1", text="One two three. Four five six.", source="t", meta={}, origin={})
    first = stats_for(record)
    assert stats_for(record) is first
    record.text = "Another text entirely."
    second = stats_for(record)
    assert second is not first and second.text == record.text
    other = Record(id="share/2", text=record.text, source="t", meta={}, origin={})
    assert stats_for(other) is not second  # memoized per record id
