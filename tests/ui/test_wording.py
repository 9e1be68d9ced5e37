"""What the window shows speaks of what is on screen: errors carry an action the window
words for itself, and notes shared by the command line and the window name no flags."""

from __future__ import annotations

import re

import pytest
import torch

from studio.errors import Action, ArchitectureError, InputError
from studio.model import sample
from studio.model.sample import DigitsNet
from studio.ui.widgets.errors import on_screen_hint

# A command-line flag (--input-shape) or a recipe's section and key ([verify] data).
COMMAND_LINE = re.compile(r"--[a-z]|\[[a-z]+\] [a-z]")


def test_arguments_by_position_for_a_catalogue_architecture_are_an_action(qapp, tmp_path):
    from studio.model import load_model
    from studio.model.sample import weights_path

    with pytest.raises(ArchitectureError) as caught:
        load_model(weights_path(), arch="resnet18", arch_args=[10])
    error = caught.value
    assert error.action == Action.ARCHITECTURE_ARGUMENTS
    assert not COMMAND_LINE.search(error.message), error.message
    assert "Arguments" in on_screen_hint(error)


def test_notes_from_opening_a_model_name_no_flags(tmp_path):
    from studio.model import load_model

    unknown = tmp_path / "custom.pth"
    torch.save({"body.weight": torch.zeros(7, 5, 3, 3)}, unknown)  # fits no catalogue net
    script = tmp_path / "digits.pt"
    torch.jit.trace(DigitsNet().eval(), torch.zeros(sample.INPUT_SHAPE)).save(str(script))

    notes = list(load_model(unknown).notes)
    assert any("no architecture in the catalogue" in n for n in notes), notes
    notes += load_model(script, arch="resnet18").notes  # a TorchScript file names its own
    assert any("ignored" in n for n in notes), notes
    for note in notes:
        assert not COMMAND_LINE.search(note), note


class Doubler(torch.nn.Module):
    def forward(self, x):
        return x * 2


def test_a_fix_that_needs_an_input_shape_carries_the_action(qapp, tmp_path):
    from studio.compat.fixes import apply_fix

    ptl = tmp_path / "doubler.ptl"  # saved outside the studio: it records no input shape
    torch.jit.script(Doubler())._save_for_lite_interpreter(str(ptl))
    with pytest.raises(InputError) as caught:
        apply_fix(ptl, "backport", 7, tmp_path / "digits.v7.ptl")
    error = caught.value
    assert "input shape" in error.message
    assert error.action == Action.INPUT_SHAPE
    assert "Input shape field" in on_screen_hint(error)


def test_a_fix_for_another_kind_of_file_names_no_flag(sample_artifacts, tmp_path):
    from studio.compat.fixes import apply_fix

    onnx = next(a.path for a in sample_artifacts.artifacts if a.path.suffix == ".onnx")
    with pytest.raises(InputError) as caught:
        apply_fix(onnx, "backport", 7, tmp_path / "digits.v7.onnx")
    assert "PyTorch Lite" in caught.value.message
    assert not COMMAND_LINE.search(caught.value.message), caught.value.message


def test_a_conversion_verified_on_random_inputs_says_so_without_flags(tmp_path):
    from studio.convert import convert
    from studio.convert.recipe import OutputSettings, Recipe, VerifySettings
    from studio.model.inputs import InputSpec

    recipe = Recipe(
        targets=["pt"],
        input=InputSpec.single(sample.INPUT_SHAPE),
        output=OutputSettings(folder=str(tmp_path / "out"), name="digits"),
        verify=VerifySettings(samples=2, latency_runs=0),
    )
    recipe.model.arch = "DigitsNet"
    report = convert(recipe, model=DigitsNet())
    notes = [n for n in report.notes if "random inputs" in n]
    assert notes, report.notes
    for note in notes:
        assert not COMMAND_LINE.search(note), note


def test_a_phone_that_is_not_there_points_to_the_device_list(qapp, adb_server):
    from studio.devices.discovery import find_device
    from studio.errors import DeviceError

    with pytest.raises(DeviceError) as caught:
        find_device("no-such-phone", adb_server)
    assert caught.value.action == Action.DEVICE_LIST
    hint = on_screen_hint(caught.value)
    assert "Devices tab" in hint and "model-studio" not in hint
