"""The ort-cpu profile against ONNX Runtime itself: every operator of a real exported model
that the installed onnxruntime runs must be ``ready`` on ``ort-cpu``.

The models: the studio's own export of the sample network (TorchScript-based exporter at
opset 17, torch.export-based at 18), torchvision's mobilenet_v3_small and resnet18, a GRU
and a transformer encoder, all with random weights."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import onnxruntime as ort
import pytest
import torch

from studio.compat import check, load_profile
from studio.compat.report import READY, SUPPORTED
from studio.convert.targets.onnx import export_onnx
from studio.model.digits_net import DigitsNet

pytestmark = pytest.mark.slow


class GruNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(16, 24, num_layers=2, batch_first=True)
        self.head = torch.nn.Linear(24, 4)

    def forward(self, x):
        out, _ = self.gru(x)
        return self.head(out[:, -1])


class EncoderNet(torch.nn.Module):
    def __init__(self):
        super().__init__()
        layer = torch.nn.TransformerEncoderLayer(32, 4, 64, batch_first=True, dropout=0.0)
        self.encoder = torch.nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)
        self.head = torch.nn.Linear(32, 3)

    def forward(self, x):
        return self.head(self.encoder(x).mean(dim=1))


def _export_plain(module: torch.nn.Module, example: torch.Tensor, path: Path) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(module, (example,), str(path), dynamo=False, opset_version=17)
    return path


@pytest.fixture(scope="module")
def exports(tmp_path_factory, mobilenet, resnet18) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("ort-agreement")
    torch.manual_seed(0)
    digits, digits_input = DigitsNet().eval(), (torch.randn(1, 1, 32, 32),)
    export_onnx(digits, digits_input, folder / "digits17.onnx", 17, ["input"])
    program = torch.export.export(digits, digits_input)
    export_onnx(program, digits_input, folder / "digits18.onnx", 18, ["input"])
    return {
        "sample, opset 17": folder / "digits17.onnx",
        "sample, opset 18 (torch.export)": folder / "digits18.onnx",
        "mobilenet_v3_small": mobilenet.onnx,
        "resnet18": resnet18.onnx,
        "gru": _export_plain(GruNet().eval(), torch.randn(1, 10, 16), folder / "gru.onnx"),
        "encoder": _export_plain(EncoderNet().eval(), torch.randn(1, 12, 32), folder / "enc.onnx"),
    }


def _runs_in_onnxruntime(path: Path) -> None:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    rng = np.random.default_rng(0)
    feeds = {
        i.name: rng.standard_normal([d if isinstance(d, int) else 1 for d in i.shape]).astype(
            np.float32
        )
        for i in session.get_inputs()
    }
    assert all(np.isfinite(out).all() for out in session.run(None, feeds))


def test_every_operator_onnxruntime_runs_is_ready_on_ort_cpu(exports):
    cpu = load_profile("ort-cpu")
    wrong = {}
    for name, path in exports.items():
        _runs_in_onnxruntime(path)
        report = check(path, [cpu])
        rejected = [r.name for r in report.operators if r.status["ort-cpu"] != SUPPORTED]
        if report.runtime("ort-cpu").verdict != READY or rejected:
            wrong[name] = (report.runtime("ort-cpu").summary(), rejected)
    assert wrong == {}
