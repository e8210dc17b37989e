"""Scaling: time and memory of the size-dependent stages at several corpus sizes, as a table and a PNG.

    python -m benchmarks scaling --sizes 10000 100000
    python -m benchmarks scaling --sizes 1000000          (long: run it on its own; the plot adds it)

Each size's results go to <out>/scaling/<size>/results.json, so sizes can be run one at a time; the
plot (scaling.png) and table (scaling.md, scaling.json) are rebuilt from every size run so far. Then the
stage that took longest at the largest size is profiled (cProfile, top functions).
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from benchmarks import planted, profiling, suite
from benchmarks.suite import Settings

STAGES = ("read_jsonl", "signatures", "clustering", "shard_write", "e2e")


def run(sizes: list[Settings]) -> None:
    for s in sizes:
        print(f"[bench] scaling: {s.size:,} documents", flush=True)
        suite.run(replace(s, stages=STAGES, profile=False, out=s.out / "scaling" / str(s.size)))
    out = sizes[0].out
    collected = collect(out)
    (out / "scaling.json").write_text(json.dumps(collected, indent=1) + "\n")
    png = plot(collected, out / "scaling.png")
    big = max(sizes, key=lambda x: x.size)  # the largest size of this run: its slowest stage is profiled
    largest = next(r for r in collected if r["size"] == big.size)
    slowest = max((r for r in largest["stages"] if r["name"] not in ("e2e",)), key=lambda r: r["wall_s"])
    profile_row = profile(big, slowest["name"])
    (out / "scaling.md").write_text(markdown(collected, png, profile_row))
    print(f"[bench] wrote {out / 'scaling.md'} and {png}")


def collect(out: Path) -> list[dict[str, Any]]:
    """Every size run so far: {size, stages: [{name, wall_s, cpu_s, peak_rss_mb, peak_tree_rss_mb}]}."""
    found = []
    for path in sorted((out / "scaling").glob("*/results.json"), key=lambda p: int(p.parent.name)):
        r = json.loads(path.read_text())
        keys = ("name", "stage", "documents", "wall_s", "cpu_s", "peak_rss_mb", "peak_tree_rss_mb")
        stages = [{k: s.get(k) for k in keys} for s in r["stages"]]
        found.append({"size": r["settings"]["size"], "load": r["environment"]["load_average_start"], "stages": stages})
    return found


def plot(collected: list[dict[str, Any]], path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (ax_t, ax_c, ax_m) = plt.subplots(1, 3, figsize=(16, 4.8))
    names = list(dict.fromkeys(s["name"] for r in collected for s in r["stages"]))
    for name in names:
        points = [(r["size"], s) for r in collected for s in r["stages"] if s["name"] == name]
        xs = [p[0] for p in points]
        label = points[0][1]["stage"].split(" (")[0].split(":")[0]
        ax_t.plot(xs, [p[1]["wall_s"] for p in points], marker="o", label=label)
        cpu = [(x, p[1]["cpu_s"]) for x, p in zip(xs, points, strict=True) if p[1]["cpu_s"]]
        ax_c.plot([c[0] for c in cpu], [c[1] for c in cpu], marker="o", label=label)
        ax_m.plot(
            xs, [max(p[1]["peak_rss_mb"], p[1]["peak_tree_rss_mb"] or 0) for p in points], marker="o", label=label
        )
    if len(collected) > 1:  # a guide: what linear growth from the smallest size would look like
        sizes = [r["size"] for r in collected]
        for ax, key in ((ax_t, "wall_s"), (ax_c, "cpu_s")):
            first = max(s[key] or 0 for s in collected[0]["stages"])
            ax.plot(sizes, [first * n / sizes[0] for n in sizes], "k:", alpha=0.5, label="linear")
    panels = (
        (ax_t, "wall time", "seconds"),
        (ax_c, "CPU time (all processes)", "seconds"),
        (ax_m, "peak memory (all processes)", "MB"),
    )
    for ax, title, unit in panels:
        ax.set(xscale="log", yscale="log", xlabel="documents", ylabel=unit, title=title)
        ax.grid(True, which="both", alpha=0.3)
    ax_t.legend(fontsize=8)
    fig.suptitle("pajama: time and memory against corpus size (2 workers)")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def markdown(collected: list[dict[str, Any]], png: Path, profile_row: dict[str, Any]) -> str:
    sizes = [r["size"] for r in collected]
    lines = [f"# Scaling ({', '.join(f'{n:,}' for n in sizes)} documents)", "", f"![scaling]({png.name})", ""]
    lines += ["| stage | " + " | ".join(f"{n:,} docs: wall s / peak MB" for n in sizes) + " |"]
    lines += ["|---|" + "---:|" * len(sizes)]
    names = list(dict.fromkeys(s["name"] for r in collected for s in r["stages"]))
    for name in names:
        cells = []
        for r in collected:
            s = next((x for x in r["stages"] if x["name"] == name), None)
            peak = max(s["peak_rss_mb"], s["peak_tree_rss_mb"] or 0) if s else 0
            cells.append(f"{s['wall_s']:,.1f} / {peak:,.0f}" if s else "-")
        label = next(s["stage"] for r in collected for s in r["stages"] if s["name"] == name)
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines += ["", f"Load average at the start of each size: {[r['load'][0] for r in collected]}", ""]
    lines += [f"## Profile of the slowest stage: {profile_row['title']} ({profile_row['file']})", ""]
    lines += [f"- {f['share']:.0%} {f['where']}" for f in profile_row["by_file"][:8]]
    return "\n".join(lines) + "\n"


def profile(s: Settings, stage: str) -> dict[str, Any]:
    """`python -m benchmarks profile STAGE`: cProfile of one stage on the --size corpus (e2e: 1 worker)."""
    corpus = planted.build(s.work, s.size, seed=s.seed, text=s.text, pages=s.pages)
    if stage == "e2e":
        row = profiling.profile_e2e(corpus, s.work, s.out)
    else:
        if stage == "clustering" and not any((s.work / f"features-{corpus.name}").glob("*.parquet")):
            suite.run_stage("signatures", corpus, s)
        row = profiling.profile_stage(stage, corpus, s.work, s.out, docs=s.sample)
    print(f"[bench] wrote {s.out / row['file']}")
    return row
