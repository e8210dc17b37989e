"""Dedup in Spark's shuffle: the same decision as pajama.dedup.stage.resolve(), made by Spark executors.

    read      feature files (and previous releases' signature files), one task per file, into DocRows;
              an id read twice keeps its first read (reduceByKey)
    exact     partition by exact hash -> shuffle.group_step("exact") -> survivors, removals
    url       partition by url        -> shuffle.group_step("url")
    bands     shuffle.band_chunks per partition -> partition by band key -> shuffle.pair_step
    verify    join the pairs with both signatures -> shuffle.verify_step -> edges
    components  large-star / small-star rounds (components.large_star / small_star), each a groupByKey,
              until every node is settled (a forest of stars)
    clusters  group by star centre -> shuffle.cluster_step -> removals, cluster numbers

Every decision is a core function over one partition (pajama.dedup.shuffle); this module only routes.
The driver holds the source names, one small tally per partition, the cluster numbers (one entry per
distinct cluster size, the largest and the oversized clusters' summaries) and the removals (one row per
removed document), never documents, signatures, band keys, pairs or edges.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from typing import Any

from pajama.dedup import components, shuffle
from pajama.dedup.config import DedupConfig
from pajama.dedup.load import previous_files
from pajama.dedup.stage import DedupResult, pair_check, partition_count, resolve_parameters

log = logging.getLogger(__name__)
ROWS_PER_PARTITION = 50_000


def _tagged(rows: Iterable[Any] = (), removals: Iterable[Any] = (), tally: Any = None, **more: Any) -> Iterator[Any]:
    yield from (("row", r) for r in rows)
    yield from (("removal", r) for r in removals)
    for tag, value in more.items():
        yield from ((tag, v) for v in value)
    if tally is not None:
        yield ("tally", tally)


class _Run:
    """One resolve: the Spark context, what it persisted, and what the driver collected."""

    def __init__(self, spark: Any, cfg: DedupConfig) -> None:
        self.sc = spark.sparkContext
        self.cfg = cfg
        self.tallies: list[shuffle.Tally] = []
        self.removals: list[Any] = []
        self._persisted: list[Any] = []

    def keep(self, rdd: Any) -> Any:
        from pyspark import StorageLevel

        self._persisted.append(rdd.persist(StorageLevel.MEMORY_AND_DISK))
        return rdd

    def split(self, tagged: Any) -> dict[str, Any]:
        """A tagged RDD -> one RDD per tag; removals and tallies are collected."""
        tagged = self.keep(tagged)
        self.removals += tagged.filter(lambda t: t[0] == "removal").values().collect()
        self.tallies += tagged.filter(lambda t: t[0] == "tally").values().collect()
        return {
            tag: tagged.filter(lambda t, tag=tag: t[0] == tag).values() for tag in ("row", "pair", "edge", "summary")
        }

    def partitions(self, rows: int) -> int:
        return max(self.sc.defaultParallelism, -(-rows // ROWS_PER_PARTITION))

    def close(self) -> None:
        for rdd in self._persisted:
            rdd.unpersist()


def resolve(spark: Any, feature_files: list[str], cfg: DedupConfig, *, previous: Iterable[str] = ()) -> DedupResult:
    run = _Run(spark, cfg)
    try:
        docs = _read(run, feature_files, list(previous))
        count = docs.map(lambda r: r.node[1] > 0).countByValue()
        run.tallies.append({"documents": count.get(False, 0), "previous_documents": count.get(True, 0)})
        names = sorted(docs.map(lambda r: r.node[2]).distinct().collect())
        exact = cfg.exact if cfg.exact is not None and cfg.exact.enabled else None
        if exact is not None:
            docs = _group(run, docs, "exact", shuffle.exact_route, names)
            if exact.url:
                docs = _group(run, docs, "url", shuffle.url_route, names)
        summary = _minhash(run, docs, names) if cfg.minhash is not None and cfg.minhash.enabled else None
        return shuffle.result(cfg, shuffle.merge_tallies(run.tallies), summary, run.removals)
    finally:
        run.close()


def _read(run: _Run, feature_files: list[str], previous: list[str]) -> Any:
    params = resolve_parameters(run.cfg)
    files = [(i, p, 0) for i, p in enumerate(sorted(feature_files))]
    files += [(len(files) + i, p, r) for i, (p, r) in enumerate(previous_files(previous))]
    if not files:
        return run.sc.emptyRDD()

    def read(item: tuple[int, str, int]) -> list[tuple[tuple[int, int], shuffle.DocRow]]:
        index, path, release = item
        return [((index, k), row) for k, row in enumerate(shuffle.read_file(path, release, params))]

    reads = run.sc.parallelize(files, len(files)).flatMap(read)
    new = reads.filter(lambda r: r[1].node[1] == 0).keyBy(lambda r: r[1].node[0]).reduceByKey(shuffle.earlier)
    return run.keep(new.values().union(reads.filter(lambda r: r[1].node[1] > 0)).values())


def _group(run: _Run, docs: Any, stage: str, key: Any, names: list[str]) -> Any:
    scope = run.cfg.scope
    partitions = run.partitions(docs.count())
    routed = docs.keyBy(key).partitionBy(partitions, lambda k: k)
    out = routed.mapPartitions(lambda it: _step(shuffle.group_step((r for _, r in it), names, scope, stage)))
    return run.split(out)["row"]


def _step(out: shuffle.StepOut) -> Iterator[Any]:
    return _tagged(out.rows, out.removals, out.tally)


def _minhash(run: _Run, docs: Any, names: list[str]) -> shuffle.Summary:
    mh, scope = run.cfg.minhash, run.cfg.scope
    if mh is None:
        raise ValueError("no minhash config")
    members = run.keep(docs.filter(lambda r: r.n_shingles > 0 and r.signature is not None))
    count = members.count()
    run.tallies.append({"members": count})
    check = pair_check(mh)
    parts = partition_count(count, check.bands)
    chunks = members.mapPartitions(lambda it: shuffle.band_chunks(it, names, scope, check, parts))

    def pairs_of(it: Iterator[Any]) -> Iterator[Any]:
        pairs, tally = shuffle.pair_step(c for _, c in it)
        return _tagged(tally=tally, pair=pairs)

    pairs = run.split(chunks.partitionBy(parts, lambda p: p).mapPartitions(pairs_of))["pair"]
    sigs = members.map(lambda r: (r.node, (r.signature, r.shingles)))
    joined = (
        pairs.keyBy(lambda p: p[0])
        .join(sigs)
        .map(lambda kv: (kv[1][0][1], (kv[1][0], kv[1][1])))
        .join(sigs)
        .map(lambda kv: (kv[1][0][0], *kv[1][0][1], *kv[1][1]))  # (pair, sig a, shingles a, sig b, shingles b)
    )

    def verify(it: Iterator[Any]) -> Iterator[Any]:
        edges, tally = shuffle.verify_step(it, check)
        return _tagged(tally=tally, edge=edges)

    edges = run.split(joined.mapPartitions(verify))["edge"]
    stars = _components(run, edges, run.partitions(count)).map(lambda e: (e[1], e[0])).groupByKey()

    def decide(it: Iterator[Any]) -> Iterator[Any]:
        removals, summary = shuffle.cluster_step(it, mh.max_cluster)
        return _tagged(removals=removals, summary=[summary])

    summaries = run.split(stars.mapPartitions(decide))["summary"]
    return summaries.fold(shuffle.Summary(), lambda a, b: shuffle.merge_summaries([a, b]))


def _components(run: _Run, edges: Any, partitions: int) -> Any:
    """Large-star / small-star rounds until the graph is a forest of stars: (child, centre) edges."""
    edges = run.keep(edges.distinct(partitions))
    for rounds in range(components.MAX_ROUNDS):
        around = run.keep(edges.flatMap(lambda e: (e, (e[1], e[0]))).groupByKey(partitions))
        if around.filter(lambda kv: not components.settled(kv[0], kv[1])).isEmpty():
            log.info("dedup: components settled after %d large-star/small-star rounds", rounds)
            return edges
        large = around.flatMap(lambda kv: components.large_star(kv[0], kv[1]))
        edges = run.keep(large.groupByKey(partitions).flatMap(lambda kv: components.small_star(kv[0], kv[1])))
    raise RuntimeError(f"connected components did not settle in {components.MAX_ROUNDS} large-star/small-star rounds")
