"""Capture: script with a fallback to trace under auto, and torch.export strict then non-strict."""

from __future__ import annotations

import json

import pytest
import torch

from studio.convert import convert
from studio.convert.capture import capture_export, capture_torchscript
from studio.convert.recipe import OutputSettings, Recipe, VerifySettings
from studio.errors import ConversionError
from studio.model.inputs import InputSpec


class Unscriptable(torch.nn.Module):
    """Chooses its activation by name at run time: fine to trace, impossible to script."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.activation = "relu"

    def forward(self, x):
        x = getattr(torch, self.activation)(self.conv(x))
        return x.flatten(1)


def test_auto_traces_a_model_that_cannot_be_scripted_and_says_why(tmp_path):
    torch.manual_seed(0)
    recipe = Recipe(
        targets=["pt", "ptl"],
        input=InputSpec.single((1, 3, 8, 8)),
        output=OutputSettings(folder=str(tmp_path), name="unscriptable"),
        verify=VerifySettings(samples=3, latency_runs=0),
    )
    recipe.model.arch = "Unscriptable"
    report = convert(recipe, model=Unscriptable().eval())
    for artifact in report.artifacts:
        assert artifact.capture == "trace"
        assert artifact.notes[0].startswith("torch.jit.script failed (")
        assert artifact.notes[0].endswith("traced instead")
        assert artifact.verdict == "pass"
    doc = json.loads(report.report_path.read_text())
    assert {a["capture"] for a in doc["artifacts"]} == {"trace"}


def test_script_alone_refuses_with_the_script_error(tiny_model):
    with pytest.raises(ConversionError, match="torch.jit.script cannot compile this model"):
        capture_torchscript(Unscriptable().eval(), (torch.randn(1, 3, 8, 8),), "script")
    assert capture_torchscript(tiny_model, (torch.randn(1, 3, 8, 8),), "script").method == "script"
    assert capture_torchscript(tiny_model, (torch.randn(1, 3, 8, 8),), "trace").method == "trace"


class DataDependent(torch.nn.Module):
    """Python control flow on a tensor's value: strict export refuses, non-strict specialises."""

    def forward(self, x):
        if x.sum() > 0:
            return x * 2
        return x - 1


def test_export_tries_strict_then_non_strict(tiny_model):
    example = (torch.randn(1, 3, 8, 8),)
    assert capture_export(tiny_model, example).method == "export"
    with pytest.raises(ConversionError, match="torch.export cannot capture this model"):
        capture_export(DataDependent(), example)


def test_the_report_records_strict_and_non_strict_export(tmp_path, tiny_model):
    reports = {}
    for capture in ("export", "auto"):
        recipe = Recipe(
            targets=["onnx"],
            capture=capture,
            input=InputSpec.single((1, 3, 8, 8)),
            output=OutputSettings(folder=str(tmp_path / capture), name="tiny"),
            verify=VerifySettings(samples=2, latency_runs=0),
        )
        recipe.model.arch = "TinyNet"
        reports[capture] = convert(recipe, model=tiny_model).artifacts[0]
    assert reports["export"].capture == "export"
    assert reports["auto"].capture == "export-nonstrict"
    assert all(a.verdict == "pass" for a in reports.values())


def test_onnx_falls_back_to_the_torchscript_exporter_when_export_fails(tmp_path):
    recipe = Recipe(
        targets=["onnx"],
        input=InputSpec.single((1, 3, 8, 8)),
        output=OutputSettings(folder=str(tmp_path), name="branchy"),
        verify=VerifySettings(samples=2, latency_runs=0),
    )
    recipe.model.arch = "DataDependent"
    report = convert(recipe, model=DataDependent())
    artifact = report.artifacts[0]
    assert artifact.capture == "trace"
    assert artifact.notes[0].startswith("torch.export failed (torch.export cannot capture")
    assert artifact.notes[0].endswith("used the TorchScript exporter")
    recipe.targets = ["pte"]
    with pytest.raises(ConversionError, match=r"^ExecuTorch \(pte\): torch.export cannot capture"):
        convert(recipe, model=DataDependent())
