"""Every language, measured: keep/drop per language, junk dropped, near-duplicate recall, gopher speed.

    PAJAMA_BENCH_WIKI=/path/to/dumps[:...] PAJAMA_BENCH_ZH=/path/to/chinese.txt \
        .venv/bin/python benchmarks/bench_multilingual.py [--limit 300]

1. keep/drop: articles of >= 1,000 characters from every Wikipedia dump in ../shared/corpus/wiki and the
   PAJAMA_BENCH_WIKI folders (meta.language from the dump's dbname) go through
   `filters: [language, gopher, fineweb]`, as a config resolves those names (language: keep all,
   min_score 0.5; the `gopher` preset; the `fineweb` filter, which a config prefers to the preset);
   junk made from the same articles (its longest line repeated 30 times; 60 of its words one per line, a
   menu; 300 of its words in lines of 12 with no punctuation, a word list) must be dropped.
2. recall: near-duplicates planted by editing words (English) or characters (Japanese, Chinese) of
   3,000-character documents; pairs whose true Jaccard over pajama's shingles (word 5-grams, segmented
   for scripts without spaces) is >= 0.8 are kept; a pair is found when an LSH band agrees and the
   signature estimate reaches 0.8 (128 permutations, bands derived as the dedup stage derives them).
   Also shown: how many planted pairs reach 0.8 at all with whitespace shingles (before segmentation).
3. speed: gopher_repetition + gopher_quality on 3,000-character documents and on 3 KB (UTF-8) documents
   (bench_filters.py's size; a CJK character is 3 bytes), documents per CPU-second, best of 3 rounds.
Output: one JSON object per line; `recall_by_jaccard` is the recall per bin of true Jaccard (0.02 wide)
over the pairs of every edit rate, with the number of pairs in the bin.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.multilingual_corpus import articles, folders_from_env
from pajama.build.plan import _stages
from pajama.dedup import minhash, shingle
from pajama.filter import apply_verdict
from pajama.filters.gopher import GopherQuality, GopherRepetition
from pajama.record import Record
from pajama.text.words import words

THRESHOLD, NUM_PERM, SEED = 0.8, 128, 1
STACK = ({"language": {"keep": [], "min_score": 0.5}}, "gopher", "fineweb")  # the issue's `filters:`
BINS = ((0.80, 0.82), (0.82, 0.84), (0.84, 0.86), (0.86, 0.88), (0.88, 0.90), (0.90, 1.01))
# edit rates that put planted pairs around Jaccard 0.8-0.95: a word edit touches 5 word 5-grams, and a
# character edit in Chinese or Japanese touches one word (2-3 characters), so about as many
RATES = {"en": [0.01, 0.015, 0.02, 0.025], "ja": [0.003, 0.006, 0.008, 0.01], "zh": [0.003, 0.006, 0.008, 0.01]}


def run_stack(text: str, language: str, stack: list[Any], key: str) -> str | None:
    record = Record(id=f"b/{key}", text=text, source="b", meta={"language": language}, origin={})
    for f in stack:
        v = f(record)
        apply_verdict(record, v, stage=f.name, signals_prefix=f.name)
        if not v.kept:
            return v.reason
    return None


def junk(text: str, language: str) -> list[str]:
    lines = [s for line in text.splitlines() if (s := line.strip())]
    ws = words(text, language)
    longest = max(lines, key=len)
    menu = "\n".join(ws[:60])
    wordlist = "\n".join(" ".join(ws[i : i + 12]) for i in range(0, min(len(ws), 300), 12))
    return ["\n".join([longest] * 30), menu, wordlist]


def keep_drop(limit: int) -> list[dict[str, Any]]:
    stack = [stage.filter for stage in _stages(list(STACK), "filters")]  # what the config resolves to
    rows = []
    for lang, docs in sorted(articles(folders_from_env(), limit=limit).items()):
        reasons: dict[str, int] = {}
        for i, d in enumerate(docs):
            r = run_stack(d.text, lang, stack, f"{lang}{i}")
            reasons[r or "kept"] = reasons.get(r or "kept", 0) + 1
        kept = reasons.pop("kept", 0)
        junk_dropped = junk_total = 0
        for i, d in enumerate(docs):
            for j, t in enumerate(junk(d.text, lang)):
                junk_total += 1
                junk_dropped += run_stack(t, lang, stack, f"{lang}{i}j{j}") is not None
        top = sorted(reasons.items(), key=lambda kv: -kv[1])[:2]
        rows.append(
            {"bench": "keep_drop", "language": lang, "articles": len(docs),
             "kept_pct": round(100 * kept / len(docs), 1),
             "junk": junk_total, "junk_dropped_pct": round(100 * junk_dropped / max(junk_total, 1), 1),
             "top_drops": dict(top)}
        )  # fmt: skip
    return rows


def chunks(texts: list[str], n: int, size: int = 3000) -> list[str]:
    out = []
    for t in texts:
        for i in range(0, len(t) - size + 1, size):
            out.append(t[i : i + size])
            if len(out) >= n:
                return out
    return out


def edit(text: str, language: str, rate: float, rng: random.Random) -> str:
    if language == "en":
        toks = text.split(" ")
        for i in rng.sample(range(len(toks)), int(rate * len(toks))):
            toks[i] = rng.choice(toks)
        return " ".join(toks)
    chars = list(text)
    positions = [i for i, c in enumerate(chars) if not c.isspace()]
    for i in rng.sample(positions, int(rate * len(positions))):
        chars[i] = text[rng.choice(positions)]
    return "".join(chars)


def _hash_sets(texts: list[str], language: str | None) -> tuple[np.ndarray, list[set[int]]]:
    docs = [shingle.spans(shingle.segmented(t, language) if language else t, "words", 5) for t in texts]
    hashes, counts = shingle.hash_batch(docs, "poly64")
    sigs = minhash.signatures(hashes, counts, NUM_PERM, SEED)
    sets = [set(h.tolist()) for h in np.split(hashes, np.cumsum(counts)[:-1])]
    return sigs, sets


def recall(language: str, docs: list[str], rates: list[float]) -> list[dict[str, Any]]:
    bands, rows = minhash.optimal_bands(THRESHOLD, NUM_PERM, 0.1, 0.9)
    need = minhash.min_matches(THRESHOLD, NUM_PERM)
    out: list[dict[str, Any]] = []
    pooled: list[tuple[np.ndarray, np.ndarray]] = []
    for rate in rates:
        rng = random.Random(7)
        edited = [edit(d, language, rate, rng) for d in docs]
        res: dict[str, Any] = {"bench": "recall", "language": language, "edit_rate": rate, "pairs": len(docs)}
        for name, lang in (("segmented", language), ("whitespace", None)):
            sa, ja = _hash_sets(docs, lang)
            sb, jb = _hash_sets(edited, lang)
            jac = np.array([len(a & b) / len(a | b) if a | b else 0 for a, b in zip(ja, jb, strict=True)])
            close = jac >= THRESHOLD
            w = bands * rows
            band_hit = (sa[:, :w] == sb[:, :w]).reshape(len(sa), bands, rows).all(axis=2).any(axis=1)
            found = band_hit & (minhash.matches(sa, sb) >= need)
            res[f"{name}_mean_jaccard"] = round(float(jac.mean()), 3)
            res[f"{name}_pairs_at_0.8"] = int(close.sum())
            res[f"{name}_recall_at_0.8"] = round(float(found[close].mean()), 3) if close.any() else None
            if name == "segmented":
                pooled.append((jac, found))
        out.append(res)
    # recall by true Jaccard over the pairs of every edit rate, so that languages compare at equal similarity
    jac, found = (np.concatenate(x) for x in zip(*pooled, strict=True))
    by_bin: dict[str, Any] = {"bench": "recall_by_jaccard", "language": language}
    for lo, hi in BINS:
        sel = (jac >= lo) & (jac < hi)
        by_bin[f"j{lo:.2f}-{hi:.2f}"] = (round(float(found[sel].mean()), 3) if sel.any() else None, int(sel.sum()))
    return [*out, by_bin]


def speed(language: str, docs: list[str], rounds: int = 3) -> dict[str, Any]:
    stack = [GopherRepetition(), GopherQuality()]
    best = 0.0
    for r in range(rounds):
        records = [Record(id=f"s/{r}/{i}", text=t, source="s", meta={"language": language}, origin={})
                   for i, t in enumerate(docs)]  # fmt: skip
        t0 = time.process_time()
        for rec in records:
            for f in stack:
                if not f(rec).kept:
                    break
        best = max(best, len(docs) / (time.process_time() - t0))
    return {"bench": "speed", "language": language, "docs": len(docs), "chars": 3000, "docs_per_cpu_s": round(best)}


def texts_by_language(limit: int) -> dict[str, list[str]]:
    import os

    arts = articles(folders_from_env(), limit=limit)
    out = {lang: [d.text for d in docs] for lang, docs in arts.items() if lang in ("en", "ja")}
    zh = os.environ.get("PAJAMA_BENCH_ZH")
    if zh:
        raw = Path(zh).read_bytes()
        text = raw.decode("utf-8") if raw[:3] == b"\xef\xbb\xbf" or _utf8(raw) else raw.decode("gb18030")
        out["zh"] = ["\n".join(line.strip() for line in text.splitlines() if line.strip())]
    return out


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=300)
    ap.add_argument("--skip", default="", help="comma-separated: keep_drop,recall,speed")
    args = ap.parse_args()
    skip = set(args.skip.split(","))
    results = []
    if "keep_drop" not in skip:
        results += keep_drop(args.limit)
    texts = texts_by_language(args.limit)
    for lang, tx in sorted(texts.items()):
        docs = chunks(tx, 200)
        if "recall" not in skip:
            results += recall(lang, docs, RATES.get(lang, RATES["ja"]))
        if "speed" not in skip:
            results.append(speed(lang, docs * max(1, 1000 // max(len(docs), 1))))
            by_bytes = [d.encode()[:3000].decode("utf-8", "ignore") for d in docs]  # 3 KB, as bench_filters
            results.append(speed(lang, by_bytes * max(1, 1000 // max(len(docs), 1))) | {"chars": "3 KB"})
    for r in results:
        print(json.dumps(r, ensure_ascii=False))


if __name__ == "__main__":
    main()
