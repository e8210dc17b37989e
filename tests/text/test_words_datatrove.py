"""pajama's Chinese words beside datatrove's Chinese word tokenizer (spaCy with jieba, FineWeb-2's), on the
Chinese pages of ../shared/corpus's web archives.

Runs only when the peers virtualenv (benchmarks/peers_venv.sh) and the corpus are present. datatrove counts
punctuation marks as tokens and keeps "60%" whole; pajama's words are the tokens that contain a letter or
digit, without surrounding punctuation (pajama.text.words), so datatrove's tokens are read by that rule and
the segmentations compared: dates, web addresses and product codes in Chinese pages included.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from benchmarks import compare_web
from pajama.text.words import PUNCTUATION, segment, words

WORDS = Path(compare_web.__file__).parent / "peers" / "datatrove_words.py"
_ALNUM = re.compile(r"[^\W_]")


def as_words(tokens: list[str]) -> list[str]:
    return [t if t.isalnum() else t.strip(PUNCTUATION + " \t\n\r\u3000") or t for t in tokens if _ALNUM.search(t)]


def test_chinese_words_are_datatroves(corpus: Path) -> None:
    if not compare_web.PEERS_PYTHON.exists():
        pytest.skip(f"no peers virtualenv at {compare_web.PEERS_PYTHON} (benchmarks/peers_venv.sh makes it)")
    extracted = compare_web.extract_pages(compare_web.archives(corpus), ["trafilatura", "resiliparse"])
    pages = [p for p in extracted if p["language"] == "zh"]
    assert len(pages) >= 5, "the corpus' web archives hold Chinese pages"
    lines = "".join(json.dumps({"id": p["id"], "text": p["text"], "language": "cmn"}) + "\n" for p in pages)
    run = subprocess.run([str(compare_web.PEERS_PYTHON), str(WORDS)], input=lines, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-2000:]
    tokens = {d["id"]: d["words"] for d in map(json.loads, run.stdout.splitlines())}
    theirs = {i: as_words(t) for i, t in tokens.items()}
    ours = {p["id"]: words(p["text"], "zh") for p in pages}
    total = sum(len(w) for w in theirs.values())
    assert total > 1000
    differ = [i for i in ours if ours[i] != theirs[i]]
    assert not differ, differ[:3]
    # and the token count FineWeb's newline rule divides by: punctuation marks included, as datatrove's
    counts = {p["id"]: segment(p["text"], "zh").tokens for p in pages}
    assert counts == {i: len(t) for i, t in tokens.items()}
