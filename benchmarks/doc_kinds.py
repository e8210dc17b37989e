"""The kinds of documents of the benchmark corpus, each made from real text, and planted duplicates.

Good documents are real sentences of one English pool (books, Wikipedia, web pages) in paragraphs, some
under a heading, to a log-normal length (median ~2,200 characters, like extracted web pages). The bad
kinds are what a crawl is full of and what the filter presets exist for: other languages, one-liners,
navigation boilerplate, repeated blocks, pages with lorem ipsum / JavaScript / code, teaser lists ending
in "...", number tables.
Near-duplicates are word-level edits of a document (substitutions, deletions, insertions, a header or
footer line) whose word 5-gram Jaccard similarity with the original is measured and at least MIN_JACCARD.
"""

from __future__ import annotations

import math
import random
import re
from collections.abc import Callable

from benchmarks.textpool import TextPool

MIN_JACCARD = 0.8
WORD = re.compile(r"\w+")
FOOTER = [
    "Privacy Policy",
    "Terms of Use",
    "Cookie Settings",
    "All rights reserved",
    "Sign in",
    "Subscribe to our newsletter",
    "Share on Facebook",
    "Skip to content",
    "Back to top",
    "Contact us",
    "This website uses cookies to improve your experience",
    "Read more",
]
JAVASCRIPT = "Please enable JavaScript in your browser to view this page"
CODE = ["function init() {", "  var el = document.getElementById('main');", "  el.style.display = 'block';", "}"]
LOREM = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore."


def lognormal_chars(rng: random.Random, median: float = 2200, sigma: float = 0.9) -> int:
    return int(min(60_000, max(300, median * math.exp(rng.gauss(0, sigma)))))


def stitched(rng: random.Random, pool: TextPool, keys: list[str], target: int) -> str:
    """Paragraphs of 1-6 random sentences of one pool (chosen in proportion to its size), some headed by a
    short line of the same pool, up to `target` characters."""
    key = rng.choices(keys, [len(pool.sentences[k]) for k in keys])[0]
    sentences, headings = pool.sentences[key], pool.lines.get(key) or pool.english_lines
    parts: list[str] = []
    size = 0
    while size < target:
        if rng.random() < 0.15:
            parts.append(headings[rng.randrange(len(headings))])
        parts.append(" ".join(sentences[rng.randrange(len(sentences))] for _ in range(rng.randint(1, 6))))
        size += len(parts[-1]) + 2
    return "\n\n".join(parts)


def good(rng: random.Random, pool: TextPool) -> str:
    return stitched(rng, pool, pool.keys(english=True), lognormal_chars(rng))


def foreign(rng: random.Random, pool: TextPool) -> str:
    keys = pool.keys(english=False) or pool.keys(english=True)
    return stitched(rng, pool, keys, lognormal_chars(rng))


def short(rng: random.Random, pool: TextPool) -> str:
    return " ".join(rng.choice(pool.english_sentences) for _ in range(rng.randint(2, 3)))


def boilerplate(rng: random.Random, pool: TextPool) -> str:
    lines = [rng.choice(pool.english_lines) for _ in range(rng.randint(12, 40))]
    lines.insert(rng.randrange(len(lines)), rng.choice(pool.english_sentences))
    return "\n".join(lines + rng.sample(FOOTER, 4))


def repetitive(rng: random.Random, pool: TextPool) -> str:
    block = [rng.choice(pool.english_sentences) for _ in range(rng.randint(1, 3))]
    text = good(rng, pool) if rng.random() < 0.5 else rng.choice(pool.english_sentences)
    return "\n".join([text] + block * rng.randint(6, 20))


def markup(rng: random.Random, pool: TextPool) -> str:
    paragraphs = good(rng, pool).split("\n\n")
    insert = rng.choice([[LOREM, LOREM], [JAVASCRIPT], CODE])
    at = rng.randrange(len(paragraphs) + 1)
    return "\n\n".join([*paragraphs[:at], "\n".join(insert), *paragraphs[at:]])


def teaser(rng: random.Random, pool: TextPool) -> str:
    lines = []
    for _ in range(rng.randint(10, 25)):
        words = rng.choice(pool.english_sentences).split()
        lines.append(" ".join(words[: rng.randint(3, max(3, len(words) - 2))]) + rng.choice(["...", " …", "…"]))
    return "\n".join(lines)


def numeric(rng: random.Random, pool: TextPool) -> str:
    header = " | ".join(rng.choice(pool.english_lines).split()[:4])
    rows = [
        " | ".join(str(rng.randint(1990, 2024)) if c == 0 else f"{rng.uniform(0, 1000):.2f}" for c in range(5))
        for _ in range(rng.randint(20, 60))
    ]
    return "\n".join([header, *rows])


KINDS: dict[str, tuple[float, Callable[[random.Random, TextPool], str]]] = {
    "good": (0.66, good),
    "foreign": (0.08, foreign),
    "short": (0.06, short),
    "boilerplate": (0.06, boilerplate),
    "repetitive": (0.05, repetitive),
    "markup": (0.04, markup),
    "teaser": (0.03, teaser),
    "numeric": (0.02, numeric),
}


def shingles(text: str, n: int = 5) -> set[tuple[str, ...]]:
    """Word n-grams of the lowercased text (words: runs of letters, digits, "_"); fewer words: one shingle."""
    words = WORD.findall(text.lower())
    if len(words) < n:
        return {tuple(words)} if words else set()
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def jaccard(a: str, b: str) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / len(sa | sb) if sa or sb else 1.0


def exact_copy(rng: random.Random, text: str) -> str:
    """The same text, or (half the time) with its whitespace changed: still equal after normalization."""
    variant = rng.randrange(4)
    if variant == 1:
        return text.replace("\n\n", "\n")
    if variant == 2:
        return "  " + text.replace(". ", ".  ") + "\n"
    return text


def edited(rng: random.Random, text: str, rate: float, pool: TextPool) -> str:
    tokens = re.split(r"(\s+)", text)
    for _ in range(max(1, int(len(tokens) / 2 * rate))):
        k = rng.randrange(0, len(tokens), 2)
        edit = rng.randrange(3)
        if edit == 0:
            tokens[k] = rng.choice(rng.choice(pool.english_sentences).split())
        elif edit == 1:
            tokens[k] = ""
        else:
            tokens[k] = f"{tokens[k]} {rng.choice(rng.choice(pool.english_sentences).split())}"
    out = "".join(tokens)
    if rng.random() < 0.3:
        out = f"Updated {rng.randint(1, 28)} March {rng.randint(2001, 2024)}\n\n{out}"
    if rng.random() < 0.3:
        out = f"{out}\n\n{rng.choice(FOOTER)}"
    return out


def near_copy(rng: random.Random, text: str, pool: TextPool) -> tuple[str, float]:
    """(an edited copy, its Jaccard similarity with `text`), similarity >= MIN_JACCARD when achievable."""
    rate = rng.uniform(0.003, 0.025)
    for _ in range(4):
        copy = edited(rng, text, rate, pool)
        similarity = jaccard(text, copy)
        if similarity >= MIN_JACCARD and copy != text:
            return copy, similarity
        rate /= 2
    return copy, similarity
