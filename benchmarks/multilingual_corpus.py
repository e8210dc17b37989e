"""Articles of real Wikipedia dumps in several languages, for the multilingual benchmarks.

Reads every `*wiki*.xml*` dump in the given folders with pajama's own wikipedia reader (truncated dumps
give their complete pages, then a counted input error) and keeps articles of at least `min_chars`
characters, the issue's acceptance setting. `meta.language` comes from the dump's dbname.
"""

from __future__ import annotations

import bz2
import lzma
import os
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from pajama.errors import InputError
from pajama.record import Doc
from pajama.sources.wikipedia import WikipediaReader
from pajama.storage import InputFile

REPO = Path(__file__).resolve().parents[1]
CORPUS_WIKI = REPO.parent / "shared" / "corpus" / "wiki"


def _plain(path: Path) -> Path:
    """An .xz dump as a .bz2 copy (the reader takes .xml and .xml.bz2)."""
    if path.suffix != ".xz":
        return path
    out = Path(tempfile.gettempdir()) / "pajama-bench-wiki" / (path.stem + ".bz2")
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        with lzma.open(path) as src, bz2.open(out, "wb") as dst:
            dst.write(src.read())
    return out


def articles(folders: Iterable[Path], *, min_chars: int = 1000, limit: int = 300) -> dict[str, list[Doc]]:
    """{language: articles} from the dumps in `folders` (at most `limit` per language)."""
    out: dict[str, list[Doc]] = defaultdict(list)
    for folder in folders:
        for path in sorted(Path(folder).glob("*wiki*.xml*")):
            plain = _plain(path)
            try:
                for item in WikipediaReader().read(InputFile(uri=str(plain), name=plain.name, source="wiki")):
                    if isinstance(item, Doc) and len(item.text) >= min_chars:
                        lang = item.meta.get("language") or "und"
                        if len(out[lang]) < limit:
                            out[lang].append(item)
            except InputError:
                pass  # truncated dump: its complete pages are in
    return dict(out)


def folders_from_env() -> list[Path]:
    """The shared corpus' wiki folder plus any in PAJAMA_BENCH_WIKI (colon separated)."""
    extra = [Path(p) for p in os.environ.get("PAJAMA_BENCH_WIKI", "").split(":") if p]
    return [p for p in [CORPUS_WIKI, *extra] if p.exists()]
