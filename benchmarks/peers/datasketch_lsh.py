"""datasketch 2.0's MinHash + MinHashLSH dedup over JSONL: the peers benchmark.

    .venv-datasketch/bin/python benchmarks/peers/datasketch_lsh.py DOCS_DIR OUT_FILE BANDS ROWS NUM_PERM

Runs inside its own virtualenv (benchmarks/peers_venv.sh datasketch), one process. The shingles are
pajama's definition (lowercased words, 5 words per shingle joined by one space, all the words when a
document has fewer; no words, no signature), hashed by datasketch's default sha1_hash32 with seed 1.
Documents are taken in file order: each one is looked up in the index first and removed when it
collides with an earlier document in any band (datasketch's documented dedup use, no verification),
else inserted. The removed ids go to OUT_FILE, one per line.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from datasketch import MinHash, MinHashLSH

WORD = re.compile(r"\w+")
NGRAM = 5


def shingles(text: str) -> list[bytes]:
    words = WORD.findall(text.lower())
    if len(words) <= NGRAM:
        return [" ".join(words).encode()] if words else []
    return [" ".join(words[i : i + NGRAM]).encode() for i in range(len(words) - NGRAM + 1)]


def main(docs: str, out: str, bands: int, rows: int, num_perm: int) -> None:
    lsh = MinHashLSH(num_perm=num_perm, params=(bands, rows))
    removed = []
    for path in sorted(Path(docs).glob("*.jsonl")):
        with open(path, encoding="utf-8") as lines:
            for line in lines:
                doc = json.loads(line)
                grams = shingles(doc["text"])
                if not grams:
                    continue
                m = MinHash(num_perm=num_perm, seed=1)
                m.update_batch(grams)
                if lsh.query(m):
                    removed.append(doc["id"])
                else:
                    lsh.insert(doc["id"], m)
    Path(out).write_text("".join(f"{i}\n" for i in removed))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *map(int, sys.argv[3:6]))
