"""Constant nodes, which the TorchScript-based ONNX exporter writes for shapes and scalars:
ONNX Runtime stores them as initializers when it loads the model, so no kernel runs them and
they neither fail a runtime nor leave an accelerator."""

from __future__ import annotations

import warnings

import onnx
import pytest
import torch

from studio.compat import check, load_profile
from studio.compat.report import DELEGATED_STATUS, READY, SUPPORTED


class ReshapeNet(torch.nn.Module):
    """Conv, then a reshape to the batch size and a scalar product: both become Constants."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3, padding=1)
        self.head = torch.nn.Linear(4 * 8 * 8, 3)

    def forward(self, x):
        y = torch.relu(self.conv(x))
        return self.head(y.reshape(y.shape[0], -1) * 0.5)


@pytest.fixture(scope="module")
def constant_onnx(tmp_path_factory):
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("constant") / "reshape.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            ReshapeNet().eval(),
            (torch.randn(1, 1, 8, 8),),
            str(path),
            dynamo=False,
            opset_version=17,
        )
    assert "Constant" in {node.op_type for node in onnx.load(str(path)).graph.node}
    return path


def test_constant_nodes_are_ready_on_every_onnx_runtime(constant_onnx):
    runtimes = [load_profile(n) for n in ("ort-cpu", "ort-nnapi", "ort-coreml")]
    report = check(constant_onnx, runtimes)
    assert [r.verdict for r in report.runtimes] == [READY, READY, READY]
    row = next(r for r in report.operators if r.name == "Constant")
    assert set(row.status.values()) == {SUPPORTED}
    assert "stores it as a constant" in row.notes["ort-nnapi"]


def test_constant_nodes_do_not_count_as_nodes_left_on_the_cpu(constant_onnx):
    nnapi = check(constant_onnx, [load_profile("ort-nnapi")]).runtime("ort-nnapi")
    assert nnapi.partitions == 1
    assert nnapi.nodes_on_accelerator == nnapi.nodes_total == 5  # 7 nodes, 2 of them Constant
    assert not any("CPU" in line for line in nnapi.advice)
    row = check(constant_onnx, [load_profile("ort-nnapi")]).operators
    assert {r.name: r.status["ort-nnapi"] for r in row}["Conv"] == DELEGATED_STATUS


def test_the_cpu_profile_lists_constant():
    assert "ai.onnx:Constant" in load_profile("ort-cpu").operators
