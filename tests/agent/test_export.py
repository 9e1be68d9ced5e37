"""Benchmark exports say where and how each run was measured, and tell runs apart."""

from __future__ import annotations

import csv
import dataclasses
import json

import pytest

from studio import __version__
from studio.agent.export import CSV_COLUMNS, write_results
from studio.agent.results import BenchConfig, BenchResult
from studio.devices.facts import VIRTUAL_PROP, parse_facts


def measured(serial: str, artifact: str, runtime: str, virtual: bool, base: float, threads=None):
    facts = {"manufacturer": "Google", "model": "Pixel 7", "virtual": virtual}
    config = BenchConfig(threads=threads).validate()
    result = BenchResult(serial, artifact, config, runtime=runtime, device_facts=facts)
    result.runtime_version = "1.5.0"
    result.series.add([[i, base + i, 10_000.0 * i] for i in range(3)])
    result.stats = result.series.stats()
    return result


@pytest.fixture
def two_runs():
    """The same phone model twice, once virtual: what a CSV must not mix up."""
    return [
        measured("127.0.0.1:40001", "/out/model.pte", "executorch", True, 200.0, threads=2),
        measured("28011FDH2000QZ", "/out/model-int8.ptl", "pytorch-lite", False, 900.0),
    ]


def test_csv_rows_say_device_virtual_artifact_runtime_threads_and_version(tmp_path, two_runs):
    path = write_results(two_runs, tmp_path / "latency.csv")
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        rows = list(reader)
    assert tuple(reader.fieldnames) == CSV_COLUMNS
    assert len(rows) == 6
    first, last = rows[0], rows[-1]
    assert first["run"] == "1" and last["run"] == "2"
    assert (first["device"], first["device_name"], first["virtual"]) == (
        "127.0.0.1:40001",
        "Google Pixel 7",
        "true",
    )
    assert last["virtual"] == "false"
    assert (first["artifact"], first["runtime"], first["threads"]) == (
        "model.pte",
        "executorch",
        "2",
    )
    assert (last["artifact"], last["runtime"], last["threads"]) == (
        "model-int8.ptl",
        "pytorch-lite",
        "",
    )
    assert {r["studio_version"] for r in rows} == {__version__}
    assert float(rows[4]["latency_ms"]) == pytest.approx(0.901)
    assert float(rows[4]["t_ms"]) == pytest.approx(10.0)


def test_csv_reads_cleanly_into_pandas(tmp_path, two_runs):
    pandas = pytest.importorskip("pandas")  # not a dependency of the studio; a user's tool
    frame = pandas.read_csv(write_results(two_runs, tmp_path / "latency.csv"))
    assert frame["virtual"].dtype == bool
    means = frame.groupby("run")["latency_ms"].mean()
    assert list(means.round(3)) == [0.201, 0.901]


def test_json_runs_say_where_and_how(tmp_path, two_runs):
    doc = json.loads(write_results(two_runs, tmp_path / "latency.json").read_text())
    assert doc["studio_version"] == __version__
    first, second = doc["runs"]
    assert (first["run"], first["virtual"], first["device_name"]) == (1, True, "Google Pixel 7")
    assert second["virtual"] is False
    assert (first["artifact"], first["runtime"], first["threads"]) == (
        "/out/model.pte",
        "executorch",
        2,
    )
    assert first["studio_version"] == __version__
    assert len(first["latencies_us"]) == 3


def test_a_virtual_device_says_it_is_virtual(virtual_device, adb):
    """The virtual device's getprop marks it, and the facts the studio reads carry it."""
    from studio.devices.facts import facts_script

    answer = adb("-s", virtual_device.serial, "shell", f"getprop {VIRTUAL_PROP}")
    assert answer.stdout.strip() == "1"
    output = adb("-s", virtual_device.serial, "shell", facts_script()).stdout
    facts = parse_facts(output)
    assert facts.virtual is True and facts.name == "Google Pixel 7"
    assert parse_facts("").virtual is False  # a phone that says nothing is not virtual
    # the one-line summary people read (devices, the Devices tab) says it too
    assert facts.summary().startswith("Google Pixel 7 (virtual) · Android 14")
    assert dataclasses.replace(facts, virtual=False).summary().startswith("Google Pixel 7 · ")


@pytest.mark.slow
def test_bench_export_on_a_virtual_device_says_virtual(virtual_device, digits_artifacts, tmp_path):
    from studio.cli import main

    export = tmp_path / "samples.csv"
    onnx = digits_artifacts["onnx"]
    args = ["bench", str(onnx), "--device", virtual_device.serial, "--iterations", "10"]
    assert main([*args, "--export", str(export), "--json"]) == 0
    with open(export, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 10
    assert {(r["virtual"], r["runtime"], r["artifact"]) for r in rows} == {
        ("true", "onnxruntime", onnx.name)
    }
    assert rows[0]["device_name"] == "Google Pixel 7"
