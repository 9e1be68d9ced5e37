"""Dynamic int8 says what it quantized in each artifact, and one that quantized nothing is
the float32 model: its verdict is a warning that says so, not a pass."""

from __future__ import annotations

import json

import pytest
import torch

from studio.convert import Recipe, convert
from studio.convert.coverage import Coverage
from studio.convert.recipe import OutputSettings, QuantizeSettings, VerifySettings
from studio.convert.report import ConversionReport
from studio.model.inputs import InputSpec

LAYERS = "conv/linear/recurrent layers"


class AudioNet(torch.nn.Module):
    """A conv front end over one second of 16 kHz audio, a GRU and a linear head."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv1d(1, 16, 400, stride=1600)  # 10 frames: pte lowers quickly
        self.gru = torch.nn.GRU(16, 128, batch_first=True)
        self.head = torch.nn.Linear(128, 4)

    def forward(self, x):
        frames = torch.relu(self.conv(x)).transpose(1, 2)
        out, _ = self.gru(frames)
        return self.head(out[:, -1])


class ConvOnly(torch.nn.Module):
    """Two convolutions: nothing that dynamic int8 quantizes for pt or pte."""

    def __init__(self):
        super().__init__()
        self.conv1 = torch.nn.Conv1d(1, 8, 400, stride=1600)
        self.conv2 = torch.nn.Conv1d(8, 4, 3)

    def forward(self, x):
        return self.conv2(torch.relu(self.conv1(x))).mean(dim=2)


class Branchy(torch.nn.Module):
    """Control flow on a tensor's value: FX cannot trace it, scripting can."""

    def __init__(self):
        super().__init__()
        self.head = torch.nn.Linear(64, 4)

    def forward(self, x):
        if x.mean() > 10:
            x = x * 2
        return self.head(x)


def recipe_for(out, name, targets, mode, shape=(1, 1, 16000)) -> Recipe:
    recipe = Recipe(
        targets=targets,
        input=InputSpec.single(shape),
        output=OutputSettings(folder=str(out), name=name),
        verify=VerifySettings(samples=4, latency_runs=0),
        quantize=QuantizeSettings(mode=mode),
    )
    recipe.model.arch = name
    return recipe


@pytest.mark.slow
def test_dynamic_int8_says_what_each_artifact_quantized_and_really_quantizes_pt_ptl(tmp_path):
    torch.manual_seed(0)
    model = AudioNet().eval()
    floats = convert(recipe_for(tmp_path / "f", "audio", ["pt", "ptl"], "none"), model=model)
    float_sizes = {a.target: a.size_bytes for a in floats.artifacts}
    targets = ["pt", "ptl", "pte", "onnx"]
    report = convert(recipe_for(tmp_path / "q", "audio", targets, "dynamic"), model=model)
    artifacts = {a.target: a for a in report.artifacts}
    # eager dynamic int8 (pt, ptl): the GRU and the head, not the conv; PT2E (pte): the head;
    # onnxruntime (onnx): the conv and the head (it has no dynamic GRU)
    expected = {"pt": 2, "ptl": 2, "pte": 1, "onnx": 2}
    for target, quantized in expected.items():
        artifact = artifacts[target]
        assert artifact.quantized_layers == Coverage("dynamic", quantized, 3), target
        assert (
            f"dynamic int8 quantized {quantized} of the 3 {LAYERS}; the others stay float32"
            in artifact.notes
        )
        assert artifact.verdict == "pass", artifact.to_dict()  # partly quantized, and close
    doc = json.loads(report.report_path.read_text())
    assert {a["target"]: a["quantized_layers"]["quantized"] for a in doc["artifacts"]} == expected

    loaded = torch.jit.load(str(artifacts["pt"].path))
    assert loaded.gru._c._type().qualified_name().endswith("quantized.dynamic.modules.rnn.GRU")
    assert (
        loaded.head._c._type().qualified_name().endswith("quantized.dynamic.modules.linear.Linear")
    )
    from torch.jit.mobile import _export_operator_list, _load_for_lite_interpreter

    operators = _export_operator_list(_load_for_lite_interpreter(str(artifacts["ptl"].path)))
    assert {"aten::quantized_gru.input", "quantized::linear_dynamic"} <= set(operators)
    for target in ("pt", "ptl"):  # int8 weights really are smaller
        assert artifacts[target].size_bytes < 0.6 * float_sizes[target], target


@pytest.mark.slow
def test_dynamic_int8_that_quantizes_nothing_warns_that_the_file_is_float32(tmp_path):
    torch.manual_seed(0)
    report = convert(
        recipe_for(tmp_path, "convs", ["pt", "pte"], "dynamic"), model=ConvOnly().eval()
    )
    reason = f"dynamic int8 quantized none of the 2 {LAYERS}: the file is float32"
    for artifact in report.artifacts:
        assert artifact.quantized_layers == Coverage("dynamic", 0, 2), artifact.target
        assert artifact.verdict == "warn", artifact.to_dict()
        assert reason in artifact.verification.reasons
        assert reason not in artifact.notes  # said once
    assert report.verdict == "warn"
    assert report.exit_code == 0  # a warning, not a failed verdict
    assert reason in report.summary()
    again = ConversionReport.from_dict(json.loads(report.report_path.read_text()))
    assert [a.quantized_layers for a in again.artifacts] == [Coverage("dynamic", 0, 2)] * 2
    assert {a.verdict for a in again.artifacts} == {"warn"}


def test_dynamic_int8_for_pt_needs_no_fx_tracing(tmp_path):
    torch.manual_seed(0)
    report = convert(
        recipe_for(tmp_path, "branchy", ["pt"], "dynamic", (1, 64)), model=Branchy().eval()
    )
    artifact = report.artifacts[0]
    assert artifact.capture == "script"
    assert artifact.quantized_layers == Coverage("dynamic", 1, 1)
    assert f"dynamic int8 quantized all 1 {LAYERS[:-1]}" in artifact.notes
    assert artifact.verdict == "pass", artifact.to_dict()
    loaded = torch.jit.load(str(artifact.path))
    assert (
        loaded.head._c._type().qualified_name().endswith("quantized.dynamic.modules.linear.Linear")
    )
