"""Remote inputs: transient HTTP failures (503, 429, connection resets) are retried with exponential backoff
and the read resumes where it broke; an input that changes between attempts is `input.changed`.
Everything runs against a loopback server (flaky_server) that this test starts."""

from __future__ import annotations

import hashlib
import itertools
import json
import random
from pathlib import Path

import orjson
import pytest
import yaml

from pajama.errors import InputError
from pajama.retry import RemoteReader, RetryPolicy, is_transient
from pajama.storage import InputFile

from .flaky_server import flaky_server
from .helpers import run_pajama, verify_release

FAST = RetryPolicy(attempts=5, base_delay=0.01, max_delay=1.0, block_size=100_000)


def _body(n: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(n)


def test_transient_failures_are_retried_with_exponential_backoff() -> None:
    body = _body(350_000)
    policy = RetryPolicy(attempts=6, base_delay=0.05, max_delay=2.0, block_size=100_000)
    with flaky_server() as server:
        # the first info request fails twice (HEAD, then fsspec's GET fallback); block 0 fails three ways
        url = server.serve("a.bin", body, head_faults=["503"], faults=["503", "503", "429", "reset", "ok"])
        assert RemoteReader(url, policy).read() == body
        first_block = [r for r in server.requests("a.bin") if r.range == "bytes=0-99999"]
    assert [r.outcome for r in first_block] == ["503", "429", "reset", "ok"]
    gaps = [b.at - a.at for a, b in itertools.pairwise(first_block)]
    for k, gap in enumerate(gaps):  # the server saw the waits: at least 0.05, 0.1, 0.2 s
        assert gap >= policy.base_delay * 2**k, gaps
    assert gaps[0] < 0.5 * gaps[2], gaps  # growing, not constant (upper bounds depend on the machine's load)


def test_backoff_doubles_with_bounded_jitter_and_honours_retry_after() -> None:
    policy = RetryPolicy(base_delay=0.5, max_delay=60.0)
    for k in range(6):
        waits = [policy.delay(k, RuntimeError()) for _ in range(50)]
        assert all(0.5 * 2**k <= w <= 1.25 * 0.5 * 2**k for w in waits)
    assert policy.delay(20, RuntimeError()) == 60.0
    busy = ConnectionError("429")
    busy.headers = {"Retry-After": "7"}  # type: ignore[attr-defined]
    assert policy.delay(0, busy) == 7.0


def test_input_file_reads_remote_through_retries_and_hashes_every_byte(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PAJAMA_RETRY_BASE_DELAY", "0.01")
    monkeypatch.setenv("PAJAMA_RETRY_BLOCK_SIZE", "65536")
    body = _body(300_000, seed=1)
    with flaky_server() as server:
        url = server.serve("b.bin", body, faults=["reset", "ok", "503", "429"])
        inp = InputFile(uri=url, name="b.bin", source="t")
        with inp.open() as f:
            head = f.read(1000)
        assert head == body[:1000]
        assert inp.finish() == (hashlib.sha256(body).hexdigest(), len(body))  # the reader stopped early


def test_gives_up_after_the_configured_attempts() -> None:
    with flaky_server() as server:
        url = server.serve("c.bin", _body(1000), faults=["503"] * 50, head_faults=["ok"] + ["503"] * 50)
        with pytest.raises(InputError) as info:
            RemoteReader(url, FAST).read()
        gets = [r for r in server.requests("c.bin") if r.range is not None]
    assert info.value.reason == "input.unreadable"
    assert len(gets) == 1  # then each retry stops at the failing identity check (HEAD + fsspec's GET)
    assert len(server.requests("c.bin", "HEAD")) == FAST.attempts


def test_missing_remote_input_is_not_retried() -> None:
    with flaky_server() as server:
        with pytest.raises(InputError) as info:
            RemoteReader(f"{server.url}/nowhere", FAST)
        assert len(server.log) == 2  # HEAD, then fsspec's GET fallback: no retries for a 404
    assert info.value.reason == "input.missing"


@pytest.mark.parametrize(
    ("case", "etag", "ranges", "faults"),
    [
        ("new ETag after a reset", True, True, ["ok", "reset+change"]),
        ("If-Match fails between two blocks", True, True, ["ok", "change+ok"]),
        ("no ETag, same size: the prefix is read again", False, True, ["ok", "reset+change"]),
        ("server without ranges: the stream is read again", False, False, ["cut+change"]),
    ],
)
def test_content_that_changes_between_attempts_is_input_changed(
    case: str, etag: bool, ranges: bool, faults: list[str]
) -> None:
    v1, v2 = _body(300_000, seed=2), _body(300_000, seed=3)
    with flaky_server() as server:
        url = server.serve("d.bin", v1, v2, faults=faults, etag=etag, ranges=ranges)
        with pytest.raises(InputError) as info:
            RemoteReader(url, FAST).read()
    assert info.value.reason == "input.changed", case


def test_a_size_change_is_input_changed_and_a_stream_resumes_after_reset() -> None:
    v1 = _body(300_000, seed=4)
    with flaky_server() as server:
        url = server.serve("e.bin", v1, v1 + b"appended", faults=["ok", "reset+change"], etag=False)
        with pytest.raises(InputError) as info:
            RemoteReader(url, FAST).read()
        assert info.value.reason == "input.changed"
        url = server.serve("f.bin", v1, faults=["reset", "ok"], etag=False, ranges=False)
        assert RemoteReader(url, FAST).read() == v1


def test_classification_of_errors() -> None:
    assert is_transient(ConnectionResetError(104, "Connection reset by peer"))
    assert is_transient(OSError("An error occurred (SlowDown) when calling the GetObject operation"))
    wrapped = FileNotFoundError("http://x")
    wrapped.__cause__ = TimeoutError()
    assert is_transient(wrapped)
    assert not is_transient(FileNotFoundError("http://x"))
    assert not is_transient(ValueError("bad"))


def _jsonl(n: int, tag: str) -> bytes:
    words = ["remote", "inputs", "are", "read", "in", "ranged", "requests", "that", "survive", "transient", "failures"]
    rows = [{"id": f"{tag}-{i}", "text": " ".join(words[(i + k) % len(words)] for k in range(40))} for i in range(n)]
    return b"".join(orjson.dumps(r) + b"\n" for r in rows)


@pytest.mark.slow
def test_run_over_a_flaky_server(tmp_path: Path) -> None:
    """`pajama run` over http inputs: one survives 503/429/resets (planning included), one changes mid-read."""
    flaky, changing = _jsonl(900, "a"), _jsonl(900, "b")
    with flaky_server() as server:
        url_a = server.serve("a.jsonl", flaky, head_faults=["503"], faults=["503", "ok", "reset", "429", "ok", "503"])
        url_b = server.serve("b.jsonl", changing, _jsonl(900, "c"), faults=["ok", "reset+change"])
        config = {
            "dataset": "remote",
            "version": "1.0.0",
            "output": str(tmp_path / "out"),
            "shards": 2,
            "sources": {"web": {"reader": "jsonl", "inputs": [url_a, url_b]}},
        }
        cfg = tmp_path / "remote.yaml"
        cfg.write_text(yaml.safe_dump(config))
        env = {"PAJAMA_RETRY_BASE_DELAY": "0.01", "PAJAMA_RETRY_BLOCK_SIZE": "65536"}
        done = run_pajama("run", str(cfg), "--workers", "1", cwd=tmp_path, env=env)
        assert not server.files["a.jsonl"].faults and not server.files["b.jsonl"].faults  # every fault was served
    assert done.code == 0, done.stderr[-2000:]
    release = tmp_path / "out/remote/1.0.0"
    manifest = json.loads((release / "manifest.json").read_text())
    inputs = {i["uri"]: i for i in manifest["inputs"]}
    a, b = inputs[url_a], inputs[url_b]
    assert a["errors"] == {} and a["documents"] == flaky.count(b"\n") == 900
    assert a["sha256"] == hashlib.sha256(flaky).hexdigest() and a["bytes"] == len(flaky)
    assert b["errors"] == {"input.changed": 1}
    assert 0 < b["documents"] < 900  # the lines read before the change, from one version only
    assert b["records"] == b["documents"] + 1
    assert manifest["accounting"]["balanced"]
    assert verify_release(release) == []
