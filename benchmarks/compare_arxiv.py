"""pajama's arxiv reader beside RedPajama-v1's arXiv cleaner on real submissions.

    .venv/bin/python -m benchmarks.compare_arxiv [FILES...]   # default: ../shared/corpus/arxiv/src/*

RP-v1 (the unchanged copy in ../shared/reference/redpajama-v1-arxiv) cleans every .tex member of a
submission and concatenates the results; pajama cleans the submission's root file with its \\input,
\\include and \\subfile files inlined, then (`unused_files: append`, the default) every other .tex
file. Per submission: keep/drop on each side (RP-v1 keeps a non-blank text) and the share of RP-v1's
non-blank lines (stripped) that are lines of pajama's text.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pajama import options
from pajama.record import Doc
from pajama.sources.arxiv import ArxivReader
from pajama.storage import InputFile

HERE = Path(__file__).resolve().parent
SHARED = HERE.parents[1] / "shared"
REFERENCE = Path(os.environ.get("PAJAMA_REFERENCE", SHARED / "reference")) / "redpajama-v1-arxiv"
CORPUS = Path(os.environ.get("PAJAMA_CORPUS", SHARED / "corpus"))


def rp_v1_cleaner() -> Any:
    """RP-v1's arxiv_cleaner module (imports fasttext for its language labels), or None."""
    if not (REFERENCE / "arxiv_cleaner.py").exists():
        return None
    sys.path.insert(0, str(REFERENCE))
    try:
        return importlib.import_module("arxiv_cleaner")
    except ImportError:
        return None
    finally:
        sys.path.remove(str(REFERENCE))


def rp_v1_text(cleaner: Any, path: Path) -> str | None:
    """RP-v1's cleaned text of one submission ("" when it keeps nothing; None when it cannot read it)."""
    loaded = cleaner._tex_proj_loader(path)
    if loaded is None:
        return None
    return str(cleaner.clean_tex_files(loaded[0]))


def pajama_doc(path: Path, unused_files: str = "append") -> Doc | None:
    reader = options.build(ArxivReader, {"unused_files": unused_files}, "compare")
    docs = [i for i in reader.read(InputFile(uri=str(path), name=path.name, source="arxiv")) if isinstance(i, Doc)]
    return docs[0] if docs else None


def line_coverage(reference: str, ours: str) -> float:
    """The share of the reference's non-blank lines (stripped) that are lines of `ours` (1.0 if it has none)."""
    wanted = [s for line in reference.splitlines() if (s := line.strip())]
    have = {line.strip() for line in ours.splitlines()}
    return sum(1 for line in wanted if line in have) / len(wanted) if wanted else 1.0


def compare(cleaner: Any, path: Path, unused_files: str = "append") -> dict[str, Any]:
    reference = rp_v1_text(cleaner, path)
    doc = pajama_doc(path, unused_files)
    return {
        "submission": path.name,
        "rp_v1_kept": bool(reference and reference.strip()),
        "rp_v1_unreadable": reference is None,
        "pajama_kept": doc is not None,
        "main": doc.locator.get("main") if doc else None,
        "coverage": line_coverage(reference or "", doc.text if doc else ""),
        "rp_v1_lines": sum(1 for line in (reference or "").splitlines() if line.strip()),
    }


def main(argv: Sequence[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--unused-files", choices=["skip", "append"], default="append", help="the reader's option")
    args = ap.parse_args(argv)
    cleaner = rp_v1_cleaner()
    if cleaner is None:
        print(f"RP-v1 cleaner not importable from {REFERENCE}", file=sys.stderr)
        return 2
    files = args.files or sorted(p for p in (CORPUS / "arxiv" / "src").iterdir() if p.is_file())
    rows = [compare(cleaner, p, args.unused_files) for p in files]
    same = sum(r["rp_v1_kept"] == r["pajama_kept"] for r in rows)
    for r in rows:
        print(
            f"{r['submission']:50} rp_v1={'keep' if r['rp_v1_kept'] else 'drop'} "
            f"pajama={'keep' if r['pajama_kept'] else 'drop'} lines={r['rp_v1_lines']:5} "
            f"coverage={r['coverage']:.1%} main={r['main']}"
        )
    print(
        f"same keep/drop on {same}/{len(rows)} submissions; "
        f"coverage >= 90% on {sum(r['coverage'] >= 0.9 for r in rows)}/{len(rows)}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
