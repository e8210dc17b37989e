"""The package's layering (issue 22), checked on every import the source holds, function-local ones included.

    core      top-level modules of pajama/ (record, registry, storage, workdir, engine, ...), and the leaf
              packages pajama.text and pajama.licenses (which import core only)
    stages    pajama.sources, pajama.filters, pajama.dedup, pajama.decontam, pajama.tokenization, pajama.manifests:
              core and leaves only, never one another (readers never import filters, manifests never sources)
    engines   pajama.jobs: core, leaves and pajama.dedup (the shuffle-dedup capability), never build
    build     pajama.build: the one layer that imports every stage package
    release   pajama.publish, pajama.download, pajama.loading and their private helpers: tools over finished
              releases; core, leaves, pajama.manifests (they verify what they move) and one another
    top       pajama.commands, pajama.cli, pajama.__main__, and the lazy `pajama.load` of pajama/__init__.py

A private name (`_helper`, or a module `_mod`) is imported only from inside the package that holds it.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src"

LEAVES = {"pajama.text", "pajama.licenses"}
STAGES = {
    "pajama.sources",
    "pajama.filters",
    "pajama.dedup",
    "pajama.decontam",
    "pajama.tokenization",
    "pajama.manifests",
}
RELEASE = {"pajama.publish", "pajama.download", "pajama.loading", "pajama._transfer", "pajama._hub_publish"}
TOP = {"pajama.commands", "pajama.cli", "pajama.__main__", "pajama.samples"}
# What each layer may import besides core and itself.
ALLOWED: dict[str, set[str]] = {
    "core": set(),
    "leaf": set(),
    "stage": set(),
    "engines": {"pajama.dedup"},
    "build": STAGES,
    "release": {"pajama.manifests", *RELEASE},
}


@dataclass(frozen=True)
class Edge:
    importer: str
    imported: str
    name: str | None  # the imported name, for `from X import name`
    line: int


def unit(module: str) -> str:
    """The layering unit of a module: `pajama.sources.warc` -> `pajama.sources`, `pajama.storage` -> itself."""
    parts = module.split(".")
    return ".".join(parts[:2])


def layer(module: str) -> str:
    u = unit(module)
    if u in LEAVES:
        return "leaf"
    if u in STAGES:
        return "stage"
    if u == "pajama.jobs":
        return "engines"
    if u == "pajama.build":
        return "build"
    if u in RELEASE:
        return "release"
    if u in TOP:
        return "top"
    return "core"


def module_name(path: Path, root: Path) -> str:
    rel = path.relative_to(root).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports(source: str, module: str, *, is_package: bool = False) -> Iterator[Edge]:
    """Every pajama import in `source`, at any depth, with module-attribute uses (`mod._x`) of imported modules."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name.startswith("pajama"):
                    aliases[a.asname or a.name] = a.name
                    yield Edge(module, a.name, None, node.lineno)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*anchor, *([base] if base else [])])
            if not base.startswith("pajama"):
                continue
            for a in node.names:
                if is_module(f"{base}.{a.name}"):  # `from pajama import faults`: the module itself
                    yield Edge(module, f"{base}.{a.name}", None, node.lineno)
                else:
                    yield Edge(module, base, a.name, node.lineno)
                aliases[a.asname or a.name] = f"{base}.{a.name}"
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name)):
            continue
        if node.value.id in aliases and node.attr.startswith("_") and not node.attr.startswith("__"):
            yield Edge(module, aliases[node.value.id], node.attr, node.lineno)


def is_module(dotted: str) -> bool:
    path = SRC.joinpath(*dotted.split("."))
    return path.with_suffix(".py").is_file() or path.joinpath("__init__.py").is_file()


def is_package(dotted: str) -> bool:
    return SRC.joinpath(*dotted.split("."), "__init__.py").is_file()


def _private_owner(dotted: str) -> str | None:
    """The package that owns the first private part of a dotted name: `pajama.sources._html` and
    `pajama.sources.warc._helper` both belong to pajama.sources."""
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if part.startswith("_") and not part.startswith("__"):
            prefix = ".".join(parts[:i])
            return prefix if is_package(prefix) else prefix.rpartition(".")[0]
    return None


def violations(edge: Edge, *, is_package: bool = False) -> list[str]:
    # The package root holds `__version__` (core) and the lazy `pajama.load` facade (which imports like top).
    src = "top" if edge.importer == "pajama" else layer(edge.importer)
    dst = layer(edge.imported)
    out = []
    where = f"{edge.importer}:{edge.line} imports {edge.imported}" + (f".{edge.name}" if edge.name else "")
    same_unit = unit(edge.importer) == unit(edge.imported)
    if not same_unit and src != "top":
        ok = dst == "core" or (dst == "leaf" and src != "core") or unit(edge.imported) in ALLOWED[src]
        if dst == "leaf" and src == "leaf":
            ok = False
        if not ok:
            out.append(f"{where}: layer {src} may not import layer {dst} ({unit(edge.imported)})")
    importer_package = edge.importer if is_package else edge.importer.rpartition(".")[0]
    for dotted in (edge.imported, f"{edge.imported}.{edge.name}" if edge.name else None):
        owner = _private_owner(dotted) if dotted else None
        if owner is not None and not (importer_package + ".").startswith(owner + "."):
            out.append(f"{where}: private to {owner}")
            break
    return out


def check_tree(root: Path) -> list[str]:
    found = []
    for path in sorted(root.joinpath("pajama").rglob("*.py")):
        module = module_name(path, root)
        init = path.name == "__init__.py"
        for edge in imports(path.read_text(encoding="utf-8"), module, is_package=init):
            found += violations(edge, is_package=init)
    return found


def check_source(source: str, module: str) -> list[str]:
    return [v for edge in imports(source, module) for v in violations(edge)]


def test_the_package_keeps_its_layers() -> None:
    found = check_tree(SRC)
    assert not found, "layering violations:\n" + "\n".join(found)


def test_the_walk_sees_every_kind_of_import() -> None:
    """The checker reads function-local, relative and aliased imports (else the first test proves little)."""
    seen = {(e.imported, e.name) for e in imports(_SAMPLE, "pajama.manifests.sample")}
    assert ("pajama.sources.warc", "read_record_at") in seen  # inside a function
    assert ("pajama.manifests.diff", "flatten") in seen  # relative
    assert ("pajama.filters.gopher", None) in seen  # plain import
    assert ("pajama.build.config", "_set_dotted") in seen  # attribute of an aliased module


_SAMPLE = """
import pajama.filters.gopher
from .diff import flatten
from pajama.build import config as config_mod

def f():
    from pajama.sources.warc import read_record_at
    return config_mod._set_dotted
"""


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("pajama.manifests.reread", "def f():\n    from pajama.sources.warc import read_record_at\n", "layer stage"),
        ("pajama.sources.warc", "from pajama.filters.language import Language\n", "layer stage"),
        ("pajama.jobs.local", "from pajama.build.driver import map_one\n", "layer engines"),
        ("pajama.storage", "from pajama.build.plan import Plan\n", "layer core"),
        ("pajama.text.langid", "import pajama.licenses.detect\n", "layer leaf"),
        ("pajama.build.refilter", "from pajama.jobs.local import LocalExecutor\n", "layer build"),
        ("pajama.build.refilter", "from pajama.sources._html import clean\n", "private to pajama.sources"),
        ("pajama.jobs.beam", "from pajama.build import driver\ndriver._map_dir(1)\n", "private to pajama.build"),
        ("pajama.commands.trace", "from pajama.manifests.trace import _steps\n", "private to pajama.manifests"),
    ],
)
def test_a_planted_bad_import_is_caught(module: str, source: str, expected: str) -> None:
    found = check_source(source, module)
    assert any(expected in v for v in found), found


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("pajama.build.driver", "from pajama.sources.warc import WarcReader\nfrom pajama.dedup.stage import resolve\n"),
        ("pajama.jobs.spark", "from pajama.dedup.stage import DedupResult\nfrom pajama.storage import join\n"),
        ("pajama.sources.warc", "from pajama.text.langid import detect\nfrom pajama.sources._html import clean\n"),
        ("pajama.commands.run", "from pajama.jobs.local import LocalExecutor\nfrom pajama.build.driver import run\n"),
    ],
)
def test_allowed_imports_pass(module: str, source: str) -> None:
    assert check_source(source, module) == []


def test_every_subpackage_has_a_layer() -> None:
    """A new subpackage must be placed in a layer here (else it would pass as core, unchecked)."""
    packages = {f"pajama.{p.name}" for p in (SRC / "pajama").iterdir() if (p / "__init__.py").is_file()}
    placed = LEAVES | STAGES | {"pajama.jobs", "pajama.build", "pajama.commands", "pajama.configs"}
    assert packages - placed == set()
