"""`python -m benchmarks rpv2`: pajama's `rpv2` signals beside RedPajama-v2's own code on the same real documents.

Documents are what pajama's readers make of ../shared/corpus: web pages extracted from the WARC/ARC files,
Wikipedia articles, Project Gutenberg books and StackExchange posts (cached as JSONL in --work, since WARC
extraction is the slow part). The reference is the unchanged RedPajama-Data v2 code in
../shared/reference/redpajama-v2 (nltk 3.8.1), run per document with the record's language when it is one of
RP-v2's five. Reported: per signal, the share of documents where both agree (within 1e-6; null only equals
null), and documents per CPU-second for each side with the ratio.
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import json
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

REFERENCE = Path(__file__).resolve().parents[2] / "shared" / "reference" / "redpajama-v2"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
KINDS = (
    ("warc", "warc/*.warc.gz"),
    ("arc", "warc/*.arc.gz"),
    ("wikipedia", "wiki/*.bz2"),
    ("books", "books/*.txt.gz"),
    ("stackexchange", "stackexchange/*"),
)
TOLERANCE = 1e-6


def reference_available() -> bool:
    """True when the RP-v2 copy and its dependencies (nltk 3.8.1, msgspec) import."""
    if not REFERENCE.is_dir():
        return False
    try:
        import msgspec  # noqa: F401
        import nltk

        return bool(nltk.__version__ == "3.8.1")
    except ImportError:
        return False


def documents(corpus: Path, kinds: tuple[tuple[str, str], ...] = KINDS, per_file: int | None = None) -> Iterator[dict]:
    """{kind, text, language, url} of every document the readers make of the corpus files (non-empty text)."""
    from pajama import options, registry
    from pajama.record import Doc, normalize_text
    from pajama.storage import InputFile

    for kind, pattern in kinds:
        reader: Any = options.build(registry.get_reader(kind, "reader"), {}, "reader")
        for path in sorted(corpus.glob(pattern)):
            inp = InputFile(uri=str(path), name=path.name, source=kind, is_dir=path.is_dir())
            items = (i for i in reader.read(inp) if isinstance(i, Doc) and i.text.strip())
            for item in itertools.islice(items, per_file):
                meta = item.meta
                yield {
                    "kind": kind,
                    "text": normalize_text(item.text),
                    "language": meta.get("language"),
                    "url": meta.get("url"),
                }


def cached_documents(work: Path, corpus: Path) -> list[dict]:
    cache = work / "rpv2-documents.jsonl.gz"
    if not cache.exists():
        work.mkdir(parents=True, exist_ok=True)
        with gzip.open(cache, "wt", encoding="utf-8") as f:
            for doc in documents(corpus):
                f.write(json.dumps(doc, ensure_ascii=False) + "\n")
    with gzip.open(cache, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def write_lists(folder: Path, domains: list[str]) -> tuple[Path, Path]:
    """A UT1 blacklists folder (some of the documents' own domains in one or two categories) and an LDNOOBW
    folder of the shipped lists, in the layouts RP-v2 reads; RP-v2 gets pajama's index of the UT1 folder."""
    from pajama.filters.rpv2_lists import DATA, ut1_index

    ut1 = folder / "ut1"
    for i, category in enumerate(("adult", "gambling", "porn")):
        (ut1 / "blacklists" / category).mkdir(parents=True, exist_ok=True)
        chosen = sorted(set(domains))[i::4]
        (ut1 / "blacklists" / category / "domains").write_text("\n".join(chosen) + "\n", encoding="utf-8")
    (ut1 / "domain_to_category_id.json").write_text(json.dumps(ut1_index(str(ut1))), encoding="utf-8")
    return ut1, DATA / "ldnoobw"


class Reference:
    """RP-v2's signal classes, built once per language, applied as its worker applies them."""

    def __init__(self, ut1: Path, ldnoobw: Path) -> None:
        if str(REFERENCE) not in sys.path:
            sys.path.insert(0, str(REFERENCE))
        from core.quality_signals import content, lines, natural_language, repetitions

        self._content = content
        self._ut1, self._ldnoobw = str(ut1), str(ldnoobw)
        self._common = [
            *repetitions.register_repetitions_callables(),
            *natural_language.register_natural_language_callables(),
            *lines.register_lines_callables(),
            content.RPS_Doc_Curly_Bracket(),
            content.RPS_Doc_Lorem_Ipsum(),
            content.RPS_Doc_UT1_Blacklist(bad_urls_dir=self._ut1),
        ]
        self._by_language: dict[str | None, list[Any]] = {}

    def _signals_for(self, language: str | None) -> list[Any]:
        if language not in self._by_language:
            extra = []
            if language in ("en", "de", "fr", "es", "it"):
                extra = [
                    self._content.RPS_Doc_Stop_Word_Fraction(language=language),
                    self._content.RPS_Doc_LDNOOBW_Words(bad_words_dir=self._ldnoobw, language=language),
                ]
            self._by_language[language] = self._common + extra
        return self._by_language[language]

    def __call__(self, text: str, language: str | None, domain: str | None) -> dict[str, Any]:
        from core.document import Document

        doc = Document(text, domain=domain, precompute_ngrams=True, precompute_hash_features=False)
        return {f.field_name: f(doc) for f in self._signals_for(language)}


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(float(a) - float(b)) <= TOLERANCE


def agreement(ours: dict[str, Any], theirs: dict[str, Any]) -> dict[str, bool]:
    """Per RP-v2 signal: does pajama's stored value equal RP-v2's (document: [0][2]; line: every span)?"""
    out = {}
    for name, spans in theirs.items():
        if name not in ours:
            out[name] = False
        elif name.startswith("rps_lines_"):
            got = ours[name]
            out[name] = len(got) == len(spans) and all(
                tuple(g[:2]) == tuple(s[:2]) and _same(g[2], s[2]) for g, s in zip(got, spans, strict=True)
            )
        else:
            out[name] = len(spans) == 1 and _same(ours[name], spans[0][2])
    return out


def run(work: Path, corpus: Path, limit: int | None) -> dict[str, Any]:
    from pajama.filters.rpv2 import RedPajamaV2, _domain
    from pajama.record import Record

    docs = cached_documents(work, corpus)[:limit]
    with tempfile.TemporaryDirectory() as tmp:
        ut1, ldnoobw = write_lists(Path(tmp), [d for doc in docs if (d := _domain(doc["url"]))])
        ours_filter = RedPajamaV2(ut1=str(ut1))
        reference = Reference(ut1, ldnoobw)
        from pajama.filters.rpv2_lists import base_language

        records = [
            Record(
                id=f"b/{i}",
                text=d["text"],
                source=d["kind"],
                meta={"language": d["language"], "url": d["url"]},
                origin={},
            )
            for i, d in enumerate(docs)
        ]
        # lists and character tables load once per worker: before timing, as RP-v2's classes load theirs
        ours_filter(Record(id="warm", text="Über • x", source="b", meta={"language": "en"}, origin={}))
        t0 = time.process_time()
        ours = [dict(ours_filter(r).signals) for r in records]
        t1 = time.process_time()
        theirs = [reference(d["text"], base_language(d["language"]), _domain(d["url"])) for d in docs]
        t2 = time.process_time()
    table: dict[str, list[int]] = {}
    for o, t in zip(ours, theirs, strict=True):
        for name, ok in agreement(o, t).items():
            table.setdefault(name, [0, 0])[0 if ok else 1] += 1
    return {
        "documents": len(docs),
        "kinds": {k: sum(d["kind"] == k for d in docs) for k, _ in KINDS},
        "pajama_docs_per_cpu_s": len(docs) / (t1 - t0),
        "rpv2_docs_per_cpu_s": len(docs) / (t2 - t1),
        "speedup": (t2 - t1) / (t1 - t0),
        "signals": {name: {"equal": eq, "documents": eq + ne} for name, (eq, ne) in sorted(table.items())},
    }


def report(result: dict[str, Any]) -> str:
    lines = [
        f"documents: {result['documents']} ({', '.join(f'{k} {n}' for k, n in result['kinds'].items())})",
        f"pajama rpv2: {result['pajama_docs_per_cpu_s']:.1f} docs/CPU-s; RedPajama-v2 code: "
        f"{result['rpv2_docs_per_cpu_s']:.1f} docs/CPU-s; speedup {result['speedup']:.2f}x",
        "",
        "| signal | equal | documents | match |",
        "|---|---:|---:|---:|",
    ]
    for name, row in result["signals"].items():
        lines.append(f"| {name} | {row['equal']} | {row['documents']} | {row['equal'] / row['documents']:.1%} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks rpv2", description=__doc__)
    p.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "pajama-bench")
    p.add_argument("--corpus", type=Path, default=CORPUS)
    p.add_argument("--limit", type=int, default=None, help="first N documents only")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out" / "rpv2.json")
    args = p.parse_args(argv)
    if not reference_available():
        raise SystemExit(f"RedPajama-v2 reference not importable (need {REFERENCE}, nltk==3.8.1, msgspec)")
    result = run(args.work, args.corpus, args.limit)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")
    print(report(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
