"""The shared corpus's duplicate ground truth (corpus/dedup/, README "Duplicate ground truth")."""

from __future__ import annotations

import gzip
import json
import tarfile

from pajama.dedup.config import DedupConfig, ExactConfig, MinhashConfig
from pajama.dedup.shingle import shingles


def _jaccard(a: str, b: str) -> float:
    x, y = set(shingles(a)), set(shingles(b))
    return len(x & y) / len(x | y)


def test_copycat_near_duplicate_pair_is_removed(corpus, rec, run):
    with gzip.open(corpus / "dedup" / "copycat-cc17-near-duplicate-pair.json.gz", "rt", encoding="utf-8") as f:
        pair = json.load(f)
    first, second = pair["firstDocument"], pair["secondDocument"]
    assert _jaccard(first["content"], second["content"]) >= 0.8  # CopyCat's S3 (8-gram) score is 0.993
    records = [
        rec("web", first["id"], first["content"], url=first["url"]),
        rec("web", second["id"], second["content"], url=second["url"]),
    ]
    result = run(records, DedupConfig(exact=ExactConfig(), minhash=MinhashConfig(threshold=0.8)))
    assert len(result.removed) == 1
    (info,) = result.removed.values()
    assert info.reason == "dedup.minhash" and info.duplicate_of in {r.id for r in records}


def test_known_exact_duplicate_file_is_removed_by_exact_dedup(corpus, rec, run):
    truth = json.loads((corpus / "dedup" / "known-duplicates.json").read_text())
    entry = next(e for e in truth if e["kind"] == "exact duplicate file")
    with gzip.open(corpus / "stackexchange" / "beer.stackexchange.com-Posts.xml.gz", "rt", encoding="utf-8") as f:
        dump = f.read()
    member = entry["members"][1].split(" member ")[1]
    with tarfile.open(corpus / "github" / "kevswanberg__beer_tentrr.tar.gz") as tar:
        extracted = tar.extractfile(member)
        copy = extracted.read().decode("utf-8") if extracted else ""
    records = [rec("stackexchange", "posts", dump), rec("github", "repo-posts", copy)]
    result = run(records, DedupConfig(exact=ExactConfig(), scope="global"), ranks={"stackexchange": 0, "github": 1})
    assert {k: (v.duplicate_of, v.reason) for k, v in result.removed.items()} == {
        records[1].id: (records[0].id, "dedup.exact")
    }


def test_frankenstein_editions_are_judged_by_their_true_jaccard(corpus, rec, run):
    texts = []
    for name in ("pg84-84-0.txt.gz", "pg84-frank10.txt.gz"):
        with gzip.open(corpus / "books" / name, "rt", encoding="utf-8", errors="replace") as f:
            texts.append(f.read())
    true = _jaccard(*texts)
    records = [rec("books", "pg84", texts[0]), rec("books", "frank10", texts[1])]
    for threshold in (0.5, 0.95):  # the editions share ~92% of their 5-word shingles
        result = run(
            records, DedupConfig(minhash=MinhashConfig(threshold=threshold, verify="exact")), name=f"t{threshold}"
        )
        assert bool(result.removed) == (true >= threshold), (true, threshold)
