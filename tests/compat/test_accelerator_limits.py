"""Limits in an accelerator's operator table change the verdict: NNAPI takes only 2-D Conv and
constant-mode Pad, so an audio model's 1-D convolutions and reflect padding leave it."""

from __future__ import annotations

import warnings

import pytest
import torch

from studio.compat import check, load_profile
from studio.compat.report import DELEGATED_STATUS, FALLBACK, READY


class AudioNet(torch.nn.Module):
    """Reflect padding and 1-D convolutions over a waveform's frames."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(1, 8, 5)
        self.conv2 = torch.nn.Conv1d(8, 8, 3, padding=1)
        self.head = torch.nn.Linear(8, 2)

    def forward(self, x):
        x = torch.nn.functional.pad(x, (2, 2), mode="reflect")
        x = torch.relu(self.conv2(torch.relu(self.conv1(x))))
        return self.head(x.mean(dim=2))


class ImageNet(torch.nn.Module):
    """2-D convolutions after constant padding: within NNAPI's limits."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(1, 4, 3)

    def forward(self, x):
        return torch.relu(self.conv(torch.nn.functional.pad(x, (1, 1, 1, 1))))


def _export(module, shape, path):
    torch.manual_seed(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module.eval(), (torch.randn(shape),), str(path), opset_version=17, dynamo=False
        )
    return path


@pytest.fixture(scope="module")
def audio_onnx(tmp_path_factory):
    return _export(AudioNet(), (1, 1, 64), tmp_path_factory.mktemp("audio") / "audio.onnx")


def test_1d_convolutions_and_reflect_padding_leave_nnapi(audio_onnx):
    report = check(audio_onnx, [load_profile("ort-nnapi"), load_profile("ort-cpu")])
    nnapi = report.runtime("ort-nnapi")
    assert nnapi.verdict == FALLBACK
    assert {"Conv", "Pad"} <= set(nnapi.fallback)
    rows = {row.name: row for row in report.operators}
    assert rows["Conv"].status["ort-nnapi"] == FALLBACK
    assert "Only 2D Conv is supported; this Conv is 1-D" in rows["Conv"].notes["ort-nnapi"]
    assert "2 of 2 nodes run on the CPU" in rows["Conv"].notes["ort-nnapi"]
    assert "this Pad is reflect mode" in rows["Pad"].notes["ort-nnapi"]
    assert nnapi.nodes_on_accelerator < nnapi.nodes_total
    assert report.runtime("ort-cpu").verdict == READY


def test_coreml_takes_1d_convolutions(audio_onnx):
    report = check(audio_onnx, [load_profile("ort-coreml")])
    conv = next(row for row in report.operators if row.name == "Conv")
    assert conv.status["ort-coreml"] == DELEGATED_STATUS


def test_2d_convolutions_and_constant_padding_stay_on_nnapi(tmp_path):
    path = _export(ImageNet(), (1, 1, 16, 16), tmp_path / "image.onnx")
    report = check(path, [load_profile("ort-nnapi")])
    status = {row.name: row.status["ort-nnapi"] for row in report.operators}
    assert status["Conv"] == DELEGATED_STATUS and status["Pad"] == DELEGATED_STATUS
