"""Token counting and token shards for one data shard, and their paths in the manifest.

Token writers work on local paths below the release (`tokens/<tokenizer>/<source>/part-N`); the manifest
lists every file relative to the release, so their reported paths are made relative here.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from pajama.build.plan import Plan
from pajama.build.write import ShardResult
from pajama.storage import local_path

if TYPE_CHECKING:
    from pajama.tokenization.config import TokensConfig
    from pajama.tokenization.stage import ShardTokens


def shard_tokens(plan: Plan, source: str, shard: int) -> ShardTokens | None:
    """Token counting (and token shard writing) for one data shard, when the config names a tokenizer."""
    return tokens_for(plan.config.tokenizer, plan.config.tokens, plan.release_uri, source, shard)


def tokens_for(
    tokenizer: str | None, cfg: TokensConfig, release_uri: str, source: str, shard: int
) -> ShardTokens | None:
    """The same for a release given by its URI and token settings (`pajama remove` rewrites shards)."""
    if not tokenizer or not (cfg.count or cfg.write):
        return None
    from pajama.tokenization.stage import ShardTokens, load_tokenizer

    tok = load_tokenizer(tokenizer)
    prefix = None
    if cfg.write:
        base = local_path(release_uri) or release_uri
        prefix = os.path.join(base, "tokens", _safe(tok.name), source, f"part-{shard:05d}")
    return ShardTokens(tok, cfg, prefix)


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def relative_token_paths(plan: Plan, result: ShardResult) -> None:
    """Token writers report local paths; the manifest lists every file relative to the release."""
    relative_paths(plan.release_uri, result.files)


def relative_paths(release_uri: str, files: list[dict[str, Any]]) -> None:
    base = (local_path(release_uri) or release_uri).rstrip("/") + "/"
    for entry in files:
        entry["path"] = entry["path"].removeprefix(base)
