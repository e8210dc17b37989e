"""pajama beside its peers on one corpus, in one run: filters against datatrove, dedup against datatrove,
text-dedup and datasketch, each tool as a whole process (interpreter start, imports, reading, writing).

    benchmarks/peers_venv.sh                     # once: a virtualenv per peer (.venv-peers, -textdedup, -datasketch)
    python -m benchmarks peers --docs 5000       # writes benchmarks/out/peers.json and peers.md

The corpus is the benchmark corpus (benchmarks/planted.py: real text, planted exact and near copies with
their truth). Every tool reads the same JSONL files with one worker:

    filters  pajama `run` with filters [gopher, c4, fineweb] (Gopher repetition + quality, C4, FineWeb);
             datatrove GopherRepetitionFilter, GopherQualityFilter, C4QualityFilter, FineWebQualityFilter
    dedup    pajama `run` with exact + MinHash (threshold 0.8; 128 permutations, the bands x rows it derives);
             datatrove's MinhashDedupSignature -> Buckets -> Cluster -> Filter; text-dedup's `text_dedup.minhash`;
             datasketch MinHash + MinHashLSH (benchmarks/peers/datasketch_lsh.py) - all with 5-word shingles
             and the same bands x rows. The peers take every band collision for a duplicate, so the first
             pajama row does too (minhash.verify: none); two more rows show pajama's checks of each
             candidate pair (verify: estimate, the default, and exact), without ratios. No tool stores
             signatures for later runs, so pajama's minhash.store_signatures is off.

A peer whose virtualenv is missing is skipped (reported, not fatal). Ratios are the peer's time over
pajama's for the same task (> 1: pajama is faster); dedup precision and recall are against the planted
truth (benchmarks/peers_report.py says how).
"""

from __future__ import annotations

import gzip
import json
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from benchmarks import measure, peers_report, planted, truth

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCRIPTS = HERE / "peers"
THRESHOLD = 0.8
NUM_PERM = 128


@dataclass(frozen=True)
class Tool:
    name: str  # "pajama" rows are the ratios' base: the first of each task
    task: str  # "filters" or "dedup"
    venv: str  # "" for pajama's own interpreter
    command: Callable[[Path, Path, dict[str, int]], list[str]]  # (docs dir, scratch dir, bands/rows) -> argv
    removed: Callable[[Path], set[str]] | None = None  # dedup: the ids the tool removed, from its output

    def python(self) -> Path:
        return Path(sys.executable) if not self.venv else REPO / self.venv / "bin" / "python"


def pajama_config(docs: Path, scratch: Path, task: str, verify: str) -> Path:
    source: dict[str, Any] = {"reader": "jsonl", "inputs": [str(docs / "*.jsonl")]}
    config: dict[str, Any] = {
        "dataset": f"peers-{task}",
        "version": "1.0.0",
        "output": str(scratch / "out"),
        "work_dir": str(scratch / "work"),
        "format": "jsonl.zst",
        "shards": 1,
        "sources": {"web": source},
    }
    if task == "filters":
        source["filters"] = ["gopher", "c4", "fineweb"]
    else:
        minhash = {"threshold": THRESHOLD, "num_perm": NUM_PERM, "verify": verify, "store_signatures": False}
        config["dedup"] = {"exact": {}, "minhash": minhash}
    scratch.mkdir(parents=True, exist_ok=True)
    path = scratch / "peers.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


def pajama_command(task: str, verify: str = "none") -> Callable[[Path, Path, dict[str, int]], list[str]]:
    def command(docs: Path, scratch: Path, _: dict[str, int]) -> list[str]:
        config = pajama_config(docs, scratch, task, verify)
        return [sys.executable, "-m", "pajama", "run", str(config), "--workers", "1", "--fresh", "--overwrite"]

    return command


def pajama_removed(scratch: Path) -> set[str]:
    release = next((scratch / "out").rglob("manifest.json")).parent
    manifest = json.loads((release / "manifest.json").read_text())
    kept: set[str] = set()
    for shard in manifest["shards"]:
        if shard["kind"] == "data":
            kept.update(_zst_ids(release / shard["path"]))
    return {i for i in _corpus_ids(scratch) if i not in kept}


def _zst_ids(path: Path) -> list[str]:
    import zstandard

    with open(path, "rb") as f:
        text = zstandard.ZstdDecompressor().stream_reader(f).read().decode()
    return [json.loads(line)["meta"]["source_id"] for line in text.splitlines() if line]


def _corpus_ids(scratch: Path) -> list[str]:
    return json.loads((scratch / "ids.json").read_text())


def datatrove_removed(scratch: Path) -> set[str]:
    ids: set[str] = set()
    for path in sorted((scratch / "removed").glob("*.jsonl.gz")):
        with gzip.open(path, "rt", encoding="utf-8") as lines:
            ids.update(json.loads(line)["id"] for line in lines)
    return ids


def textdedup_removed(scratch: Path) -> set[str]:
    import pyarrow as pa

    kept: set[str] = set()
    for path in sorted((scratch / "out").glob("*.arrow")):
        with pa.memory_map(str(path)) as source:
            kept.update(pa.ipc.open_stream(source).read_all().column("id").to_pylist())
    return {i for i in _corpus_ids(scratch) if i not in kept}


def datasketch_removed(scratch: Path) -> set[str]:
    return set((scratch / "removed.txt").read_text().split())


def _script(name: str, *extra: str) -> Callable[[Path, Path, dict[str, int]], list[str]]:
    def command(docs: Path, scratch: Path, lsh: dict[str, int]) -> list[str]:
        values = {"bands": str(lsh["bands"]), "rows": str(lsh["rows"]), "num_perm": str(NUM_PERM)}
        return [str(SCRIPTS / name), str(docs), str(scratch / "removed.txt" if "lsh" in name else scratch)] + [
            values[e] for e in extra
        ]

    return command


def _textdedup(docs: Path, scratch: Path, lsh: dict[str, int]) -> list[str]:
    return [
        *("-m", "text_dedup.minhash", "--path", "json", "--data_files", str(docs / "*.jsonl"), "--split", "train"),
        *("--cache_dir", str(scratch / "cache"), "--output", str(scratch / "out"), "--column", "text"),
        *("--num_perm", str(NUM_PERM), "--b", str(lsh["bands"]), "--r", str(lsh["rows"])),
        *("--threshold", str(THRESHOLD), "--ngram", "5", "--min_length", "1", "--num_proc", "1"),
    ]


TOOLS = (
    Tool("pajama", "filters", "", pajama_command("filters")),
    Tool("datatrove", "filters", ".venv-peers", _script("datatrove_filters.py")),
    Tool("pajama", "dedup", "", pajama_command("dedup"), pajama_removed),
    Tool("pajama, verify: estimate", "dedup", "", pajama_command("dedup", "estimate"), pajama_removed),
    Tool("pajama, verify: exact", "dedup", "", pajama_command("dedup", "exact"), pajama_removed),
    Tool("datatrove", "dedup", ".venv-peers", _script("datatrove_minhash.py", "bands", "rows"), datatrove_removed),
    Tool("text-dedup", "dedup", ".venv-textdedup", _textdedup, textdedup_removed),
    Tool(
        "datasketch",
        "dedup",
        ".venv-datasketch",
        _script("datasketch_lsh.py", "bands", "rows", "num_perm"),
        datasketch_removed,
    ),
)


def lsh_shape() -> dict[str, int]:
    from pajama.dedup.config import MinhashConfig
    from pajama.dedup.stage import lsh_parameters

    p = lsh_parameters(MinhashConfig.model_validate({"threshold": THRESHOLD, "num_perm": NUM_PERM}))
    return {"bands": int(p["bands"]), "rows": int(p["rows"])}


def run_tool(
    tool: Tool, corpus: Path, scratch: Path, lsh: dict[str, int], rows: list[dict[str, Any]], repeat: int = 1
) -> dict[str, Any]:
    """One tool as a whole process, `repeat` times from a clean scratch folder; the fastest round counts
    (wall and CPU of that round), so a noisy neighbour slows no tool more than another."""
    row: dict[str, Any] = {"tool": tool.name, "task": tool.task}
    if not tool.python().exists():
        return {**row, "skipped": f"no {tool.venv}: run benchmarks/peers_venv.sh"}
    best = None
    for _ in range(repeat):
        shutil.rmtree(scratch, ignore_errors=True)
        scratch.mkdir(parents=True)
        (scratch / "ids.json").write_text(json.dumps([r["id"] for r in rows]))
        argv = tool.command(corpus / "docs", scratch, lsh)
        cmd = argv if argv[0] == sys.executable else [str(tool.python()), *argv]
        m = measure.run(cmd, env={"TOKENIZERS_PARALLELISM": "false", "HF_DATASETS_OFFLINE": "1"}, check=False)
        if m.returncode != 0:
            return {**row, "failed": m.stderr[-2000:]}
        best = m if best is None or m.wall_s < best.wall_s else best
    assert best is not None
    row.update(wall_s=round(best.wall_s, 2), cpu_s=round(best.cpu_s, 2), peak_rss_mb=round(best.peak_tree_rss_mb))
    row["rounds"] = repeat
    if tool.removed is not None:
        row.update(peers_report.accuracy(rows, tool.removed(scratch)))
    return row


def run(
    docs: int,
    work: Path,
    out: Path,
    *,
    seed: int = 0,
    text: str = "auto",
    pages: int = 400,
    only: set[str] | None = None,
    repeat: int = 1,
) -> dict[str, Any]:
    corpus = planted.build(work, docs, seed=seed, text=text, pages=pages)
    rows = truth.load(corpus)
    lsh = lsh_shape()
    results = []
    for tool in TOOLS:
        if only and tool.name.split(",")[0] not in only:
            continue
        print(f"[peers] {tool.task}: {tool.name} ...", flush=True)
        scratch = work / "peers" / f"{tool.name.replace(', verify: ', '-')}-{tool.task}"
        row = run_tool(tool, corpus, scratch, lsh, rows, repeat)
        print(f"[peers]   {peers_report.one_line(row)}", flush=True)
        results.append(row)
    summary = peers_report.summarize(results, corpus=str(corpus), documents=docs, lsh=lsh, threshold=THRESHOLD)
    peers_report.write(summary, out)
    return summary
