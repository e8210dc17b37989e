"""The keep rule, and exact/url dedup as "group equal keys, keep the best of each group".

Keep rule "priority" (the only one so far), never arrival order:
    1. a document of a previous release (it is already published; the new copy goes)
    2. the lowest source_rank (the source's place in the config)
    3. the longest text
    4. the smallest id
URL dedup ranks the latest capture (meta date, ISO strings compared as text) before rule 2.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow.compute as pc

from pajama import arrowcols
from pajama.dedup.load import Docs

KEEP_RULE = "previous release first, then lowest source_rank, then longest text, then smallest id"


def priority(docs: Docs) -> np.ndarray:
    """prio[i] = the place of document i in the keep order (0 = kept first)."""
    index = np.arange(len(docs))  # canonical order is id order
    order = np.lexsort((index, -docs.length, docs.rank, ~docs.previous))
    prio = np.empty(len(docs), dtype=np.int64)
    prio[order] = np.arange(len(docs))
    return prio


def scope_codes(docs: Docs, scope: str) -> np.ndarray:
    """Documents may only duplicate documents with the same code: their source, or one code for all."""
    if scope == "global":
        return np.zeros(len(docs), dtype=np.int64)
    return docs.source.astype(np.int64)


@dataclass
class Groups:
    """Removals found by one grouping stage (indices into Docs)."""

    removed: np.ndarray
    keeper: np.ndarray  # keeper[i] is the document removed[i] duplicates
    groups: int  # groups with at least one removal
    sizes: np.ndarray  # size of each such group


def keep_best(keys: list[np.ndarray], members: np.ndarray, rank: np.ndarray, previous: np.ndarray) -> Groups:
    """Among `members`, group documents with equal `keys` (arrays aligned with members) and remove
    all but the lowest `rank` of each group; documents of previous releases are never removed."""
    if len(members) == 0:
        empty = np.zeros(0, dtype=np.int64)
        return Groups(empty, empty, 0, empty)
    order = np.lexsort((rank[members], *reversed(keys)))
    sorted_members = members[order]
    new_group = np.ones(len(order), dtype=bool)
    for key in keys:
        k = key[order]
        new_group[1:] &= k[1:] == k[:-1]
    new_group = ~new_group
    new_group[0] = True
    first = np.maximum.accumulate(np.where(new_group, np.arange(len(order)), 0))
    dup = ~new_group & ~previous[sorted_members]
    removed, keeper = sorted_members[dup], sorted_members[first[dup]]
    kept_of_groups, sizes = np.unique(keeper, return_counts=True)
    return Groups(removed, keeper, len(kept_of_groups), sizes + 1)


def exact_groups(docs: Docs, alive: np.ndarray, scope: np.ndarray, prio: np.ndarray) -> Groups:
    """Exact duplicates: equal normalized-text hash (within the scope)."""
    if docs.exact is None:
        return keep_best([], np.zeros(0, dtype=np.int64), prio, docs.previous)
    members = np.flatnonzero(alive & docs.has_exact)
    keys = [scope[members], docs.exact[members, 0], docs.exact[members, 1]]
    return keep_best(keys, members, prio, docs.previous)


def url_groups(docs: Docs, alive: np.ndarray, scope: np.ndarray, prio: np.ndarray) -> Groups:
    """Captures of one URL (within the scope): keep the latest, then the keep rule."""
    has_url = arrowcols.to_numpy(pc.is_valid(docs.url))
    members = np.flatnonzero(alive & has_url)
    if len(members) == 0:
        return keep_best([], members, prio, docs.previous)
    url = arrowcols.to_numpy(pc.dictionary_encode(docs.url.take(arrowcols.numbers(members))).indices)
    dates = arrowcols.to_objects(docs.date.take(arrowcols.numbers(members)).fill_null(""))
    distinct, inverse = np.unique(dates, return_inverse=True)
    latest = len(distinct) - 1 - inverse  # 0 = the latest date; no date ("") sorts last
    rank = np.zeros(len(docs), dtype=np.int64)
    # previous release first, then latest date, then the keep rule: one integer per document
    rank[members] = (~docs.previous[members]).astype(np.int64) * (len(docs) + 1) ** 2
    rank[members] += latest.astype(np.int64) * (len(docs) + 1) + prio[members]
    return keep_best([scope[members], url.astype(np.int64)], members, rank, docs.previous)
