"""Every config mistake exits 2 before any input is read, naming the key, value or file (issue 23, item 2)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
import yaml

from pajama.build import config as config_mod
from pajama.build import plan as plan_mod
from pajama.errors import ConfigError

from .helpers import pajama, write_corpus


def _raw(tmp_path: Path, **source: Any) -> dict[str, Any]:
    write_corpus(tmp_path / "in", files=1, per_file=5)
    src = {"reader": "jsonl", "inputs": [str(tmp_path / "in" / "*")], **source}
    return {"dataset": "t", "version": "1.0.0", "output": str(tmp_path / "out"), "sources": {"web": src}}


def _write(tmp_path: Path, raw: dict[str, Any]) -> Path:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def _error(tmp_path: Path, raw: dict[str, Any], *sets: str) -> ConfigError:
    with pytest.raises(ConfigError) as e:
        plan_mod.build(config_mod.load(_write(tmp_path, raw), list(sets)))
    return e.value


def test_set_below_a_filter_written_as_a_bare_name(tmp_path: Path) -> None:
    raw = _raw(tmp_path, filters=["min_length", "gopher_quality"])
    config = config_mod.load(_write(tmp_path, raw), ["sources.web.filters.1.gopher_quality.min_words=20"])
    stages = plan_mod.build(config).sources[0].stages
    assert stages[1].params["min_words"] == 20
    err = _error(tmp_path, raw, "sources.web.filters.5.gopher_quality.min_words=20")
    assert err.key == "sources.web.filters.5.gopher_quality.min_words" and "index" in err.message
    err = _error(tmp_path, raw, "sources.web.filters.0.gopher_quality.min_words=20")
    assert "min_length" in str(err)  # the path goes below the name `min_length`, not a mapping


def test_unknown_tokenizer_fails_at_once_naming_the_known_ones(tmp_path: Path) -> None:
    raw = dict(_raw(tmp_path), tokenizer="gpt-2")
    started = time.monotonic()
    proc = pajama("run", str(_write(tmp_path, raw)), "--dry-run")
    assert proc.returncode == 2, proc.stdout
    assert time.monotonic() - started < 20  # no Hub round trips (the old code spent 23 s on retries)
    assert "tokenizer" in proc.stderr and "'gpt-2'" in proc.stderr
    assert "gpt2" in proc.stderr and "cl100k_base" in proc.stderr


def test_language_codes_are_checked_against_the_model(tmp_path: Path) -> None:
    err = _error(tmp_path, _raw(tmp_path, filters=[{"language": {"keep": ["en", "eng"]}}]))
    assert err.key == "sources.web.filters[0].language"
    assert "'eng'" in err.message and "lid.176" in err.message and "'en'" in err.message
    ok = config_mod.load(_write(tmp_path, _raw(tmp_path, filters=[{"language": {"keep": ["en", "de"]}}])))
    assert plan_mod.build(ok).sources[0].stages[0].params["keep"] == ["en", "de"]


def test_missing_input_is_an_error_unless_allowed(tmp_path: Path) -> None:
    raw = _raw(tmp_path)
    raw["sources"]["web"]["inputs"].append(str(tmp_path / "nope.jsonl"))
    err = _error(tmp_path, raw)
    assert err.key == "sources.web.inputs" and "nope.jsonl" in err.message and "allow_missing" in err.message
    raw["sources"]["web"]["allow_missing"] = True
    plan = plan_mod.build(config_mod.load(_write(tmp_path, raw)))
    assert plan.sources[0].missing == [str(tmp_path / "nope.jsonl")]


def test_typo_of_a_top_level_key_names_it_and_the_closest(tmp_path: Path) -> None:
    raw = _raw(tmp_path)
    raw["sourcez"] = raw.pop("sources")
    err = _error(tmp_path, raw)
    assert err.key == "sourcez" and "'sources'" in err.message
    raw = _raw(tmp_path)
    raw["sources"]["web"]["filterz"] = []
    err = _error(tmp_path, raw)
    assert err.key == "sources.web.filterz" and "'filters'" in err.message
    raw = dict(_raw(tmp_path), dedup={"minhsh": True})
    assert "'minhash'" in _error(tmp_path, raw).message


def test_typo_of_a_filter_suggests_presets_too(tmp_path: Path) -> None:
    err = _error(tmp_path, _raw(tmp_path, filters=["gopher_qualty"]))
    assert "did you mean 'gopher_quality'" in err.message
    err = _error(tmp_path, _raw(tmp_path, filters=["redpajama_githb"]))
    assert "did you mean 'redpajama_github'" in err.message and "presets: " in err.message


def test_dedup_sections_accept_booleans(tmp_path: Path) -> None:
    raw = dict(_raw(tmp_path), dedup={"exact": True, "minhash": True})
    dedup = config_mod.load(_write(tmp_path, raw)).dedup
    assert dedup.exact is not None and dedup.exact.enabled and dedup.minhash is not None and dedup.minhash.enabled
    raw = dict(_raw(tmp_path), dedup={"exact": False, "minhash": {"threshold": 0.7}})
    dedup = config_mod.load(_write(tmp_path, raw)).dedup
    assert dedup.exact is not None and not dedup.exact.enabled
    assert dedup.minhash is not None and dedup.minhash.threshold == 0.7


def test_cli_exit_2_before_reading_any_input(tmp_path: Path) -> None:
    raw = _raw(tmp_path, filters=[{"language": {"keep": ["xx-not-a-code"]}}])
    proc = pajama("run", str(_write(tmp_path, raw)))
    assert proc.returncode == 2 and "xx-not-a-code" in proc.stderr
    assert not (tmp_path / "out").exists()  # nothing was written: no work started
