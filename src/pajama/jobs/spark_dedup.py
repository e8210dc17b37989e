"""Dedup in Spark's shuffle: the same decision as pajama.dedup.stage.resolve(), made by Spark executors.

    read      feature files (and previous releases' signature files), one task per file, into DocRows
    ids       a light shuffle of ids finds repeated reads of an id (the first read counts) and counts
              documents per source
    exact     partition by exact hash -> shuffle.group_step("exact") -> survivors, removals
    url       partition by url        -> shuffle.group_step("url")
    bands     shuffle.band_chunks per partition -> partition by band key -> shuffle.pair_step
    verify    a co-partitioned hash join: signatures are partitioned by document once, pairs go to the
              partition of their first document, then of their second -> shuffle.verify_step -> edges
    components  large-star / small-star rounds (components.large_star / small_star), each a groupByKey,
              until every node is settled (a forest of stars)
    clusters  group by star centre -> shuffle.cluster_step -> removals, cluster numbers

Every decision is a core function over one partition (pajama.dedup.shuffle); this module only routes.
The driver holds the source names, document counts per source, the positions of repeated reads of an
id (none unless inputs repeat ids), one tally and one cluster summary per partition (a count per
distinct cluster size, the largest and the oversized clusters) and the removals (one row per removed
document), never documents, signatures, band keys, pairs or edges. Spark jobs: one for the ids, one
to count MinHash members, one per component round, one to collect.
"""

from __future__ import annotations

import logging
import operator
from collections.abc import Iterable, Iterator
from typing import Any

from pajama.dedup import components, shuffle
from pajama.dedup.clusters import merge_summaries
from pajama.dedup.config import DedupConfig
from pajama.dedup.shuffle import NODE, SHINGLES, SIGNATURE
from pajama.dedup.stage import DedupResult, pair_check, partition_count, resolve_parameters

log = logging.getLogger(__name__)
SIDE = ("removal", "tally", "summary")  # what the driver collects, once, at the end


def _tagged(rows: Iterable[Any] = (), removals: Iterable[Any] = (), tally: Any = None, **more: Any) -> Iterator[Any]:
    yield from (("row", r) for r in rows)
    yield from (("removal", r) for r in removals)
    for tag, value in more.items():
        yield from ((tag, v) for v in value)
    if tally is not None:
        yield ("tally", tally)


class _Run:
    """One resolve: the Spark context, what it persisted, and the side outputs still to collect."""

    def __init__(self, spark: Any, cfg: DedupConfig) -> None:
        self.sc = spark.sparkContext
        self.cfg = cfg
        self.documents = 0
        self._sides: list[Any] = []
        self._persisted: list[Any] = []

    def keep(self, rdd: Any) -> Any:
        from pyspark import StorageLevel

        self._persisted.append(rdd.persist(StorageLevel.MEMORY_AND_DISK))
        return rdd

    def split(self, tagged: Any, tag: str) -> Any:
        """The `tag` part of a tagged RDD; its side outputs wait for collect()."""
        tagged = self.keep(tagged)
        self._sides.append(tagged.filter(lambda t: t[0] in SIDE))
        return tagged.filter(lambda t: t[0] == tag).values()

    def partitions(self, rows: int) -> int:
        return shuffle.group_count(rows, self.sc.defaultParallelism)

    def collect(self) -> dict[str, list[Any]]:
        """Every side output, in one job."""
        out: dict[str, list[Any]] = {tag: [] for tag in SIDE}
        if self._sides:
            for tag, value in self.sc.union(self._sides).collect():
                out[tag].append(value)
        return out

    def close(self) -> None:
        for rdd in self._persisted:
            rdd.unpersist()


def resolve(spark: Any, feature_files: list[str], cfg: DedupConfig, *, previous: Iterable[str] = ()) -> DedupResult:
    run = _Run(spark, cfg)
    try:
        docs, tally, names = _documents(run, feature_files, list(previous))
        exact = cfg.exact if cfg.exact is not None and cfg.exact.enabled else None
        if exact is not None:
            docs = _group(run, docs, "exact", shuffle.exact_route, names)
            if exact.url:
                docs = _group(run, docs, "url", shuffle.url_route, names)
        if cfg.minhash is not None and cfg.minhash.enabled:
            tally["members"] = _minhash(run, docs, names)
        sides = run.collect()
        summary = merge_summaries(sides["summary"]) if cfg.minhash is not None else None
        return shuffle.result(cfg, shuffle.merge_tallies([tally, *sides["tally"]]), summary, sides["removal"])
    finally:
        run.close()


def _documents(run: _Run, feature_files: list[str], previous: list[str]) -> tuple[Any, shuffle.Tally, list[str]]:
    """The DocRows that take part (one per id of this release), their counts and source names."""
    params = resolve_parameters(run.cfg)
    files = shuffle.inputs(feature_files, previous)

    def read(item: tuple[int, str, int]) -> list[tuple[tuple[int, int], shuffle.DocRow]]:
        index, path, release = item
        return [((index, k), row) for k, row in enumerate(shuffle.read_file(path, release, params))]

    def identity(read: tuple[tuple[int, int], shuffle.DocRow]) -> tuple[Any, list[Any]]:
        order, (node, *_) = read  # previous releases' rows are never folded together
        return ((node[0],) if node[1] == 0 else (node[0], node[1], order)), [(order, node[2], node[1] > 0)]

    def outcome(reads: list[Any]) -> tuple[Any, list[Any]]:
        first, repeats = shuffle.first_read(r[0] for r in reads)
        return next((r[1], r[2]) for r in reads if r[0] == first), repeats

    def add(acc: tuple[dict[Any, int], list[Any]], item: tuple[Any, list[Any]]) -> tuple[dict[Any, int], list[Any]]:
        acc[0][item[0]] = acc[0].get(item[0], 0) + 1
        acc[1].extend(item[1])
        return acc

    def merge(a: tuple[dict[Any, int], list[Any]], b: tuple[dict[Any, int], list[Any]]) -> Any:
        return {k: a[0].get(k, 0) + b[0].get(k, 0) for k in {*a[0], *b[0]}}, a[1] + b[1]

    if not files:
        return run.sc.emptyRDD(), {"documents": 0, "previous_documents": 0}, []
    reads = run.keep(run.sc.parallelize(files, len(files)).flatMap(read))
    ids = reads.map(identity).reduceByKey(operator.add).values().map(outcome)
    counts, repeats = ids.aggregate(({}, []), add, merge)
    hidden = run.sc.broadcast(set(repeats))
    docs = reads.filter(lambda r: r[0] not in hidden.value).values()
    tally = {"documents": 0, "previous_documents": 0}
    for (_, old), n in counts.items():
        tally["previous_documents" if old else "documents"] += n
    run.documents = sum(tally.values())
    return docs, tally, sorted({source for source, _ in counts})


def _group(run: _Run, docs: Any, stage: str, key: Any, names: list[str]) -> Any:
    scope = run.cfg.scope
    routed = docs.keyBy(key).partitionBy(run.partitions(run.documents), lambda k: k)

    def decide(it: Iterator[Any]) -> Iterator[Any]:
        out = shuffle.group_step((r for _, r in it), names, scope, stage)
        return _tagged(out.rows, out.removals, out.tally)

    return run.split(routed.mapPartitions(decide), "row")


def _minhash(run: _Run, docs: Any, names: list[str]) -> int:
    """Bands, pairs, verification, components and clusters; returns the number of MinHash members."""
    mh, scope = run.cfg.minhash, run.cfg.scope
    if mh is None:
        raise ValueError("no minhash config")
    members = run.keep(docs.filter(shuffle.is_member))
    count = members.count()
    check = pair_check(mh)
    parts = partition_count(count, check.bands)
    chunks = members.mapPartitions(lambda it: shuffle.band_chunks(it, names, scope, check, parts))

    def pairs_of(it: Iterator[Any]) -> Iterator[Any]:
        pairs, tally = shuffle.pair_step(c for _, c in it)
        return _tagged(tally=tally, pair=pairs)

    pairs = run.split(chunks.partitionBy(parts, lambda p: p).mapPartitions(pairs_of), "pair")
    edges = run.split(_verify(run, members, pairs, check, run.partitions(count)), "edge")
    stars = _components(run, edges, run.partitions(count)).map(lambda e: (e[1], e[0])).groupByKey()

    def decide(it: Iterator[Any]) -> Iterator[Any]:
        removals, summary = shuffle.cluster_step(it, mh.max_cluster)
        return _tagged(removals=removals, summary=[summary])

    run.split(stars.mapPartitions(decide), "none")
    return count


def _verify(run: _Run, members: Any, pairs: Any, check: Any, n: int) -> Any:
    """Join each pair with both signatures and verify it. Signatures are partitioned by document once
    (shuffle.route); a pair visits the partition of its first document, then of its second: a union of
    RDDs with the same partitioner is co-partitioned, so the signatures do not move again."""
    sigs = run.keep(members.map(lambda r: (r[NODE], ("sig", r[SIGNATURE], r[SHINGLES]))).partitionBy(n, shuffle.route))

    def local(it: Iterator[Any]) -> tuple[dict[Any, Any], list[Any]]:
        found, visiting = {}, []
        for node, value in it:
            if value[0] == "sig":
                found[node] = value[1:]
            else:
                visiting.append(value[1:])
        return found, visiting

    def first(it: Iterator[Any]) -> Iterator[Any]:
        found, visiting = local(it)
        return ((pair[1], ("half", pair, *found[pair[0]])) for (pair,) in visiting)

    def second(it: Iterator[Any]) -> Iterator[Any]:
        found, visiting = local(it)
        edges, tally = shuffle.verify_step([(pair, sa, ha, *found[pair[1]]) for pair, sa, ha in visiting], check)
        return _tagged(tally=tally, edge=edges)

    at_a = pairs.map(lambda p: (p[0], ("pair", p))).partitionBy(n, shuffle.route)
    at_b = sigs.union(at_a).mapPartitions(first).partitionBy(n, shuffle.route)
    return sigs.union(at_b).mapPartitions(second)


def _components(run: _Run, edges: Any, partitions: int) -> Any:
    """Large-star / small-star rounds until the graph is a forest of stars: (child, centre) edges."""
    for rounds in range(components.MAX_ROUNDS):
        around = run.keep(edges.flatMap(lambda e: (e, (e[1], e[0]))).groupByKey(partitions))
        if around.filter(lambda kv: not components.settled(kv[0], kv[1])).count() == 0:
            log.info("dedup: components settled after %d large-star/small-star rounds", rounds)
            return edges
        large = around.flatMap(lambda kv: components.large_star(kv[0], kv[1]))
        edges = run.keep(large.groupByKey(partitions).flatMap(lambda kv: components.small_star(kv[0], kv[1])))
    raise RuntimeError(f"connected components did not settle in {components.MAX_ROUNDS} large-star/small-star rounds")
