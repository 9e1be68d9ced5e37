"""``bench --cores``: clusters from the device facts, the agent pins and reads back its cores."""

from __future__ import annotations

import csv
import json
import os

import pytest

from studio.agent.connection import AgentConnection
from studio.agent.cores import format_cores, parse_cores, resolve_cores
from studio.agent.local import spawn_local_agent
from studio.cli import main
from studio.errors import InputError
from studio.paths import resources_dir


def profile_facts(name: str) -> dict:
    profile = json.loads((resources_dir() / "device-profiles" / f"{name}.json").read_text())
    freqs = profile["cpu"]["max_freq_khz"]
    return {"cpu_cores": len(freqs), "cpu_max_freq_khz": freqs}


def relu_model(folder):
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    path = folder / "relu.onnx"
    onnx.save(model, path)
    return path


def test_lists_ranges_and_names_parse():
    assert parse_cores("0,4-7") == [0, 4, 5, 6, 7]
    assert parse_cores(" 3, 1 ") == [1, 3]
    assert parse_cores("BIG") == "big"
    assert format_cores([0, 1, 2, 4, 6, 7]) == "0-2,4,6-7"
    for bad in ("", "fast", "1-", "-3", "2-1", "0,,1", "a,b", "5000"):
        with pytest.raises(InputError):
            parse_cores(bad)


def test_big_and_little_are_the_fastest_and_slowest_clusters_of_the_facts():
    pixel = profile_facts("pixel-7")  # 4 x 1.8 GHz, 2 x 2.35 GHz, 2 x 2.85 GHz
    assert resolve_cores("big", pixel).to_dict() == {
        "requested": "big",
        "cpus": [6, 7],
        "cluster": "big",
    }
    assert resolve_cores("little", pixel).cpus == [0, 1, 2, 3]
    assert resolve_cores("all", pixel).cpus == list(range(8))
    assert resolve_cores("4-5", pixel).cluster == "mid"
    assert resolve_cores("0,6", pixel).cluster is None
    one_cluster = resolve_cores("big", profile_facts("budget-go"))
    assert one_cluster.cpus == [0, 1, 2, 3] and one_cluster.cluster == "all"
    with pytest.raises(InputError, match="cores 0-7"):
        resolve_cores("6-8", pixel)
    with pytest.raises(InputError, match="frequencies"):
        resolve_cores("big", {"cpu_cores": 4})


def test_a_run_records_the_frequencies_its_cores_ran_at_while_it_measured():
    import numpy as np

    from studio.agent.cores import run_cores

    choice = resolve_cores("big", profile_facts("pixel-7"))
    rows = np.array([[0, 1000.0, 1_000_000], [1, 1000.0, 3_000_000]])  # measured 1.0-3.001 s

    def sample(t_s, phase, khz):
        return {"t_us": int(t_s * 1e6), "phase": phase, "cpu_freq_khz": [300_000] * 6 + khz}

    telemetry = {
        "samples": [
            sample(0.5, "idle", [500_000, 500_000]),  # the baseline: not the run's
            sample(1.5, "run", [2_850_000, 2_850_000]),
            sample(2.0, "run", [2_400_000, None]),
            sample(2.5, "run", [1_900_000, 2_850_000]),
            sample(3.5, "run", [700_000, 700_000]),  # after the last inference
        ]
    }
    loaded = {"cores": {"requested": [6, 7], "applied": [6, 7], "mapped": False}}
    doc = run_cores(choice, loaded, {"cores": [6, 7]}, telemetry, rows)
    assert doc["allowed"] == [6, 7] and doc["mapped"] is False
    assert doc["freq_khz"] == {
        "6": {"min": 1_900_000, "median": 2_400_000, "max": 2_850_000},
        "7": {"min": 2_850_000, "median": 2_850_000, "max": 2_850_000},
    }
    assert run_cores(choice, loaded, {"cores": [6, 7]}, {"samples": []}, rows)["freq_khz"] is None


def test_a_bad_cores_value_exits_2_before_any_device(tmp_path, capsys):
    model = relu_model(tmp_path)
    code = main(["bench", str(model), "--device", "nowhere", "--cores", "fast"])
    err = capsys.readouterr().err
    assert code == 2
    assert "--cores 'fast'" in err and "Traceback" not in err


@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="pinning needs Linux")
def test_the_agent_pins_the_run_and_refuses_a_core_it_cannot_use(tmp_path):
    relu_model(tmp_path)
    mine = sorted(os.sched_getaffinity(0))
    last = mine[-1]
    with (
        spawn_local_agent(tmp_path) as agent,
        AgentConnection("127.0.0.1", agent.port, agent.token) as conn,
    ):
        loaded = conn.load("relu.onnx", threads=1, cores=[last])
        assert loaded["cores"] == {"requested": [last], "applied": [last], "mapped": False}
        summary = conn.run(lambda rows: None, iterations=20)
        assert summary["cores"] == [last]  # read back on the thread that timed the run
        conn.unload()
        loaded = conn.load("relu.onnx", threads=1)  # not pinned: wherever the agent may run
        assert "cores" not in loaded
        assert conn.run(lambda rows: None, iterations=5)["cores"] == mine
        with pytest.raises(InputError, match="not available to the agent"):
            conn.load("relu.onnx", cores=[1000])
        with pytest.raises(InputError, match="list of core numbers"):
            conn.request({"type": "load", "path": "relu.onnx", "cores": [True]}, "loaded")
    assert os.sched_getaffinity(0) == set(mine)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "sched_setaffinity"), reason="pinning needs Linux")
def test_bench_on_a_virtual_device_records_requested_and_applied_cores(
    virtual_device, tmp_path, capsys
):
    model = relu_model(tmp_path)
    host = sorted(os.sched_getaffinity(0))
    export = tmp_path / "runs.csv"
    args = ["bench", str(model), "--device", virtual_device.serial, "--iterations", "30"]
    code = main([*args, "--cores", "big", "--threads", "1", "--json", "--export", str(export)])
    assert code == 0
    [run] = json.loads(capsys.readouterr().out)["runs"]
    # the virtual Pixel 7's big cluster, mapped onto this computer's cores in turn
    expected = sorted({host[6 % len(host)], host[7 % len(host)]})
    # the frequencies those cores ran at: None when no sensor sample fell inside so short a run
    assert "freq_khz" in run["cores"]
    del run["cores"]["freq_khz"]
    assert run["cores"] == {
        "requested": "big",
        "cpus": [6, 7],
        "cluster": "big",
        "allowed": expected,
        "mapped": expected != [6, 7],
    }
    rows = list(csv.DictReader(export.open()))
    assert {r["cores"] for r in rows} == {format_cores(expected)}

    code = main([*args, "--cores", "1", "--json"])  # one core: pinned, not the whole host
    assert code == 0
    [run] = json.loads(capsys.readouterr().out)["runs"]
    assert run["cores"]["cpus"] == [1]
    assert run["cores"]["allowed"] == [host[1 % len(host)]]

    code = main([*args, "--json"])  # not pinned: the run still says where it could run
    assert code == 0
    [run] = json.loads(capsys.readouterr().out)["runs"]
    assert run["cores"]["requested"] is None and run["cores"]["allowed"] == host
