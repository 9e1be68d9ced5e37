"""Telemetry beside latency on a virtual device: the sampled series, conditions, energy.

The virtual device's agent is a process of this computer, so it reports telemetry
simulated from the device's profile (marked so); everything else is the real path:
the adb server, the device's shell starting the agent, the protocol, the runtime.
"""

from __future__ import annotations

import json

import pytest

from studio.agent.bench import DeviceBench
from studio.agent.export import write_results
from studio.agent.results import BenchConfig
from studio.cli import main

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def matmul_onnx(tmp_path_factory):
    """A model that takes a while per inference (a 256x256 matmul chain), made here."""
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    rng = np.random.default_rng(0)
    weight = numpy_helper.from_array(rng.standard_normal((256, 256)).astype("float32"), "w")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [64, 256])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [64, 256])
    nodes = [helper.make_node("MatMul", ["x", "w"], ["h0"])]
    for i in range(1, 4):
        nodes.append(helper.make_node("MatMul", [f"h{i - 1}", "w"], [f"h{i}"]))
    nodes.append(helper.make_node("Relu", ["h3"], ["y"]))
    graph = helper.make_graph(nodes, "matmuls", [x], [y], initializer=[weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = tmp_path_factory.mktemp("telemetry-model") / "matmuls.onnx"
    onnx.save(model, path)
    return path


@pytest.fixture(scope="module")
def budget_phone(adb_server, tmp_path_factory):
    """A phone on its battery (the budget-go profile: discharging, no USB power)."""
    from studio.devices.virtual import VirtualDevice

    device = VirtualDevice(
        "budget-go", adb_server=adb_server, sandbox=tmp_path_factory.mktemp("budget")
    )
    device.start()
    yield device
    device.stop()


def test_run_records_simulated_temperature_and_frequency_series(budget_phone, matmul_onnx):
    events = []
    config = BenchConfig(duration_s=1.5, warmup=1, threads=1, telemetry_interval_s=0.2)
    config.baseline_s = 0.6
    result = DeviceBench(budget_phone.serial, matmul_onnx, config, callback=events.append).run()
    assert result.ok, result.error
    telemetry = result.to_dict()["telemetry"]
    assert telemetry["simulated"] is True
    assert [c["name"] for c in telemetry["clusters"]] == ["cpu"]  # 4 x Cortex-A53
    assert telemetry["clusters"][0]["cores"] == [0, 1, 2, 3]
    assert telemetry["clusters"][0]["max_khz"] == 1_600_000
    samples = telemetry["samples"]
    idle = [s for s in samples if s["phase"] == "idle"]
    run = [s for s in samples if s["phase"] == "run"]
    assert len(idle) >= 2 and len(run) >= 5
    for sample in samples:
        assert len(sample["cpu_freq_khz"]) == 4
        assert all(614_400 * 0.98 <= f <= 1_600_000 * 1.02 for f in sample["cpu_freq_khz"])
        assert set(sample["temp_c"]) == {"soc", "cpu"}
        assert sample["battery"]["level"] == 23
        assert sample["battery"]["charging"] is False
    # under load the cores ramp up from the idle frequency towards their maximum
    assert max(run[-1]["cpu_freq_khz"]) > 1_400_000 > max(idle[0]["cpu_freq_khz"])
    # the samples are on the latency samples' clock: the run's lie within the run's span
    rows = result.series.view()
    first, last = rows[0, 2], rows[-1, 2]
    inside = [s for s in run if first <= s["t_us"] <= last]
    assert len(inside) >= 3
    assert all(s["t_us"] < first for s in idle)
    # before/after (the telemetry request) stay as they were
    assert "rss_bytes" in telemetry["before"] and "rss_bytes" in telemetry["after"]
    # live: an event per sample, with the clusters to plot them by
    live = [e.telemetry for e in events if e.kind == "telemetry"]
    assert len(live) == len(samples)
    assert live[0]["clusters"] == telemetry["clusters"] and "sample" in live[0]
    # on its battery: not charging, not throttled, and an energy per inference above idle
    assert result.conditions["charging"] is False
    assert result.conditions["throttled"] is False
    energy = result.energy
    assert energy["reason"] is None
    assert energy["run_power_mw"] > energy["idle_power_mw"] > 0
    assert energy["mj_per_inference"] > 0 and energy["uncertainty_mj"] >= 0
    assert energy["inferences"] == result.samples


def test_cli_says_charging_and_energy_not_measurable(capsys, make_virtual_device, matmul_onnx):
    phone = make_virtual_device()  # the default profile: a Pixel 7 charging over USB
    args = ["bench", str(matmul_onnx), "--device", phone.serial, "--duration", "0.6"]
    args += ["--baseline", "0.3", "--telemetry-interval", "0.1"]
    assert main([*args, "--json"]) == 0
    [run] = json.loads(capsys.readouterr().out)["runs"]
    assert run["telemetry"]["simulated"] is True
    assert {c["name"] for c in run["telemetry"]["clusters"]} >= {"little", "big"}
    assert all(s["battery"]["charging"] for s in run["telemetry"]["samples"])
    assert run["conditions"]["charging"] is True
    assert run["conditions"]["reason"] == "charging"
    assert run["energy"] == {"mj_per_inference": None, "reason": "not measurable: charging"}
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "conditions: charging, not throttled (charging); energy not measurable: charging" in out


def test_exports_carry_telemetry(budget_phone, matmul_onnx, tmp_path):
    config = BenchConfig(iterations=30, warmup=0, threads=1, telemetry_interval_s=0.1)
    config.baseline_s = 0.2
    result = DeviceBench(budget_phone.serial, matmul_onnx, config).run()
    assert result.ok, result.error
    doc = json.loads(write_results([result], tmp_path / "runs.json").read_text())
    [run] = doc["runs"]
    assert run["telemetry"]["samples"] and "conditions" in run and "energy" in run
    write_results([result], tmp_path / "runs.csv")
    lines = (tmp_path / "runs.telemetry.csv").read_text().splitlines()
    assert lines[0].startswith("run,device,")
    assert "cpu0_mhz" in lines[0] and "temp_soc_c" in lines[0] and "current_ma" in lines[0]
    assert len(lines) == 1 + len(result.telemetry["samples"])
