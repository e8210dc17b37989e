"""datatrove's word tokenizer for a language on JSONL documents: the reference side of pajama's words.

Runs inside the peers virtualenv (benchmarks/peers_venv.sh): it imports only datatrove and the standard
library. Reads {"id", "text", "language"} lines on stdin, writes one {"id", "words": [...]} line per
document with the tokens of `load_word_tokenizer(language)` (datatrove's codes: Chinese is "cmn").
"""

from __future__ import annotations

import json
import sys

from datatrove.utils.word_tokenizers import load_word_tokenizer


def main() -> None:
    tokenizers = {}
    for line in sys.stdin:
        doc = json.loads(line)
        language = doc["language"]
        if language not in tokenizers:
            tokenizers[language] = load_word_tokenizer(language)
        words = tokenizers[language].word_tokenize(doc["text"])
        sys.stdout.write(json.dumps({"id": doc["id"], "words": words}, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
