"""resolve(): exact, url and MinHash stages, the keep rule, scope, verification, determinism."""

from __future__ import annotations

from pajama.dedup.config import DedupConfig, ExactConfig, MinhashConfig
from pajama.dedup.minhash import optimal_bands
from pajama.dedup.shingle import shingles
from pajama.dedup.stage import DedupResult

EXACT = DedupConfig(exact=ExactConfig(normalize=["whitespace", "case"]))
BOTH = DedupConfig(exact=ExactConfig(), minhash=MinhashConfig(threshold=0.8))


def doc(sentences, k, size=30, drop=()):
    """Document k: `size` real sentences from a window that no other k overlaps."""
    chosen = sentences[k * size : (k + 1) * size]
    return " ".join(s for i, s in enumerate(chosen) if i not in drop)


def jaccard(a, b):
    x, y = set(shingles(a)), set(shingles(b))
    return len(x & y) / len(x | y)


def test_exact_keeps_by_rank_then_length_then_id(sentences, rec, run):
    base = doc(sentences, 0)
    records = [
        rec("web", "a", base),
        rec("web", "b", base.upper() + "  "),  # same normalized text, longest of the web copies
        rec("books", "c", base),  # rank 0 source: wins over every web copy under global scope
        rec("web", "d", doc(sentences, 1)),
        rec("web", "e", doc(sentences, 1)),  # tie on rank and length: the smaller id stays
    ]
    ids = {r.meta.get("k", k): r.id for k, r in zip("abcde", records, strict=True)}
    result = run(records, EXACT.model_copy(update={"scope": "global"}), ranks={"books": 0, "web": 1})
    keep_de = min(ids["d"], ids["e"])
    assert set(result.removed) == {ids["a"], ids["b"], max(ids["d"], ids["e"])}
    assert result.removed[ids["a"]].duplicate_of == ids["c"]
    assert result.removed[max(ids["d"], ids["e"])].duplicate_of == keep_de
    assert {i.reason for i in result.removed.values()} == {"dedup.exact"}
    assert result.removed[ids["b"]].cluster_id == f"exact:{ids['c']}"

    per_source = run(records, EXACT, ranks={"books": 0, "web": 1}, name="per-source")
    assert set(per_source.removed) == {ids["a"], max(ids["d"], ids["e"])}  # b is the longest web copy
    assert per_source.stats["removed_by_source"] == {"web": {"dedup.exact": 2}}


def test_url_dedup_keeps_the_latest_capture(sentences, rec, run):
    cfg = DedupConfig(exact=ExactConfig(url=True))
    old = rec("web", "old", doc(sentences, 0), url="http://Example.com/page#x", timestamp="2023-01-05T00:00:00Z")
    new = rec("web", "new", doc(sentences, 1), url="http://example.com/page", timestamp="2024-02-01T00:00:00Z")
    undated = rec("web", "undated", doc(sentences, 2), url="http://example.com/page")
    other = rec("web", "other", doc(sentences, 3), url="http://example.com/other", timestamp="2020-01-01")
    result = run([old, new, undated, other], cfg)
    assert set(result.removed) == {old.id, undated.id}
    assert all(i.duplicate_of == new.id and i.reason == "dedup.url" for i in result.removed.values())


def test_minhash_removes_near_duplicates_and_nothing_else(sentences, rec, run):
    records, expected = [], {}
    for k in range(12):
        original = rec("web", f"o{k}", doc(sentences, k))
        records.append(original)
        if k % 3 == 0:
            variant = rec("web", f"v{k}", doc(sentences, k, drop=(5,)))  # one sentence of 30 gone
            assert jaccard(original.text, variant.text) > 0.85
            records.append(variant)
            expected[variant.id] = original.id  # the original is longer
    result = run(records, BOTH)
    assert {k: v.duplicate_of for k, v in result.removed.items()} == expected
    assert {v.reason for v in result.removed.values()} == {"dedup.minhash"}
    mh = result.stats["minhash"]
    assert mh["clusters"] == len(expected) and mh["cluster_sizes"] == {"2": len(expected)}
    assert (mh["params"]["bands"], mh["params"]["rows"], mh["params"]["derived"]) == (
        *optimal_bands(0.8, 128, 0.1, 0.9),
        True,
    )


def test_candidates_below_the_threshold_are_rejected_not_merged(sentences, rec, run):
    a = doc(sentences, 0, size=40)
    b = doc(sentences, 0, size=40, drop=tuple(range(0, 40, 4)))  # a quarter of the sentences gone
    assert 0.55 < jaccard(a, b) < 0.8
    records = [rec("web", "a", a), rec("web", "b", b)]
    loose = MinhashConfig(threshold=0.9, bands=32, rows=4)  # bands that make (a, b) a candidate
    verified = run(records, DedupConfig(minhash=loose))
    assert verified.stats["minhash"]["candidate_pairs"] == 1
    assert verified.stats["minhash"]["verified_pairs"] == 0 and not verified.removed
    unverified = run(records, DedupConfig(minhash=loose.model_copy(update={"verify": "none"})), name="none")
    assert len(unverified.removed) == 1


def test_exact_verification_uses_shingle_sets(sentences, rec, run):
    a, b = doc(sentences, 0), doc(sentences, 0, drop=(3,))
    cfg = DedupConfig(minhash=MinhashConfig(threshold=0.8, verify="exact"))
    result = run([rec("web", "a", a), rec("web", "b", b)], cfg)
    assert list(result.removed) == [rec("web", "b", b).id]
    strict = cfg.model_copy(update={"minhash": cfg.minhash.model_copy(update={"threshold": jaccard(a, b) + 0.001})})
    assert not run([rec("web", "a", a), rec("web", "b", b)], strict, name="strict").removed


def test_same_result_with_workers_and_input_order(sentences, rec, run, tmp_path):
    records = [rec("web", f"o{k}", doc(sentences, k)) for k in range(20)]
    records += [rec("web", f"v{k}", doc(sentences, k, drop=(k % 30,))) for k in range(0, 20, 2)]
    records += [rec("books", f"b{k}", doc(sentences, k)) for k in range(0, 20, 5)]
    cfg = BOTH.model_copy(update={"scope": "global"})
    one = run(records, cfg, workers=1, name="one")
    two = run(list(reversed(records)), cfg, workers=2, name="two")
    assert one.removed == two.removed and len(one.removed) == 10 + 4
    assert one.stats == two.stats


def test_oversized_clusters_are_reported(sentences, rec, run):
    records = [rec("web", f"c{k}", doc(sentences, 0, drop=(k,))) for k in range(5)]
    cfg = DedupConfig(minhash=MinhashConfig(threshold=0.8, max_cluster=3))
    result = run(records, cfg)
    assert len(result.removed) == 4
    (big,) = result.stats["minhash"]["oversized_clusters"]
    assert big["size"] == 5 and len(result.stats["warnings"]) == 1 and "max_cluster 3" in result.stats["warnings"][0]


def test_result_round_trips_through_save_and_load(sentences, rec, run, tmp_path):
    records = [rec("web", "a", doc(sentences, 0)), rec("web", "b", doc(sentences, 0, drop=(1,)))]
    result = run(records, BOTH)
    result.save(str(tmp_path / "dedup.parquet"))
    back = DedupResult.load(str(tmp_path / "dedup.parquet"))
    assert back.removed == result.removed and back.stats == result.stats


def test_documents_without_words_stay_out_of_minhash(rec, run):
    records = [rec("web", "p", "... !!!"), rec("web", "q", "--- ???"), rec("web", "r", "")]
    result = run(records, DedupConfig(minhash=MinhashConfig()))
    assert not result.removed and result.stats["minhash"]["documents"] == 0
