"""Shard assignment: shard = hash(id) mod the configured shard count (DESIGN.md, "Determinism")."""

from __future__ import annotations

import hashlib


def shard_of(record_id: str, shards: int) -> int:
    """The shard a record id belongs to: the first 8 bytes of blake2b(id), mod `shards`."""
    digest = hashlib.blake2b(record_id.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % shards


def shard_name(index: int, suffix: str) -> str:
    return f"part-{index:05d}.{suffix}"
