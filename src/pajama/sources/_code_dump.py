"""File dumps in The Stack's shape: Parquet or JSONL rows, one source file each.

Columns are found by name, first match wins: content (`content`, `text`, `code`), path (`path`,
`max_stars_repo_path`, `file_path`), repository (`repo`, `repo_name`, `max_stars_repo_name`), commit
(`commit`, `revision_id`, `max_stars_repo_head_hexsha`) and license (`license`, `licenses`,
`max_stars_repo_licenses`, `detected_licenses`). A license list means every listed license applies
(The Stack lists the licenses found in the repository), so it becomes an AND expression; it is
recorded with method `dataset_field`. The same path rules as for repositories apply, the same key
(repo + "\\0" + path), so a file gets the same id from a dump as from its repository.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

import orjson

from pajama.errors import InputError
from pajama.licenses.detect import NO_LICENSE, Detection, Evidence, file_evidence, for_file
from pajama.licenses.expr import join
from pajama.licenses.meta import to_expression
from pajama.record import Doc, Failure, ReadItem, Skip
from pajama.sources._code_lang import language
from pajama.storage import InputFile, decompressed

if TYPE_CHECKING:
    from pajama.sources.github import GitHubReader

DUMP_SUFFIXES = (".parquet", ".jsonl", ".jsonl.gz", ".jsonl.zst", ".jsonl.bz2", ".jsonl.xz", ".ndjson")
CONTENT = ("content", "text", "code")
PATH = ("path", "max_stars_repo_path", "file_path", "filepath")
REPO = ("repo", "repo_name", "max_stars_repo_name", "repository")
COMMIT = ("commit", "revision_id", "max_stars_repo_head_hexsha")
LICENSE = ("license", "licenses", "max_stars_repo_licenses", "detected_licenses")
CONFIDENCE_DATASET = 0.8


def read_dump(reader: GitHubReader, inp: InputFile) -> Iterator[ReadItem]:
    rows = _parquet_rows(inp) if inp.name.lower().endswith(".parquet") else _jsonl_rows(inp)
    for n, row in rows:
        if isinstance(row, Failure):
            yield row
            continue
        yield _row_item(reader, row, {"row": n})


def _first(row: dict[str, Any], names: tuple[str, ...]) -> Any:
    for name in names:
        value = row.get(name)
        if value is not None:
            return value
    return None


def _row_item(reader: GitHubReader, row: dict[str, Any], locator: dict[str, Any]) -> ReadItem:
    content, path, repo = _first(row, CONTENT), _first(row, PATH), _first(row, REPO)
    if not isinstance(content, str) or not isinstance(path, str) or not isinstance(repo, str):
        return Failure("code.bad_row", locator, "needs string content, path and repo")
    locator = {**locator, "path": path}
    size = len(content.encode("utf-8", "surrogatepass"))
    reason = reader.path_skip(path, size) or reader.content_skip(path, content)
    if reason is not None:
        return Skip(reason, locator)
    declared = _row_license(row, path)
    own = file_evidence(path, content) if reader.file_licenses else None
    lic = for_file(declared, own)
    meta = {"repo": repo, "commit": _first(row, COMMIT), "path": path, "language": language(path), "bytes": size}
    meta.update(lic.to_meta())
    return Doc(text=content, meta=meta, locator=locator, key=f"{repo}\0{path}")


def _row_license(row: dict[str, Any], path: str) -> Detection:
    for name in LICENSE:
        value = row.get(name)
        values = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        exprs = [e for v in values if isinstance(v, str) and (e := to_expression(v)) is not None]
        if exprs:
            expr = join("AND", exprs)
            return Detection(expr, CONFIDENCE_DATASET, (Evidence(path, "dataset_field", expr, 0.8, name),))
    return NO_LICENSE


def _jsonl_rows(inp: InputFile) -> Iterator[tuple[int, dict[str, Any] | Failure]]:
    stream = decompressed(inp.open(), inp.name)
    for n, line in enumerate(stream, start=1):
        if not line.strip():
            continue
        try:
            row = orjson.loads(line)
        except orjson.JSONDecodeError as e:
            yield n, Failure("code.bad_row", {"line": n}, str(e)[:200])
            continue
        yield n, row if isinstance(row, dict) else Failure("code.bad_row", {"line": n}, "not an object")


def _parquet_rows(inp: InputFile) -> Iterator[tuple[int, dict[str, Any] | Failure]]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path = inp.local_path  # Parquet needs seeks; the engine still hashes every byte when done
    try:
        pf = pq.ParquetFile(path) if path else pq.ParquetFile(pa.BufferReader(inp.open().read()))
    except (pa.ArrowInvalid, OSError) as e:
        raise InputError("parquet.invalid", str(e)) from e
    wanted = set(CONTENT + PATH + REPO + COMMIT + LICENSE)
    columns = [c for c in pf.schema_arrow.names if c in wanted]
    n = 0
    for group in range(pf.num_row_groups):
        try:
            table = pf.read_row_group(group, columns=columns)
        except (pa.ArrowInvalid, OSError) as e:
            raise InputError("parquet.bad_row_group", f"row group {group}: {e}") from e
        for row in table.to_pylist():
            yield n, row
            n += 1
