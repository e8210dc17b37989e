"""The n-gram index of all benchmark items: built once per run, memory-mapped by every worker.

On disk (a folder): `hashes.npy` (sorted uint64 n-gram hashes), `items.npy` (uint32: the item of each
hash, aligned), `items.json` (benchmark and id of each item, n-gram lengths in use, per-benchmark
counts). A worker maps the two arrays read-only, so the index costs one copy of memory per machine,
whatever the number of workers; lookups are binary searches.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import threading
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from pajama.decontam.items import Item
from pajama.decontam.ngrams import ngram_hashes, word_hashes
from pajama.decontam.ngrams import words as text_words


@dataclass(frozen=True)
class Index:
    hashes: np.ndarray
    items: np.ndarray
    item_keys: list[tuple[str, str]]
    lengths: tuple[int, ...]
    stats: dict[str, dict[str, int]]

    def lookup(self, grams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(positions in `grams`, item numbers) of every n-gram found, one row per (position, item)."""
        if not len(self.hashes) or not len(grams):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint32)
        left = np.searchsorted(self.hashes, grams, side="left")
        right = np.searchsorted(self.hashes, grams, side="right")
        found = np.nonzero(right > left)[0]
        if not len(found):
            return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.uint32)
        counts = right[found] - left[found]
        positions = np.repeat(found, counts)
        starts = np.repeat(left[found], counts)
        offsets = np.arange(len(positions)) - np.repeat(np.cumsum(counts) - counts, counts)
        return positions, np.asarray(self.items[starts + offsets], dtype=np.uint32)


def build(items: list[Item], *, ngram: int, min_words: int) -> Index:
    """Hash every item's n-grams (items shorter than `ngram` words: one n-gram of their own length)."""
    keys: list[tuple[str, str]] = []
    chunks: list[np.ndarray] = []
    owners: list[np.ndarray] = []
    lengths: set[int] = set()
    stats: dict[str, Counter[str]] = {}
    for item in items:
        count = stats.setdefault(item.benchmark, Counter())
        count["items"] += 1
        words = word_hashes(text_words(item.text))
        n = min(ngram, len(words))
        if n < min_words:
            count["too_short"] += 1
            continue
        grams = np.unique(ngram_hashes(words, n))
        owners.append(np.full(len(grams), len(keys), dtype=np.uint32))
        chunks.append(grams)
        keys.append((item.benchmark, item.id))
        lengths.add(n)
        count["indexed"] += 1
    hashes = np.concatenate(chunks) if chunks else np.empty(0, dtype=np.uint64)
    owner = np.concatenate(owners) if owners else np.empty(0, dtype=np.uint32)
    order = np.lexsort((owner, hashes))
    return Index(hashes[order], owner[order], keys, tuple(sorted(lengths)), {k: dict(v) for k, v in stats.items()})


def save(index: Index, folder: str) -> None:
    """Write the index into `folder` atomically (a temporary folder renamed into place)."""
    parent = os.path.dirname(folder.rstrip("/")) or "."
    os.makedirs(parent, exist_ok=True)
    tmp = tempfile.mkdtemp(dir=parent, prefix=".decontam-")
    try:
        np.save(os.path.join(tmp, "hashes.npy"), index.hashes)
        np.save(os.path.join(tmp, "items.npy"), index.items)
        meta = {"item_keys": index.item_keys, "lengths": list(index.lengths), "stats": index.stats}
        with open(os.path.join(tmp, "items.json"), "w", encoding="utf-8") as f:
            json.dump(meta, f)
        os.replace(tmp, folder)
    except OSError:
        shutil.rmtree(tmp, ignore_errors=True)
        if not os.path.isdir(folder):  # another process may have won the race with the same content
            raise


_loaded: dict[str, Index] = {}
_lock = threading.Lock()


def load(folder: str) -> Index:
    """The index in `folder`, mapped read-only once per process."""
    with _lock:
        found = _loaded.get(folder)
        if found is None:
            with open(os.path.join(folder, "items.json"), encoding="utf-8") as f:
                meta: dict[str, Any] = json.load(f)
            found = Index(
                np.load(os.path.join(folder, "hashes.npy"), mmap_mode="r"),
                np.load(os.path.join(folder, "items.npy"), mmap_mode="r"),
                [(b, i) for b, i in meta["item_keys"]],
                tuple(meta["lengths"]),
                meta["stats"],
            )
            _loaded[folder] = found
        return found
