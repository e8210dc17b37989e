"""Removal requests: what to take out of a release (ids, URLs, domains, repositories, texts) and matching.

A request is read from files (one entry per line; texts as JSONL objects with a `text` field, or a plain
text file that is one text) and fingerprinted by sha256 over its sorted content, so the manifest can
record the request without the requester's data. Matching a record names the kind that matched:

- `ids`: the record id; `urls`: meta.url after the URL normalization exact dedup uses;
- `domains`: the host of meta.url is the domain or one of its subdomains (`example.org` matches
  `www.example.org`, not `badexample.org`);
- `repos`: meta.repo (GitHub records), case-insensitive;
- `texts`: the text equals a requested text after the release's exact-dedup normalization; with stored
  MinHash signatures, also texts whose estimated Jaccard similarity reaches the release's threshold.
"""

from __future__ import annotations

import hashlib
import urllib.parse
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import orjson

from pajama.dedup.normalize import exact_hash, normalize_url
from pajama.errors import ConfigError
from pajama.record import canonical_json
from pajama.storage import join

KINDS = ("ids", "urls", "domains", "repos", "texts")


@dataclass(frozen=True)
class Request:
    reason: str
    ids: frozenset[str] = frozenset()
    urls: frozenset[str] = frozenset()
    domains: tuple[str, ...] = ()
    repos: frozenset[str] = frozenset()
    texts: tuple[str, ...] = ()
    sha256: str = ""
    requested: dict[str, int] = field(default_factory=dict)

    def exact_hashes(self, normalize: Iterable[str]) -> set[bytes]:
        options = list(normalize)
        return {exact_hash(t, options) for t in self.texts}


def load_request(reason: str, files: dict[str, str | None]) -> Request:
    """The request from its files; ConfigError (exit 2) naming the option and file when one is unusable."""
    if not reason.strip():
        raise ConfigError("--reason", "say why the documents are removed (it is recorded in the manifest)")
    entries: dict[str, list[str]] = {}
    for kind in KINDS:
        path = files.get(kind)
        if path:
            entries[kind] = _read_texts(path) if kind == "texts" else _read_lines(path, f"--{kind}")
            if not entries[kind]:
                raise ConfigError(f"--{kind}", f"{path} lists nothing to remove")
    if not entries:
        raise ConfigError("--ids", "give at least one of --ids, --urls, --domains, --repos, --texts")
    content = {k: sorted(set(v)) for k, v in entries.items()}
    sha = hashlib.sha256(canonical_json(content).encode()).hexdigest()
    return Request(
        reason=reason.strip(),
        ids=frozenset(entries.get("ids", [])),
        urls=frozenset(normalize_url(u) for u in entries.get("urls", [])),
        domains=tuple(sorted({d.lower().strip(".") for d in entries.get("domains", [])})),
        repos=frozenset(r.lower() for r in entries.get("repos", [])),
        texts=tuple(content.get("texts", [])),
        sha256=sha,
        requested={k: len(v) for k, v in content.items()},
    )


def _read_lines(path: str, option: str) -> list[str]:
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError(option, f"cannot read {path}: {e}") from None
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _read_texts(path: str) -> list[str]:
    try:
        raw = Path(path).read_bytes()
    except OSError as e:
        raise ConfigError("--texts", f"cannot read {path}: {e}") from None
    if not path.endswith((".jsonl", ".json")):
        return [raw.decode("utf-8", "replace")] if raw.strip() else []
    texts = []
    for n, line in enumerate(raw.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            raise ConfigError("--texts", f"{path} line {n} is not JSON: {e}") from None
        if not isinstance(row, dict) or not isinstance(row.get("text"), str):
            raise ConfigError("--texts", f"{path} line {n}: expected an object with a string field 'text'")
        texts.append(row["text"])
    return texts


def host_of(url: str) -> str:
    try:
        return (urllib.parse.urlsplit(url).hostname or "").lower().strip(".")
    except ValueError:
        return ""


def match_kind(record: dict[str, Any], request: Request, exact: set[bytes], normalize: list[str]) -> str | None:
    """The first kind of `request` that matches `record` (in KINDS order), or None."""
    meta = record.get("meta") or {}
    if record["id"] in request.ids:
        return "ids"
    url = meta.get("url")
    if isinstance(url, str) and url:
        if request.urls and normalize_url(url) in request.urls:
            return "urls"
        if request.domains:
            host = host_of(url)
            if any(host == d or host.endswith("." + d) for d in request.domains):
                return "domains"
    repo = meta.get("repo")
    if request.repos and isinstance(repo, str) and repo.lower() in request.repos:
        return "repos"
    if exact and exact_hash(record["text"], normalize) in exact:
        return "texts"
    return None


def near_text_ids(texts: tuple[str, ...], signature_files: list[str], params: dict[str, Any]) -> set[str]:
    """Ids whose stored MinHash signature estimates Jaccard >= the release's threshold with one of `texts`."""
    if not texts or not signature_files or "num_perm" not in params:
        return set()

    from pajama import arrowcols
    from pajama.dedup import minhash, shingle
    from pajama.dedup.features import signature_matrix

    num_perm, threshold = int(params["num_perm"]), float(params["threshold"])
    hashes, counts = shingle.hash_texts(texts, params["unit"], int(params["ngram"]), params["hash"])
    wanted = minhash.signatures(hashes, counts, num_perm, int(params["seed"]))
    found: set[str] = set()
    for path in signature_files:
        table = arrowcols.read_parquet(path, columns=["id", "signature"])
        stored = signature_matrix(table.column("signature"), num_perm)
        ids = table.column("id").to_pylist()
        for sig in wanted:
            similar = (stored == sig[None, :]).mean(axis=1) >= threshold
            found.update(ids[i] for i in np.nonzero(similar)[0].tolist())
    return found


def signature_files(release: str, old: dict[str, Any]) -> list[str]:
    """The release's stored MinHash signature files (minhash/)."""
    return [join(release, s["path"]) for s in old["shards"] if s["kind"] == "minhash"]


def minhash_params(old: dict[str, Any]) -> dict[str, Any]:
    """The MinHash parameters the signatures were made with, and the release's threshold."""
    mh = (old.get("dedup") or {}).get("minhash") or {}
    return dict(mh.get("params") or {})
