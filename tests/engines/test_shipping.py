"""Shipping pajama to workers as a wheel: the wheel holds every subpackage, and Spark executors import it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.spine.helpers import REPO, manifest, pajama, write_config, write_corpus

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    uv = Path(sys.executable).with_name("uv")
    proc = subprocess.run(
        [str(uv), "build", "--wheel", "-q", "-o", str(out), str(REPO)], capture_output=True, text=True, timeout=300
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot build a wheel here (build backend from PyPI): {proc.stderr[-500:]}")
    return next(out.glob("pajama-*.whl"))


def test_wheel_maps_the_card_folders_onto_one_package(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for module in (
        "pajama/cli.py",
        "pajama/sources/warc.py",
        "pajama/filters/gopher.py",
        "pajama/dedup/stage.py",
        "pajama/tokenization/stage.py",
        "pajama/manifests/verify.py",
        "pajama/jobs/spark.py",
        "pajama/configs/quickstart.yaml",
        "pajama/manifests/manifest.schema.json",
    ):
        assert module in names, module
    assert not any(n.startswith(("sources/", "filters/", "tests/")) for n in names)


_SHIPPED = """
import sys
from pajama.jobs.spark import SparkExecutor

executor = SparkExecutor(master="local[2]", py_files=[sys.argv[1]])
rdd = executor.spark.sparkContext.parallelize([0, 1], 2)
print("\\n".join(rdd.map(lambda _: __import__("pajama.sources.warc").sources.warc.__file__).collect()))
executor.close()
"""


def test_spark_executors_import_the_shipped_wheel(wheel: Path, tmp_path: Path) -> None:
    # A fresh JVM started outside the checkout: Python workers run in the JVM's folder, and a checkout
    # there would shadow the shipped code.
    proc = subprocess.run(
        [sys.executable, "-c", _SHIPPED, str(wheel)], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    paths = proc.stdout.split()
    assert len(paths) == 2
    assert all(wheel.name[:-4] + ".zip" in path for path in paths), paths


def test_cli_passes_spark_settings_after_double_dash(tmp_path: Path, wheel: Path) -> None:
    write_corpus(tmp_path / "in", files=2, per_file=5)
    cfg = write_config(tmp_path / "c.yaml", [str(tmp_path / "in" / "*")], tmp_path / "out")
    proc = pajama(
        "run",
        str(cfg),
        "--engine",
        "spark",
        "--engine-opt",
        "master=local[2]",
        "--",
        f"spark.submit.pyFiles={wheel}",
        "spark.driver.memory=1g",
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert manifest(tmp_path / "out/t/1.0.0")["engine"]["name"] == "spark"
    bad = pajama("run", str(cfg), "--engine", "spark", "--", "executor.memory=1g")
    assert bad.returncode == 2 and "spark.key=value" in bad.stderr
