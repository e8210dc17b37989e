"""`python -m benchmarks`: the benchmark suite, scaling curves, the engine comparison, profiles.

    python -m benchmarks --size 100000                 every stage on a 100k-document corpus (`make bench`)
    python -m benchmarks scaling --sizes 10000 100000  time and memory against corpus size, plotted
    python -m benchmarks scaling --sizes 1000000       one more size (long); the plot takes every size run so far
    python -m benchmarks engines --size 100000         the end-to-end job on local, Beam DirectRunner, Spark local[2]
    python -m benchmarks profile STAGE --size 10000    cProfile of one stage (or e2e), top functions
    python -m benchmarks corpus --size 100000          only build the corpus (cached in --work)
    python -m benchmarks rpv2                          rpv2 signals beside RedPajama-v2's own code: match, speed
    python -m benchmarks peers --docs 5000             pajama beside datatrove, text-dedup, datasketch (peers.md)
    python -m benchmarks.bench_governance decontam|query   decontamination on a 100k-item eval set; query on 1M docs

Results go to --out (benchmarks/out): results.json, results.md, scaling.json/.md/.png, engines.json,
profile-<stage>.txt. The corpus and scratch files go to --work (default: $TMPDIR/pajama-bench).
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

from benchmarks import suite, textpool


def common(p: argparse.ArgumentParser, *, size: bool = True) -> None:
    if size:
        p.add_argument("--size", type=int, default=100_000, help="documents in the corpus (100000)")
    p.add_argument("--sample", type=int, default=10_000, help="documents for the per-document stages (10000)")
    p.add_argument("--pages", type=int, default=400, help="HTML pages for the WARC/extraction stages (400)")
    p.add_argument("--workers", type=int, default=2, help="worker processes where a stage has several (2)")
    p.add_argument(
        "--text",
        choices=["auto", "corpus", "samples"],
        default="auto",
        help="real text from ../shared/corpus, or the quickstart samples (auto: the corpus when present)",
    )
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--work", type=Path, default=textpool.default_work(), help="corpus and scratch folder")
    p.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "out", help="results folder")


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m benchmarks", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    common(p)
    p.add_argument("--stages", default=",".join(suite.STAGES), help="comma-separated stages to run (all)")
    p.add_argument("--no-profile", action="store_true", help="skip the profiles after the stages")
    sub = p.add_subparsers(dest="command")
    sc = sub.add_parser("scaling", help="time and memory at several corpus sizes, plotted")
    common(sc, size=False)
    sc.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    en = sub.add_parser("engines", help="the end-to-end job on the local, Beam and Spark engines")
    common(en)
    en.add_argument("--engines", default="local,beam,spark")
    en.add_argument("--repeat", type=int, default=1, help="rounds; each engine reports its fastest (1)")
    pr = sub.add_parser("profile", help="cProfile one stage, or e2e")
    common(pr)
    pr.add_argument("stage", choices=[*sorted(set(suite.STAGES) - {"spine"})])
    co = sub.add_parser("corpus", help="only build the corpus")
    common(co)
    pe = sub.add_parser("peers", help="pajama beside datatrove, text-dedup and datasketch, whole processes")
    common(pe, size=False)
    pe.add_argument("--docs", type=int, default=5_000, help="documents in the corpus (5000)")
    pe.add_argument("--only", default="", help="comma-separated tools to run (all: pajama,datatrove,...)")
    pe.add_argument("--repeat", type=int, default=1, help="rounds per tool; the fastest counts (1)")
    return p


def settings(args: argparse.Namespace, size: int) -> suite.Settings:
    return suite.Settings(
        size=size,
        sample=min(args.sample, size),
        pages=args.pages,
        workers=args.workers,
        text=args.text,
        seed=args.seed,
        work=args.work,
        out=args.out,
    )


def main(argv: list[str] | None = None) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["rpv2"]:  # pajama's rpv2 signals beside RedPajama-v2's own code (benchmarks/bench_rpv2.py)
        from benchmarks import bench_rpv2

        return bench_rpv2.main(argv[1:])
    args = parser().parse_args(argv)
    if args.command == "scaling":
        from benchmarks import scaling

        scaling.run([settings(args, n) for n in args.sizes])
    elif args.command == "engines":
        from benchmarks import engines

        engines.run(settings(args, args.size), args.engines.split(","), args.repeat)
    elif args.command == "profile":
        from benchmarks import scaling

        scaling.profile(settings(args, args.size), args.stage)
    elif args.command == "peers":
        from benchmarks import peers

        only = set(filter(None, args.only.split(",")))
        peers.run(
            args.docs,
            args.work,
            args.out,
            seed=args.seed,
            text=args.text,
            pages=args.pages,
            only=only,
            repeat=args.repeat,
        )
    elif args.command == "corpus":
        from benchmarks import planted

        s = settings(args, args.size)
        print(planted.build(s.work, s.size, seed=s.seed, text=s.text, pages=s.pages))
    else:
        s = settings(args, args.size)
        s.stages = tuple(x for x in args.stages.split(",") if x)
        unknown = set(s.stages) - set(suite.STAGES)
        if unknown:
            raise SystemExit(f"unknown stage(s) {sorted(unknown)}; choose from {', '.join(suite.STAGES)}")
        s.profile = not args.no_profile
        suite.run(s)
        print(f"[bench] wrote {s.out / 'results.json'} and {s.out / 'results.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
