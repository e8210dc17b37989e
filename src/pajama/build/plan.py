"""The plan: a validated config turned into readers, inputs and filter stages (what every engine runs)."""

from __future__ import annotations

import glob
import os
from dataclasses import dataclass, field
from typing import Any

import fsspec

from pajama import options, registry, retry
from pajama.build.config import Config, FilterSpec
from pajama.errors import ConfigError
from pajama.storage import InputFile, is_remote, join, local_path
from pajama.workdir import WorkDir

GLOB_MAGIC = ("*", "?", "[")


@dataclass(frozen=True)
class Stage:
    """One filter applied to a source's records; `label` is unique within the source."""

    label: str
    name: str
    version: int
    filter: Any
    params: dict[str, Any]

    def describe(self) -> dict[str, Any]:
        return {"name": self.label, "filter": self.name, "version": self.version, "params": self.params}


@dataclass(frozen=True)
class SourcePlan:
    name: str
    rank: int
    reader_name: str
    reader: Any
    inputs: list[InputFile]
    stages: list[Stage]
    missing: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Plan:
    config: Config
    config_sha256: str
    sources: list[SourcePlan]
    release_uri: str
    work_dir: str

    @property
    def work(self) -> WorkDir:
        """The checkpoint layout of this run (pajama.workdir)."""
        return WorkDir(self.work_dir)

    def describe(self) -> dict[str, Any]:
        return {
            "release": self.release_uri,
            "work_dir": self.work_dir,
            "config_sha256": self.config_sha256,
            "sources": [
                {
                    "name": s.name,
                    "reader": f"{s.reader_name}@{s.reader.version}",
                    "options": options.describe(s.reader),
                    "inputs": [i.uri for i in s.inputs] + [f"{m} (missing)" for m in s.missing],
                    "stages": [st.describe() for st in s.stages],
                }
                for s in self.sources
            ],
            "dedup": self.config.dedup.model_dump(mode="json"),
            "tokenizer": self.config.tokenizer,
        }


def build(config: Config, *, output: str | None = None, work_dir: str | None = None) -> Plan:
    """Resolve every name and option now, so a bad config fails before any work starts (exit 2); the
    registry imports the modules of the names the config uses."""
    out = output or config.output
    release = join(out, config.dataset, config.version)
    config_sha = config.sha256()
    if work_dir is None:
        work_dir = config.work_dir or _default_work_dir(out, config)
    work = os.path.join(work_dir, config_sha[:16])
    extra = _run_stages(config, work)
    sources = [_source_plan(name, rank, config, extra) for rank, (name, _) in enumerate(config.sources.items())]
    return Plan(config, config_sha, sources, release, work)


def _run_stages(config: Config, work_dir: str) -> list[Stage]:
    """Stages the config adds to every source's chain after its own filters (decontamination)."""
    if config.decontaminate is None:
        return []
    from pajama.decontam.stage import Decontaminate

    stage = Decontaminate.plan(config.decontaminate, work_dir)
    return [Stage(stage.name, stage.name, stage.version, stage, stage.params())]


def _default_work_dir(output: str, config: Config) -> str:
    base = local_path(output)
    if base is None:  # remote output: checkpoints stay on this machine
        base = os.path.join(os.path.expanduser("~"), ".cache", "pajama")
    return os.path.join(base, ".pajama-work", config.dataset, config.version)


def _source_plan(name: str, rank: int, config: Config, extra: list[Stage]) -> SourcePlan:
    src = config.sources[name]
    key = f"sources.{name}"
    reader_cls: Any = registry.get_reader(src.reader, f"{key}.reader")
    reader = options.build(reader_cls, src.options, f"{key}.options")
    stages = _stages(src.filters, key)
    if src.license is not None:
        lic = registry.get_filter("license", f"{key}.license")
        stages.append(_stage("license", lic, options.build(lic, src.license, f"{key}.license"), stages))
    stages.extend(extra)
    inputs, missing = resolve_inputs(src.inputs, name, accepts_dirs=getattr(reader_cls, "accepts_dirs", False))
    if missing and not src.allow_missing:
        raise ConfigError(f"{key}.inputs", f"no such file: {', '.join(missing)} (set allow_missing: true to count it)")
    return SourcePlan(name, rank, reader_cls.name, reader, inputs, stages, missing)


def _stage(name: str, cls: type, obj: Any, existing: list[Stage]) -> Stage:
    label = name
    n = 2
    while any(s.label == label for s in existing):
        label = f"{name}#{n}"
        n += 1
    return Stage(label, name, getattr(cls, "version", 1), obj, options.describe(obj))


def _stages(specs: list[FilterSpec], key: str) -> list[Stage]:
    stages: list[Stage] = []
    for i, spec in enumerate(specs):
        where = f"{key}.filters[{i}]"
        name, opts = _split_spec(spec, where)
        if registry.is_preset(name):
            preset = registry.get_preset(name, where)
            for sub in _stages(_override_preset(preset.filters, opts, f"{where}.{name}"), f"{where}.{name}"):
                stages.append(_stage(sub.name, type(sub.filter), sub.filter, stages))
            continue
        cls: Any = registry.get_filter(name, where)
        stages.append(_stage(cls.name, cls, options.build(cls, opts, f"{where}.{name}"), stages))
    return stages


def _override_preset(specs: list[FilterSpec], overrides: dict[str, Any], where: str) -> list[FilterSpec]:
    """`{preset: {filter: {option: value}}}` changes options of the preset's filters (e.g. a model path)."""
    names = [_split_spec(spec, where)[0] for spec in specs]
    for filter_name, opts in overrides.items():
        if filter_name not in names:
            raise ConfigError(f"{where}.{filter_name}", f"not a filter of this preset; its filters: {', '.join(names)}")
        if not isinstance(opts, dict):
            raise ConfigError(f"{where}.{filter_name}", "expected a mapping of options")
    out: list[FilterSpec] = []
    for spec, filter_name in zip(specs, names, strict=True):
        base = _split_spec(spec, where)[1]
        out.append({filter_name: {**base, **overrides.get(filter_name, {})}})
    return out


def _split_spec(spec: FilterSpec, where: str) -> tuple[str, dict[str, Any]]:
    if isinstance(spec, str):
        return spec, {}
    if len(spec) != 1:
        raise ConfigError(where, "a filter entry is a name or a one-key mapping {name: {options}}")
    ((name, opts),) = spec.items()
    return name, dict(opts or {})


def resolve_inputs(patterns: list[str], source: str, *, accepts_dirs: bool) -> tuple[list[InputFile], list[str]]:
    """Expand globs. An input's name is its path relative to the pattern's fixed prefix (its identity)."""
    found: dict[str, str] = {}
    missing: list[str] = []
    for pattern in patterns:
        matches = _expand(pattern, accepts_dirs=accepts_dirs)
        if not matches:
            missing.append(pattern)
        for uri, name in matches:
            found.setdefault(uri, name)
    names = list(found.values())
    clash = {n for n in names if names.count(n) > 1}
    inputs = [
        InputFile(uri=uri, name=(uri if name in clash else name), source=source, is_dir=_is_dir(uri))
        for uri, name in sorted(found.items())
    ]
    return inputs, missing


def _is_dir(uri: str) -> bool:
    path = local_path(uri)
    return path is not None and os.path.isdir(path)


def _expand(pattern: str, *, accepts_dirs: bool) -> list[tuple[str, str]]:
    has_magic = any(c in pattern for c in GLOB_MAGIC)
    if is_remote(pattern):
        fs, _ = fsspec.core.url_to_fs(pattern)
        protocol = pattern.split("://", 1)[0]
        paths = sorted(fs.glob(pattern)) if has_magic else ([pattern] if retry.exists(pattern) else [])
        uris = [p if "://" in p else f"{protocol}://{p}" for p in paths]
        root = _fixed_prefix(pattern) if has_magic else os.path.dirname(pattern)
        return [(u, u[len(root) :].lstrip("/") or os.path.basename(u)) for u in uris]
    path = local_path(pattern) or pattern
    if not has_magic:
        if not os.path.exists(path) or (os.path.isdir(path) and not accepts_dirs):
            return []
        return [(path.rstrip("/") or path, os.path.basename(path.rstrip("/")))]
    root = _fixed_prefix(path)
    out = []
    for match in sorted(glob.glob(path, recursive=True)):
        if os.path.isdir(match) and not accepts_dirs:
            continue
        out.append((match, os.path.relpath(match, root) if root else match))
    return out


def _fixed_prefix(pattern: str) -> str:
    """The folder part of a glob before its first wildcard: the root that input names are relative to."""
    first = min(pattern.index(c) for c in GLOB_MAGIC if c in pattern)
    return pattern[: pattern.rfind("/", 0, first) + 1]
