"""Benchmarks on virtual devices through the real adb server: CLI, client, faults."""

from __future__ import annotations

import csv
import json
import os
import signal
import threading
import time

import numpy as np
import pytest

from studio.agent.bench import BenchGroup, DeviceBench
from studio.agent.connection import LIVENESS_TIMEOUT, AgentConnection
from studio.agent.deployment import AGENT_DIR, STATE_FILE, ensure_agent, remove_forward
from studio.agent.device_profiles import device_runtime_profiles
from studio.agent.export import write_results
from studio.agent.results import BenchConfig
from studio.cli import main
from studio.errors import AgentError, ModelFileError

pytestmark = pytest.mark.slow

STATS = {"mean_ms", "p50_ms", "p90_ms", "p99_ms", "min_ms", "max_ms", "throughput"}


@pytest.fixture(scope="module")
def phone(adb_server, tmp_path_factory):
    """One virtual phone for the module: its agent, with the runtimes it loaded, stays warm."""
    from studio.devices.virtual import VirtualDevice

    device = VirtualDevice(adb_server=adb_server, sandbox=tmp_path_factory.mktemp("phone"))
    device.start()
    yield device
    device.stop()


def bench_json(capsys, *args) -> tuple[int, dict]:
    code = main(["bench", *map(str, args), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out)


def agent_state(device) -> dict:
    return json.loads(device.host_path(f"{AGENT_DIR}/{STATE_FILE}").read_text())


@pytest.mark.parametrize("target", ["pte", "ptl", "onnx"])
def test_bench_cli_returns_requested_samples(capsys, phone, digits_artifacts, target):
    code, doc = bench_json(
        capsys,
        digits_artifacts[target],
        "--device",
        phone.serial,
        "--iterations",
        40,
        "--warmup",
        2,
        "--threads",
        1,
    )
    assert code == 0
    [run] = doc["runs"]
    assert run["device"] == phone.serial
    assert run["artifact"] == str(digits_artifacts[target])
    assert (
        run["runtime"]
        == {"pte": "executorch", "ptl": "pytorch-lite", "onnx": "onnxruntime"}[target]
    )
    assert run["samples"] == 40
    assert run["load_ms"] > 0
    assert set(run["stats"]) >= STATS
    stats = run["stats"]
    assert 0 < stats["min_ms"] <= stats["p50_ms"] <= stats["p90_ms"] <= stats["p99_ms"]
    assert stats["p99_ms"] <= stats["max_ms"]
    assert run["budget"] == {"passed": True, "checks": []}
    assert run["error"] is None
    # the artifact really went to the device, into the agent's folder
    pushed = phone.host_path(f"{AGENT_DIR}/{digits_artifacts[target].name}")
    assert pushed.read_bytes() == digits_artifacts[target].read_bytes()


def test_two_devices_at_once_and_budget_gate(capsys, make_virtual_device, digits_artifacts):
    first, second = make_virtual_device(), make_virtual_device(profile="budget-go")
    onnx = digits_artifacts["onnx"]
    code, doc = bench_json(
        capsys,
        onnx,
        "--device",
        first.serial,
        "--device",
        second.serial,
        "--iterations",
        30,
        "--budget",
        "p90=10s",
    )
    assert code == 0
    assert [r["device"] for r in doc["runs"]] == [first.serial, second.serial]
    assert all(r["samples"] == 30 and r["budget"]["passed"] for r in doc["runs"])
    models = {r["device_facts"]["model"] for r in doc["runs"]}
    assert len(models) == 2  # each run reports its own phone
    # the same devices again, against a budget no model meets: exit code 1 for CI
    code, doc = bench_json(
        capsys,
        onnx,
        "--device",
        first.serial,
        "--iterations",
        20,
        "--budget",
        "p90=1us",
        "--budget",
        "max=10s",
    )
    assert code == 1
    [run] = doc["runs"]
    assert run["budget"]["passed"] is False
    checks = {c["metric"]: c for c in run["budget"]["checks"]}
    assert checks["p90"]["passed"] is False and checks["p90"]["value_ms"] > 0.001
    assert checks["max"]["passed"] is True


def test_unreachable_device_exits_3(capsys, adb_server, digits_artifacts):
    code = main(["bench", str(digits_artifacts["onnx"]), "--device", "127.0.0.1:9", "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 3
    assert doc["runs"][0]["error"]["exit_code"] == 3
    assert doc["runs"][0]["samples"] == 0


def test_human_output_has_a_summary_table(capsys, phone, digits_artifacts, tmp_path):
    export = tmp_path / "samples.csv"
    inputs = tmp_path / "digit.npy"
    np.save(inputs, np.zeros((1, 1, 32, 32), dtype=np.float32))
    code = main(
        [
            "bench",
            str(digits_artifacts["onnx"]),
            "--device",
            phone.serial,
            "--iterations",
            "25",
            "--inputs",
            str(inputs),
            "--export",
            str(export),
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    header = out.splitlines()[0].split()
    assert header[:3] == ["device", "runtime", "samples"]
    assert phone.serial in out and "onnxruntime" in out
    with open(export, newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 25
    assert [int(r["index"]) for r in rows] == list(range(25))
    assert all(float(r["latency_ms"]) > 0 for r in rows)
    assert phone.host_path(f"{AGENT_DIR}/digit.npy").is_file()


def test_virtual_shell_agent_command_refuses_bad_arguments(phone, adb):
    result = adb("-s", phone.serial, "shell", "model-studio-agent --port x")
    assert result.returncode == 2
    assert "usage: model-studio-agent" in result.stderr + result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ["--budget", "p95=3ms"],
        ["--iterations", "0"],
        ["--export", "out.txt"],
        ["--runtime", "tflite"],
        ["--inputs", "x.png"],
    ],
)
def test_bad_arguments_exit_2(capsys, digits_artifacts, args):
    code = main(["bench", str(digits_artifacts["onnx"]), "--device", "x", *args])
    assert code == 2
    assert "error:" in capsys.readouterr().err


def test_client_results_export_and_agent_reuse(phone, digits_artifacts, tmp_path):
    events = []
    lock = threading.Lock()

    def callback(event):
        with lock:
            events.append(event)

    result = DeviceBench(
        phone.serial,
        digits_artifacts["onnx"],
        BenchConfig(iterations=300, warmup=1),
        callback=callback,
    ).run()
    assert result.ok, result.error
    assert result.samples == 300
    kinds = [e.kind for e in events]
    assert kinds[-1] == "done" and events[-1].result is result
    assert "status" in kinds and "samples" in kinds and "stats" in kinds
    delivered = sum(len(e.rows) for e in events if e.kind == "samples")
    assert delivered == 300
    last_stats = [e.stats for e in events if e.kind == "stats"][-1]
    assert last_stats == result.stats
    assert result.telemetry["before"]["rss_bytes"] > 0

    doc = json.loads(write_results([result], tmp_path / "run.json").read_text())["runs"][0]
    assert len(doc["latencies_us"]) == 300 and doc["stats"]["count"] == 300
    with open(write_results([result], tmp_path / "run.csv"), newline="") as handle:
        assert len(list(csv.DictReader(handle))) == 300

    # the agent keeps running on the phone and is found again, not started twice
    pid = agent_state(phone)["pid"]
    endpoint = ensure_agent(phone.serial)
    remove_forward(phone.serial, endpoint.local_port)
    assert endpoint.started is False
    assert agent_state(phone)["pid"] == pid


def long_bench_in_thread(device, artifact) -> tuple[DeviceBench, threading.Thread, list]:
    """A two-minute benchmark running in a thread, returned once its first stats arrived."""
    measuring = threading.Event()

    def callback(event):
        if event.kind == "stats" and event.stats and event.stats.count:
            measuring.set()

    bench = DeviceBench(device.serial, artifact, BenchConfig(duration_s=120), callback=callback)
    results = []
    runner = threading.Thread(target=lambda: results.append(bench.run()))
    runner.start()
    deadline = time.monotonic() + 60
    while not measuring.wait(0.1):
        if not runner.is_alive():
            pytest.fail(f"the benchmark ended before measuring: {results[0].error}")
        assert time.monotonic() < deadline, "no statistics within a minute"
    return bench, runner, results


def test_stop_from_another_thread_keeps_samples(phone, digits_artifacts):
    bench, runner, results = long_bench_in_thread(phone, digits_artifacts["onnx"])
    bench.stop()
    runner.join(20)
    assert not runner.is_alive()
    [result] = results
    assert result.ok, result.error
    assert result.stopped
    assert result.samples > 0 and result.stats.count == result.samples


def test_agent_killed_mid_run_is_reported_with_samples_kept(virtual_device, digits_artifacts):
    _bench, runner, results = long_bench_in_thread(virtual_device, digits_artifacts["onnx"])
    os.kill(agent_state(virtual_device)["pid"], signal.SIGKILL)
    killed = time.monotonic()
    runner.join(15)
    assert not runner.is_alive()
    reported_after = time.monotonic() - killed
    [result] = results
    assert isinstance(result.error, AgentError)
    assert result.samples > 0 and result.stats.count == result.samples
    # A deadline, not a performance target: the death is noticed as a lost connection,
    # sooner than the silence of a stuck agent would be.
    assert reported_after < LIVENESS_TIMEOUT, f"reported after {reported_after:.1f} s"
    # the next benchmark starts a new agent
    again = DeviceBench(
        virtual_device.serial, digits_artifacts["onnx"], BenchConfig(iterations=5)
    ).run()
    assert again.ok, again.error
    assert again.samples == 5


def test_corrupt_model_is_a_load_error_and_the_agent_lives(phone, tmp_path, digits_artifacts):
    corrupt = tmp_path / "broken.onnx"
    corrupt.write_bytes(digits_artifacts["onnx"].read_bytes()[:5000])
    result = DeviceBench(phone.serial, corrupt, BenchConfig(iterations=5)).run()
    assert isinstance(result.error, ModelFileError)
    assert result.error.exit_code == 2
    pid = agent_state(phone)["pid"]
    os.kill(pid, 0)  # still running
    again = DeviceBench(phone.serial, digits_artifacts["onnx"], BenchConfig(iterations=5)).run()
    assert again.ok, again.error
    assert agent_state(phone)["pid"] == pid


def test_wrong_token_is_refused_through_adb_forward(phone):
    endpoint = ensure_agent(phone.serial)
    try:
        with pytest.raises(AgentError, match="refused"):
            AgentConnection("127.0.0.1", endpoint.local_port, "not-the-token")
        AgentConnection("127.0.0.1", endpoint.local_port, endpoint.token).close()
    finally:
        remove_forward(phone.serial, endpoint.local_port)


def test_group_stop_and_device_profiles(phone, digits_artifacts, capsys):
    profiles = device_runtime_profiles(phone.serial)
    families = {p.family for p in profiles}
    assert families == {"executorch", "pytorch-lite", "onnxruntime"}
    assert all(p.name.startswith(phone.serial) and p.operators for p in profiles)
    # `check --device` uses them (the agent keeps them, so this second ask is quick)
    code = main(["check", str(digits_artifacts["onnx"]), "--device", phone.serial, "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [r["name"] for r in report["runtimes"]] == [f"{phone.serial}/onnxruntime"]
    assert all(r["verdict"] == "ready" for r in report["runtimes"])

    group = BenchGroup(
        [phone.serial],
        digits_artifacts["onnx"],
        BenchConfig(duration_s=120),
        callback=lambda event: event.kind == "samples" and group.stop(),
    )
    [result] = group.run()
    assert result.ok, result.error
    assert result.stopped
