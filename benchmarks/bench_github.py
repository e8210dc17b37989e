"""GitHub reader throughput on real source code, one core: files/s through reader + license + filters.

    python -m benchmarks.bench_github [--root DIR] [--limit N]

The input is a folder of real code read as one repository: by default the site-packages folder of the
running interpreter (tens of thousands of files, hundreds of license files in *.dist-info folders).
Three passes over the same input, each in this process (one core):
  reader          list, read, decode, repository and per-folder license detection, file headers/tags;
  reader+filters  the same, then the `license` stage (policy permissive) and `code_quality` on each doc;
  references      every reference text of the installed SPDX list, filled in, matched against the
                  list: how many identify themselves (the detector's self-consistency) and texts/s.
Also prints the reference-loading time (once per process) and the skip, drop and license counts.
"""

from __future__ import annotations

import argparse
import json
import re
import sysconfig
import time
from collections import Counter
from pathlib import Path

from pajama.filters.code import CodeQuality
from pajama.filters.license import LicensePolicy
from pajama.licenses.refs import bigram_index, references, spdx_data_dir
from pajama.record import Doc, Record
from pajama.sources._code_repos import FolderRepo
from pajama.sources.github import GitHubReader
from pajama.storage import InputFile


def run(root: Path, *, with_filters: bool) -> dict[str, object]:
    reader = GitHubReader(repo="bench/site-packages")
    policy, quality = LicensePolicy(policy="permissive"), CodeQuality()
    skips: Counter[str] = Counter()
    drops: Counter[str] = Counter()
    licenses: Counter[str] = Counter()
    docs = nbytes = 0
    start = time.perf_counter()
    for item in reader.read(InputFile(uri=str(root), name=root.name, source="code", is_dir=True)):
        if not isinstance(item, Doc):
            skips[item.reason] += 1
            continue
        docs += 1
        nbytes += item.meta["bytes"]
        licenses[item.meta["license"]] += 1
        if with_filters:
            rec = Record("code/x", item.text, "code", item.meta, {})
            for stage in (policy, quality):
                verdict = stage(rec)
                if not verdict.kept:
                    drops[verdict.reason or "?"] += 1
                    break
    seconds = time.perf_counter() - start
    files = docs + sum(skips.values())
    return {
        "files": files,
        "documents": docs,
        "MB": round(nbytes / 1e6, 1),
        "seconds": round(seconds, 2),
        "files_per_s": round(files / seconds),
        "docs_per_s": round(docs / seconds),
        "skips": dict(skips.most_common()),
        "drops": dict(drops.most_common()),
        "licenses": dict(licenses.most_common(8)),
    }


def self_identification() -> dict[str, object]:
    from pajama.licenses.match import match_text

    db = json.loads((spdx_data_dir() / "db.json").read_text())
    start = time.perf_counter()
    hits = 0
    for entry in db["licenses"]:
        text = (spdx_data_dir() / entry["template"]).read_text(encoding="utf-8", errors="replace")
        text = re.sub(r"<<var;name=[^;]*;original=(.*?);match=.*?>>", lambda m: m.group(1), text, flags=re.S)
        text = re.sub(r"<<beginOptional[^>]*>>|<<endOptional>>", " ", text)
        found = match_text(text, kinds=("license",))
        hits += bool(found) and found[0].license == entry["id"]
    seconds = time.perf_counter() - start
    n = len(db["licenses"])
    return {"references": n, "identified_as_themselves": hits, "texts_per_s": round(n / seconds, 1)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", type=Path, default=Path(sysconfig.get_paths()["purelib"]))
    args = ap.parse_args()
    start = time.perf_counter()
    references()
    bigram_index()
    print(f"reference texts loaded and indexed in {time.perf_counter() - start:.2f} s")
    listing = time.perf_counter()
    entries = FolderRepo(str(args.root)).entries()
    print(f"{args.root}: {len(entries)} files listed in {time.perf_counter() - listing:.2f} s")
    for label, with_filters in (("reader", False), ("reader+license+code_quality", True)):
        print(label, json.dumps(run(args.root, with_filters=with_filters), indent=1))
    print("references", json.dumps(self_identification()))


if __name__ == "__main__":
    main()
