"""The Convert tab's form as plain Python: what it allows, what it resets, the recipe it makes."""

from __future__ import annotations

import subprocess
import sys

from studio.convert.recipe import RANDOM_CALIBRATION, Recipe
from studio.model import sample
from studio.ui.convert_form import ConvertForm


def opened(params: dict | None = None) -> ConvertForm:
    form = ConvertForm()
    form.model_opened(params or {"path": str(sample.weights_path())})
    return form


def test_the_form_is_plain_python():
    code = (
        "import sys, studio.ui.convert_form; print(sorted({'PySide6', 'torch'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_a_capture_rules_out_the_targets_it_cannot_produce():
    form = opened()
    form.update(capture="export")
    conflict = form.target_conflict("ptl")
    assert conflict.setting == "capture" and conflict.value == "export"
    assert "TorchScript" in conflict.reason
    assert form.target_conflict("pte") is None and form.target_conflict("onnx") is None
    form.update(capture="script")
    assert "torch.export" in form.target_conflict("pte").reason


def test_chosen_targets_rule_out_captures_and_modes():
    form = opened()
    form.update(targets=["pte", "ptl"])
    assert form.capture_conflict("auto") is None
    assert form.capture_conflict("export").value == "ptl"
    assert form.capture_conflict("trace").value == "pte"
    fp16 = form.quantize_conflict("fp16")
    assert fp16.setting == "target" and fp16.value == "ptl" and "float16" in fp16.reason
    assert form.quantize_conflict("static") is None


def test_the_portable_backend_and_quantization_exclude_each_other():
    form = opened()
    form.update(quantize="dynamic")
    assert "float32" in form.backend_conflict("portable").reason
    assert form.backend_conflict("xnnpack") is None
    form.update(quantize="none", executorch_backend="portable")
    assert form.quantize_conflict("dynamic").value == "pte"
    assert form.target_conflict("pte") is None


def test_per_target_options_apply_to_their_targets_only():
    form = opened()
    form.update(targets=["pte"])
    assert form.applies("executorch_backend")
    assert not form.applies("onnx_opset") and not form.applies("lite_bytecode")
    form.set_target("ort", True)
    assert form.targets == ["pte", "ort"]
    assert form.applies("onnx_opset") and form.applies("dynamic_batch")
    form.set_target("pte", False)
    assert not form.applies("executorch_backend")


def test_problems_say_what_is_missing():
    assert ConvertForm().problem().kind == "no model"
    form = opened()
    assert form.problem() is None
    form.update(targets=[])
    assert form.problem().kind == "no target"
    form.update(targets=["pte"], quantize="static", calibration="")
    assert form.problem().kind == "no calibration"
    form.update(random_calibration=True)
    assert form.problem() is None
    form.update(targets=["onnx"], capture="export", onnx_opset=13, random_calibration=False)
    form.update(calibration="somewhere")
    problem = form.problem()
    assert problem.kind == "recipe" and "opset" in problem.detail


def test_the_recipe_follows_the_fields(tmp_path):
    form = opened({"path": str(tmp_path / "m.pt"), "input_shape": [1, 3, 64, 64], "trust": True})
    form.update(
        targets=["ptl", "onnx"],
        quantize="static",
        calibration=str(tmp_path / "cal"),
        samples=12,
        onnx_opset=13,
        lite_bytecode=5,
        labelled=str(tmp_path / "labelled"),
        output=str(tmp_path / "out"),
    )
    recipe = form.recipe()
    assert recipe.targets == ["ptl", "onnx"]
    assert recipe.model.path == str(tmp_path / "m.pt") and recipe.model.trust
    assert recipe.input.shape == (1, 3, 64, 64)
    assert recipe.quantize.mode == "static" and recipe.quantize.samples == 12
    assert recipe.calibration_source() == tmp_path / "cal"
    assert recipe.onnx.opset == 13 and recipe.lite.bytecode_version == 5
    assert recipe.verify.labelled == str(tmp_path / "labelled")
    assert recipe.output_folder == tmp_path / "out"
    form.update(random_calibration=True)
    assert form.recipe().quantize.calibration == RANDOM_CALIBRATION
    form.update(quantize="dynamic")
    assert form.recipe().quantize.calibration is None  # only static int8 is calibrated
    assert form.calibration == str(tmp_path / "cal")  # kept for when static comes back


def test_a_recipe_round_trips_through_the_form(tmp_path):
    form = opened({"path": str(tmp_path / "m.pt")})
    form.update(targets=["pt", "onnx"], quantize="dynamic", onnx_opset=15, dynamic_batch=True)
    path = form.recipe().save(tmp_path / "r.toml")
    other = opened({"path": str(tmp_path / "m.pt")})
    other.show_recipe(Recipe.load(path))
    assert other.targets == ["pt", "onnx"] and other.quantize == "dynamic"
    assert other.onnx_opset == 15 and other.dynamic_batch
    assert other.base_dir == tmp_path


def test_the_sample_gets_its_digits_and_another_model_does_not(tmp_path):
    form = opened()
    digits = str(sample.images_dir())
    assert form.calibration == digits and form.labelled == digits
    assert form.output.endswith("digits_cnn-mobile")
    form.update(targets=["ptl"], quantize="static")
    seen = []
    form.changed.connect(lambda: seen.append(True))

    form.model_opened({"path": str(tmp_path / "four_classes.pt"), "input_shape": [1, 3, 32, 32]})
    assert seen
    assert form.calibration == "" and form.labelled == "" and form.output == ""
    assert form.recipe().verify.labelled is None
    assert form.problem().kind == "no calibration"  # not the digits of the previous model
    assert form.targets == ["ptl"] and form.quantize == "static"  # choices of format stay


def test_a_new_description_of_the_same_model_keeps_the_folders(tmp_path):
    form = opened()
    form.update(labelled=str(tmp_path))
    form.model_described({"path": str(sample.weights_path()), "trust": False})
    assert form.labelled == str(tmp_path)
    form.model_described({"path": str(tmp_path / "other.pt")})
    assert form.labelled == ""
