"""The client's connection to a local agent: errors as StudioErrors, results and exports."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest

from studio.agent.connection import AgentConnection
from studio.agent.export import write_results
from studio.agent.local import spawn_local_agent
from studio.agent.results import BenchConfig, BenchResult, results_document
from studio.errors import AgentError, InputError, ModelFileError


@pytest.fixture(scope="module")
def agent(tmp_path_factory):
    import onnx
    from onnx import TensorProto, helper

    root = tmp_path_factory.mktemp("client-agent")
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, root / "relu.onnx")
    (root / "broken.onnx").write_bytes(b"not a model at all")
    with spawn_local_agent(root) as local:
        yield local


def test_errors_become_studio_errors_with_exit_codes(agent):
    with pytest.raises(AgentError) as refused:
        AgentConnection("127.0.0.1", agent.port, "wrong")
    assert refused.value.exit_code == 3
    with AgentConnection("127.0.0.1", agent.port, agent.token) as conn:
        with pytest.raises(ModelFileError) as corrupt:
            conn.load("broken.onnx")
        assert corrupt.value.exit_code == 2
        with pytest.raises(InputError):
            conn.load("../elsewhere.onnx")
        loaded = conn.load("relu.onnx", threads=1)
        assert loaded["inputs"] == [{"name": "x", "shape": [1, 8], "dtype": "float32"}]
        rows = []
        summary = conn.run(rows.append, iterations=50)
        assert summary["count"] == sum(len(r) for r in rows) == 50
    assert agent.alive()


def test_nobody_listening_is_an_agent_error():
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(AgentError, match="No agent answers"):
        AgentConnection("127.0.0.1", port, "token", timeout=2)


def test_results_of_several_devices_export_together(tmp_path):
    results = []
    for serial, base in (("phone-a", 1000.0), ("phone-b", 2000.0)):
        result = BenchResult(serial, "m.onnx", BenchConfig().validate(), runtime="onnxruntime")
        result.series.add([[i, base + i, 10_000.0 * i] for i in range(4)])
        result.stats = result.series.stats()
        results.append(result)
    with open(write_results(results, tmp_path / "all.csv"), newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["device"] for r in rows] == ["phone-a"] * 4 + ["phone-b"] * 4
    assert float(rows[5]["latency_ms"]) == pytest.approx(2.001)
    assert float(rows[5]["t_ms"]) == pytest.approx(10.0)
    doc = json.loads(write_results(results, tmp_path / "all.json").read_text())
    assert [len(r["latencies_us"]) for r in doc["runs"]] == [4, 4]
    summary = results_document(results)
    assert summary["passed"] is True
    assert [r["stats"]["p50_ms"] for r in summary["runs"]] == [
        pytest.approx(np.median([1000, 1001, 1002, 1003]) / 1e3),
        pytest.approx(np.median([2000, 2001, 2002, 2003]) / 1e3),
    ]


@pytest.mark.parametrize(
    "config",
    [
        BenchConfig(iterations=5, duration_s=1),
        BenchConfig(iterations=0),
        BenchConfig(duration_s=-1),
        BenchConfig(warmup=-1),
        BenchConfig(threads=0),
        BenchConfig(runtime="tflite"),
        BenchConfig(inputs="picture.png"),
    ],
    ids=["both", "zero", "negative-duration", "warmup", "threads", "runtime", "inputs"],
)
def test_bad_configs_are_refused(config):
    with pytest.raises(InputError):
        config.validate()
