"""Run datatrove's FineWeb and C4 quality filters on JSONL documents: the reference side of compare_web.

Runs inside the peers virtualenv (benchmarks/peers_venv.sh), never inside pajama's: it imports only
datatrove and the standard library. Reads {"id", "text", "language"} lines on stdin and writes one
{"id", "fineweb": [kept, reason], "c4": [kept, reason]} line per document on stdout; a filter that
cannot run for a document's language (no tokenizer installed) reports [null, "error: ..."].

FineWeb: FineWebQualityFilter with its defaults and the document's language (Chinese as "cmn", see
CODES). C4: C4QualityFilter with the C4 paper's settings (3 sentences per page, 5 words per line) and
the document's language.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from typing import Any

from datatrove.data import Document
from datatrove.pipeline.filters import C4QualityFilter, FineWebQualityFilter

# datatrove's tokenizer table files Chinese under its ISO 639-3 code, cmn (Mandarin, as in FineWeb-2's
# cmn_Hani); the ISO 639-1 "zh" that lid.176 and HTML give falls back to spaCy's multilingual "xx"
# tokenizer, which does not segment Chinese at all
CODES = {"zh": "cmn"}


@cache
def filters(language: str) -> dict[str, Any]:
    return {
        "fineweb": FineWebQualityFilter(language=language),
        "c4": C4QualityFilter(min_num_sentences=3, min_words_per_line=5, language=language),
    }


def decide(f: Any, text: str) -> list[Any]:
    try:
        out = f.filter(Document(text=text, id="x"))
    except Exception as e:  # a missing tokenizer for this language: reported, not fatal
        return [None, f"error: {type(e).__name__}: {e}"[:200]]
    if isinstance(out, tuple):
        return [bool(out[0]), out[1]]
    return [bool(out), None]


def main() -> None:
    for line in sys.stdin:
        doc = json.loads(line)
        language = doc.get("language") or "en"
        fs = filters(CODES.get(language, language))
        result = {"id": doc["id"], **{name: decide(f, doc["text"]) for name, f in fs.items()}}
        sys.stdout.write(json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
