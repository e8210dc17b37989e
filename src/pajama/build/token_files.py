"""Token counting and token shards for one data shard, and their paths in the manifest.

Token writers work on local paths below the release (`tokens/<tokenizer>/<source>/part-N`); the manifest
lists every file relative to the release, so their reported paths are made relative here.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from pajama.build.plan import Plan
from pajama.build.write import ShardResult
from pajama.storage import local_path

if TYPE_CHECKING:
    from pajama.tokenization.stage import ShardTokens


def shard_tokens(plan: Plan, source: str, shard: int) -> ShardTokens | None:
    """Token counting (and token shard writing) for one data shard, when the config names a tokenizer."""
    if not plan.config.tokenizer or not (plan.config.tokens.count or plan.config.tokens.write):
        return None
    from pajama.tokenization.stage import ShardTokens, load_tokenizer

    tok = load_tokenizer(plan.config.tokenizer)
    prefix = None
    if plan.config.tokens.write:
        base = local_path(plan.release_uri) or plan.release_uri
        prefix = os.path.join(base, "tokens", _safe(tok.name), source, f"part-{shard:05d}")
    return ShardTokens(tok, plan.config.tokens, prefix)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def relative_token_paths(plan: Plan, result: ShardResult) -> None:
    """Token writers report local paths; the manifest lists every file relative to the release."""
    base = (local_path(plan.release_uri) or plan.release_uri).rstrip("/") + "/"
    for entry in result.files:
        entry["path"] = entry["path"].removeprefix(base)
