"""Unconvertible models and cancelled conversions: a clear error, and nothing half-written."""

from __future__ import annotations

import pytest
import torch
from convert_helpers import build_recipe, tiny_recipe

from studio.convert import convert
from studio.convert.recipe import QuantizeSettings
from studio.errors import Cancelled, ConversionError, RecipeError
from studio.model import sample
from studio.model.inputs import InputSpec
from studio.progress import CancelToken


class Histogram(torch.nn.Module):
    """torch.histc has neither an ONNX mapping nor an ExecuTorch kernel."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return torch.histc(self.conv(x), bins=8)


def entries(folder):
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            "onnx",
            "ONNX (onnx): this model cannot be exported to ONNX opset 18: the operator aten.histc",
        ),
        ("pte", "ExecuTorch (pte): ExecuTorch cannot convert this model: the operator aten.histc"),
    ],
)
def test_an_operator_without_a_mapping_is_named(tmp_path, target, expected):
    with pytest.raises(ConversionError) as info:
        convert(tiny_recipe(tmp_path, ["pt", target]), model=Histogram().eval())
    assert info.value.message.startswith(expected), info.value.message
    assert entries(tmp_path) == []  # not even the pt that was built first


def test_cancel_midway_leaves_no_artifact(tmp_path, tiny_model):
    cancel = CancelToken()
    seen = []

    def progress(event):
        seen.append(event.stage)
        if event.stage == "lower pte":  # pt and onnx are built, pte is being lowered
            cancel.cancel()

    with pytest.raises(Cancelled):
        convert(tiny_recipe(tmp_path, ["pt", "onnx", "pte"]), progress, cancel, model=tiny_model)
    assert "build pt" in seen and "build onnx" in seen
    assert entries(tmp_path) == []


def test_cancel_during_calibration(tmp_path, tiny_model):
    cancel = CancelToken()

    def progress(event):
        if event.message.startswith("calibrating 3/"):
            cancel.cancel()

    recipe = tiny_recipe(
        tmp_path, ["ptl"], quantize=QuantizeSettings(mode="static", calibration="random", samples=8)
    )
    with pytest.raises(Cancelled):
        convert(recipe, progress, cancel, model=tiny_model)
    assert entries(tmp_path) == []


def test_a_failure_keeps_the_previous_artifacts(tmp_path, tiny_model):
    """A second, failing conversion into the same folder does not touch the first's files."""
    convert(tiny_recipe(tmp_path, ["pt"]), model=tiny_model)
    names = entries(tmp_path)
    assert names == ["report.json", "tiny.pt", "verification.npz"]
    before = {name: (tmp_path / name).read_bytes() for name in names}
    with pytest.raises(ConversionError):
        convert(tiny_recipe(tmp_path, ["pt", "onnx"]), model=Histogram().eval())
    assert {name: (tmp_path / name).read_bytes() for name in entries(tmp_path)} == before


def test_empty_calibration_folder_and_random_calibration(tmp_path, tiny_model):
    empty = tmp_path / "calibration"
    empty.mkdir()
    recipe = tiny_recipe(
        tmp_path / "out", ["onnx"], quantize=QuantizeSettings(mode="static", calibration=str(empty))
    )
    with pytest.raises(RecipeError, match="is empty"):
        convert(recipe, model=tiny_model)
    recipe.quantize.calibration = "random"
    report = convert(recipe, model=tiny_model)
    assert report.calibration["low_fidelity"] is True
    assert any("calibrated on random inputs" in n for n in report.notes)
    assert report.artifacts[0].verification.low_fidelity is True


def test_wrong_architecture_for_the_weights_is_a_clear_error(tmp_path):
    from studio.errors import ArchitectureError

    recipe = build_recipe(sample.weights_path(), tmp_path / "out", targets=["pt"])
    recipe.model.arch = "resnet18"
    with pytest.raises(ArchitectureError):
        convert(recipe)
    assert entries(tmp_path) == []


def test_a_wrong_input_shape_is_named_and_nothing_is_left(tmp_path):
    from studio.errors import InputError

    recipe = build_recipe(
        sample.weights_path(),
        tmp_path / "out",
        targets=["pt"],
        input=InputSpec.single((1, 3, 32, 32)),
    )
    with pytest.raises(InputError) as info:
        convert(recipe)
    assert info.value.message.startswith("the model does not run on inputs of shape (1, 3, 32, 32)")
    assert "--input-shape" in info.value.hint
    assert entries(tmp_path) == []
