"""The executor protocol every engine implements, its optional capabilities, and what engines share.

An engine runs `fn` once per task somewhere (processes, Beam workers, Spark executors) and hands each
result back, by value, to `done(task, result)` in the driver: `map(fn, tasks, done)`. `fn` is picklable
(the driver passes `functools.partial(map_one, plan)`-style callables), so an engine ships it once per
worker, not once per task. Results that have `counters()` are tallied twice: through the engine's own
counters (Spark accumulators, Beam metrics) and from the results; `deliver` checks the two agree.

Optional capabilities, declared by having the method (checked with isinstance on the protocols below):
`DedupShuffle.resolve_dedup` resolves dedup in the engine's shuffle (its result must equal
pajama.dedup.stage.resolve()'s), `UsesWorkDir.attach` gives an engine shared scratch space.

Engines register with `@register_engine("name", options=PydanticModel)` (pajama.registry); third-party
engines come in through the entry-point group `pajama.engines`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ConfigDict, ValidationError

from pajama.errors import ConfigError
from pajama.workdir import WorkDir

T = TypeVar("T")
R = TypeVar("R")


class Executor(Protocol):
    name: str
    workers: int

    def map(self, fn: Callable[[T], R], tasks: Sequence[T], done: Callable[[T, R], None]) -> None: ...


@runtime_checkable
class DedupShuffle(Protocol):
    def resolve_dedup(
        self, feature_files: list[str], cfg: Any, *, work_dir: str, workers: int = 1, previous: Sequence[str] = ()
    ) -> Any: ...


@runtime_checkable
class UsesWorkDir(Protocol):
    def attach(self, work: WorkDir) -> None: ...


@runtime_checkable
class Counted(Protocol):
    def counters(self) -> dict[str, int]: ...


class NoOptions(BaseModel):
    """An engine without options."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def tally(results: Iterable[Any]) -> Counter[str]:
    """The counters the results themselves report (InputResult: records, documents; ShardResult: kept)."""
    total: Counter[str] = Counter()
    for r in results:
        if isinstance(r, Counted):
            total.update(r.counters())
    return total


def deliver(
    engine: str,
    tasks: Sequence[T],
    results: Sequence[R],
    done: Callable[[T, R], None],
    counted: Mapping[str, int],
    counters: dict[str, int],
) -> None:
    """Hand results to `done` in task order, after checking the engine's own tally (`counted`) against the
    results' (two independent tallies of the same numbers); the checked counts are added to `counters`."""
    reported = tally(results)
    for name in sorted(set(reported) | set(counted)):
        if counted.get(name, 0) != reported.get(name, 0):
            raise RuntimeError(f"{engine} counter {name}={counted.get(name, 0)} disagrees with task results "
                               f"({reported.get(name, 0)})")  # fmt: skip
    for name, n in sorted(reported.items()):
        counters[name] = counters.get(name, 0) + n
    for task, result in zip(tasks, results, strict=True):
        done(task, result)


def engine_options(model: type[BaseModel], options: Mapping[str, Any], key: str = "engine.options") -> BaseModel:
    """Validate an engine's options with its model; an unknown or bad key is a ConfigError naming it."""
    try:
        return model.model_validate(dict(options))
    except ValidationError as e:
        err = e.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        msg = "unknown option" if err["type"] == "extra_forbidden" else err["msg"]
        if err["type"] == "extra_forbidden":
            allowed = ", ".join(sorted(model.model_fields)) or "none"
            msg = f"{msg}; allowed: {allowed}"
        raise ConfigError(f"{key}.{where}" if where else key, msg) from None


def make_executor(
    name: str, *, workers: int | None = None, options: Mapping[str, Any] | None = None, args: Sequence[str] = ()
) -> Executor:
    """The registered engine `name`, with validated options; `args` are the words after `--` on the
    command line, which an engine takes through its `from_args` (Beam pipeline args, Spark settings)."""
    from pajama import registry

    cls, model = registry.get_engine(name, "engine.name")
    opts = dict(options or {})
    if args:
        from_args = getattr(cls, "from_args", None)
        if from_args is None:
            raise ConfigError("--", f"engine {name!r} takes no arguments after --")
        opts = {**from_args(list(args)), **opts}
    validated = engine_options(model, opts)
    executor: Executor = cls(workers=workers, **validated.model_dump())
    return executor
