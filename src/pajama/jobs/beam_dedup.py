"""Dedup with Beam transforms: the same decision as pajama.dedup.stage.resolve(), on any Beam runner.

    read      Create(files) -> FlatMap(shuffle.read_file); ids (not rows) are grouped to find repeated
              reads of an id (the first counts), and the repeats reach the read filter as a side input
    exact     key by exact hash -> GroupByKey over partition numbers -> shuffle.group_step("exact")
    url       the same by url
    bands     BatchElements -> shuffle.band_chunks -> GroupByKey(band partition) -> shuffle.pair_step
    verify    CoGroupByKey the pairs with the signatures, once per side -> shuffle.verify_step -> edges
    components  ROUNDS large-star / small-star rounds unrolled into the pipeline (two GroupByKeys each),
              then every node's neighbourhood is checked (components.settled)
    clusters  GroupByKey by star centre -> shuffle.cluster_step

A Beam pipeline cannot loop, so components run in successive pipelines: the first does everything and
writes the edges it reached; when some node is not settled, the next pipeline reads those edges, runs
ROUNDS more rounds and decides the clusters again, until every node is settled (at most
components.MAX_ROUNDS rounds). The clusters of the settled pipeline are the result. Between pipelines
and at the end, data goes through files in `work_dir`; the driver reads back only the removals (one
line per removed document), the merged tally and the merged cluster summary (one element each), and
one count per pipeline: the unsettled nodes. Documents, signatures, pairs and edges stay in Beam.
"""

from __future__ import annotations

import base64
import glob
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from typing import Any

from pajama.dedup import components, shuffle
from pajama.dedup.clusters import merge_summaries
from pajama.dedup.config import DedupConfig
from pajama.dedup.shuffle import NODE, SHINGLES, SIGNATURE
from pajama.dedup.stage import DedupResult, pair_check, partition_count, resolve_parameters

log = logging.getLogger(__name__)
ROUNDS = 3  # large-star / small-star rounds per pipeline
MIN_GROUPS = 4


def _encode(value: Any) -> str:
    return base64.b64encode(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)).decode("ascii")


def _decode_file(prefix: str) -> Iterator[Any]:
    for path in sorted(glob.glob(prefix + "-*")):  # WriteToText's shards: <prefix>-00000-of-00002
        with open(path, encoding="ascii") as f:
            for line in f:
                yield pickle.loads(base64.b64decode(line))


def _tagged(out: shuffle.StepOut) -> Iterator[Any]:
    from apache_beam import pvalue

    yield from out.rows
    yield from (pvalue.TaggedOutput("removal", r) for r in out.removals)
    yield pvalue.TaggedOutput("tally", out.tally)


def resolve(
    feature_files: list[str], cfg: DedupConfig, *, work_dir: str, previous: Iterable[str], options: Any
) -> DedupResult:
    """`options()` gives (runner, PipelineOptions) for each pipeline."""
    os.makedirs(work_dir, exist_ok=True)
    tmp = tempfile.mkdtemp(prefix="beam-dedup-", dir=work_dir)
    try:
        files = shuffle.inputs(feature_files, previous)
        _run(options, lambda p: _first(p, files, cfg, tmp))
        block = 0
        minhash = cfg.minhash is not None and cfg.minhash.enabled
        max_cluster = cfg.minhash.max_cluster if cfg.minhash is not None else 0
        while minhash and next(_decode_file(os.path.join(tmp, f"unsettled-{block}")), 0) > 0:
            block += 1
            if block * ROUNDS >= components.MAX_ROUNDS:
                raise RuntimeError(f"connected components did not settle in {components.MAX_ROUNDS} rounds")
            _run(options, lambda p, b=block: _more(p, max_cluster, tmp, b))
        if minhash:
            log.info("dedup: components settled within %d large-star/small-star rounds", (block + 1) * ROUNDS)
        tally: shuffle.Tally = next(_decode_file(os.path.join(tmp, "tally")), {})
        summary = next(_decode_file(os.path.join(tmp, f"summary-{block}")), None)
        removals = [
            *_decode_file(os.path.join(tmp, "removals")),
            *_decode_file(os.path.join(tmp, f"mh-removals-{block}")),
        ]
        return shuffle.result(cfg, tally, summary, removals)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _run(options: Any, build: Any) -> None:
    import apache_beam as beam

    runner, pipeline_options = options()
    pipeline = beam.Pipeline(runner=runner, options=pipeline_options)
    build(pipeline)
    pipeline.run().wait_until_finish()


def _write(pcoll: Any, label: str, prefix: str) -> None:
    import apache_beam as beam

    _ = pcoll | f"{label}-encode" >> beam.Map(_encode) | f"{label}-write" >> beam.io.WriteToText(prefix)


def _first(p: Any, files: list[tuple[int, str, int]], cfg: DedupConfig, tmp: str) -> None:
    """Read, exact, url, bands, pairs, verification, ROUNDS component rounds, clusters."""
    import apache_beam as beam

    params = resolve_parameters(cfg)

    def read(item: tuple[int, str, int]) -> list[tuple[tuple[int, int], shuffle.DocRow]]:
        index, path, release = item
        return [((index, k), row) for k, row in enumerate(shuffle.read_file(path, release, params))]

    reads = p | "files" >> beam.Create(files, reshuffle=True) | "read" >> beam.FlatMap(read)
    docs, tally, names, total = _documents(reads)
    tallies = [tally]
    removals: list[Any] = []
    stages = []
    if cfg.exact is not None and cfg.exact.enabled:
        stages.append(("exact", shuffle.exact_route))
        if cfg.exact.url:
            stages.append(("url", shuffle.url_route))
    for stage, key in stages:
        out = (
            docs
            | f"{stage}-key" >> beam.Map(lambda r, n, key=key: (key(r) % shuffle.group_count(n, MIN_GROUPS), r), total)
            | f"{stage}-group" >> beam.GroupByKey()
            | f"{stage}-decide"
            >> beam.FlatMap(
                lambda kv, names, stage=stage: _tagged(shuffle.group_step(kv[1], names, cfg.scope, stage)),
                names,
            ).with_outputs("removal", "tally", main="row")
        )
        docs, removals, tallies = out.row, [*removals, out.removal], [*tallies, out.tally]
    if removals:
        _write(removals | "removals" >> beam.Flatten(), "removals", os.path.join(tmp, "removals"))
    if cfg.minhash is not None and cfg.minhash.enabled:
        edges, more = _pairs(docs, cfg, names)
        tallies += more
        _components(edges, cfg.minhash.max_cluster, tmp, 0)
    tally = tallies | "tallies" >> beam.Flatten() | "tally" >> beam.CombineGlobally(shuffle.merge_tallies)
    _write(tally, "tally", os.path.join(tmp, "tally"))


def _identity(read: tuple[tuple[int, int], shuffle.DocRow]) -> tuple[Any, tuple[Any, str, bool]]:
    order, (node, *_) = read  # previous releases' rows are never folded together
    return ((node[0],) if node[1] == 0 else (node[0], node[1], order)), (order, node[2], node[1] > 0)


def _outcome(reads: Iterable[tuple[Any, str, bool]]) -> tuple[tuple[str, bool], list[Any]]:
    """(source, previous) of the read of an id that counts, and the repeats it hides."""
    reads = list(reads)
    first, repeats = shuffle.first_read(r[0] for r in reads)
    return next((r[1], r[2]) for r in reads if r[0] == first), repeats


def _documents(reads: Any) -> tuple[Any, Any, Any, Any]:
    """The DocRows that take part (one per id of this release), their tally, the sorted source names
    and the number of documents (both as side inputs); ids, not rows, are shuffled to find repeats."""
    import apache_beam as beam
    from apache_beam.pvalue import AsDict, AsSingleton

    ids = (
        reads
        | "ids" >> beam.Map(_identity)
        | "by-id" >> beam.GroupByKey()
        | "first" >> beam.Map(lambda kv: _outcome(kv[1]))
    )
    hidden = AsDict(ids | "repeats" >> beam.FlatMap(lambda o: [(r, True) for r in o[1]]))
    docs = reads | "once" >> beam.Filter(lambda r, hidden: r[0] not in hidden, hidden) | "rows" >> beam.Values()
    counts = ids | "per-source" >> beam.Map(lambda o: (o[0], 1)) | "count" >> beam.CombinePerKey(sum)
    tally = counts | "tally-docs" >> beam.Map(lambda kv: {"previous_documents" if kv[0][1] else "documents": kv[1]})
    names = counts | "source" >> beam.Map(lambda kv: kv[0][0]) | beam.Distinct() | beam.combiners.ToList()
    total = counts | "documents" >> beam.Map(lambda kv: kv[1]) | "total" >> beam.CombineGlobally(sum)
    return docs, tally, AsSingleton(names | "sorted" >> beam.Map(sorted)), AsSingleton(total)


def _pairs(docs: Any, cfg: DedupConfig, names: Any) -> tuple[Any, list[Any]]:
    """MinHash members -> band chunks -> candidate pairs -> joined with signatures -> verified edges."""
    import apache_beam as beam
    from apache_beam import pvalue

    mh, scope = cfg.minhash, cfg.scope
    if mh is None:
        raise ValueError("no minhash config")
    check = pair_check(mh)
    members = docs | "members" >> beam.Filter(shuffle.is_member)
    count = members | "count-members" >> beam.combiners.Count.Globally()

    def chunks(batch: list[shuffle.DocRow], m: int, names: list[str]) -> Any:
        return shuffle.band_chunks(batch, names, scope, check, partition_count(m, check.bands))

    def pairs_of(kv: Any) -> Iterator[Any]:
        pairs, tally = shuffle.pair_step(kv[1])
        yield from pairs
        yield pvalue.TaggedOutput("tally", tally)

    found = (
        members
        | "batch-bands" >> beam.BatchElements(min_batch_size=256, max_batch_size=8192)
        | "bands" >> beam.FlatMap(chunks, pvalue.AsSingleton(count), names)
        | "buckets" >> beam.GroupByKey()
        | "pairs" >> beam.FlatMap(pairs_of).with_outputs("tally", main="pair")
    )
    sigs = members | "sigs" >> beam.Map(lambda r: (r[NODE], (r[SIGNATURE], r[SHINGLES])))
    half = (
        {"pair": found.pair | "by-a" >> beam.Map(lambda pr: (pr[0], pr)), "sig": sigs}
        | "join-a" >> beam.CoGroupByKey()
        | "with-a" >> beam.FlatMap(lambda kv: [(pr[1], (pr, *s)) for pr in kv[1]["pair"] for s in kv[1]["sig"]])
    )
    joined = (
        {"half": half, "sig": sigs}
        | "join-b" >> beam.CoGroupByKey()
        | "with-b" >> beam.FlatMap(lambda kv: [(*h, *s) for h in kv[1]["half"] for s in kv[1]["sig"]])
    )

    def verify(batch: list[Any]) -> Iterator[Any]:
        edges, tally = shuffle.verify_step(batch, check)
        yield from edges
        yield pvalue.TaggedOutput("tally", tally)

    verified = (
        joined
        | "batch-pairs" >> beam.BatchElements(min_batch_size=256, max_batch_size=8192)
        | "verify" >> beam.FlatMap(verify).with_outputs("tally", main="edge")
    )
    members_tally = count | "tally-members" >> beam.Map(lambda n: {"members": n})
    return verified.edge, [found.tally, verified.tally, members_tally]


def _more(p: Any, max_cluster: int, tmp: str, block: int) -> None:
    """The next ROUNDS rounds, from the edges the previous pipeline wrote."""
    import apache_beam as beam

    edges = (
        p
        | "read-edges" >> beam.io.ReadFromText(os.path.join(tmp, f"edges-{block - 1}-*"))
        | "decode-edges" >> beam.Map(lambda line: pickle.loads(base64.b64decode(line)))
    )
    _components(edges, max_cluster, tmp, block)


def _components(edges: Any, max_cluster: int, tmp: str, block: int) -> None:
    """ROUNDS large-star / small-star rounds; then the unsettled nodes are counted, the edges written for
    the next pipeline, and the clusters decided (their result counts once no node is unsettled)."""
    import apache_beam as beam
    from apache_beam import pvalue

    for r in range(ROUNDS):
        around = edges | f"around-{r}" >> beam.FlatMap(lambda e: (e, (e[1], e[0]))) | f"nbrs-{r}" >> beam.GroupByKey()
        large = around | f"large-star-{r}" >> beam.FlatMap(lambda kv: components.large_star(kv[0], kv[1]))
        edges = (
            large
            | f"smaller-{r}" >> beam.GroupByKey()
            | f"small-star-{r}" >> beam.FlatMap(lambda kv: components.small_star(kv[0], kv[1]))
        )
    unsettled = (
        edges
        | "around" >> beam.FlatMap(lambda e: (e, (e[1], e[0])))
        | "nbrs" >> beam.GroupByKey()
        | "unsettled" >> beam.Filter(lambda kv: not components.settled(kv[0], kv[1]))
        | "count-unsettled" >> beam.combiners.Count.Globally()
    )
    _write(unsettled, "unsettled", os.path.join(tmp, f"unsettled-{block}"))
    _write(edges, "edges", os.path.join(tmp, f"edges-{block}"))

    def decide(batch: list[Any]) -> Iterator[Any]:
        removals, summary = shuffle.cluster_step(batch, max_cluster)
        yield from removals
        yield pvalue.TaggedOutput("summary", summary)

    clusters = (
        edges
        | "by-centre" >> beam.Map(lambda e: (e[1], e[0]))
        | "stars" >> beam.GroupByKey()
        | "star-lists" >> beam.Map(lambda kv: (kv[0], list(kv[1])))
        | "batch-stars" >> beam.BatchElements(min_batch_size=64, max_batch_size=4096)
        | "clusters" >> beam.FlatMap(decide).with_outputs("summary", main="removal")
    )
    summary = clusters.summary | "summary" >> beam.CombineGlobally(merge_summaries)
    _write(summary, "summary", os.path.join(tmp, f"summary-{block}"))
    _write(clusters.removal, "mh-removals", os.path.join(tmp, f"mh-removals-{block}"))
