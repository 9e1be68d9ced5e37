"""Recipes: TOML round trips, path resolution, naming, and readable validation errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from studio.convert.recipe import Recipe
from studio.errors import RecipeError


def recipe_text(body: str) -> str:
    return '[model]\npath = "model.pt"\n' + body


@pytest.fixture
def model_file(tmp_path) -> Path:
    path = tmp_path / "model.pt"
    path.write_bytes(b"not inspected by validation")
    return path


def test_round_trip_keeps_every_setting(tmp_path, model_file):
    recipe = Recipe.loads(
        recipe_text(
            """
[input]
tensors = [{name = "image", shape = [1, 3, 96, 96]}]
[convert]
targets = ["pte", "onnx", "ptl"]
capture = "auto"
[quantize]
mode = "static"
calibration = "calib"
samples = 16
[onnx]
opset = 17
dynamic_batch = true
[lite]
bytecode_version = 6
[executorch]
backend = "xnnpack"
[verify]
samples = 4
min_cosine = 0.97
[output]
folder = "out"
name = "net"
"""
        ),
        base_dir=tmp_path,
    )
    path = recipe.save(tmp_path / "recipe.toml")
    again = Recipe.load(path)
    assert again.to_dict() == recipe.to_dict()
    assert again.input == recipe.input
    assert again.input.shape == (1, 3, 96, 96)
    assert again.input.tensors[0].name == "image"
    assert again.onnx.opset == 17 and again.onnx.dynamic_batch
    assert again.lite.bytecode_version == 6
    assert again.verify.min_cosine == 0.97
    # relative paths resolve against the recipe's folder
    assert again.model_path == tmp_path / "model.pt"
    assert again.calibration_source() == tmp_path / "calib"
    assert again.output_folder == tmp_path / "out"
    assert again.artifact_name("pte") == "net-int8.pte"


def test_defaults_name_artifacts_after_the_model(tmp_path, model_file):
    recipe = Recipe.loads(recipe_text(""), base_dir=tmp_path).validate()
    assert recipe.targets == ["pte"]
    assert recipe.output_folder == tmp_path / "model-mobile"
    assert recipe.artifact_name("ptl") == "model.ptl"
    recipe.quantize.mode = "dynamic"
    assert recipe.artifact_name("onnx") == "model-int8-dynamic.onnx"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[quantize]\nmode = 'static'\ncolour = 'red'\n", "unknown key 'colour' in [quantize]"),
        ("[extras]\nx = 1\n", "unknown section or key 'extras'"),
        ("[convert]\ntargets = ['pte', 'apk']\n", "unknown target 'apk'"),
        ("[convert]\ntargets = []\n", "no targets"),
        ("[convert]\ntargets = ['onnx']\n[onnx]\nopset = 99\n", "onnx opset 99 is out of range"),
        ("[convert]\ntargets = ['onnx']\n[onnx]\nopset = 5\n", "onnx opset 5 is out of range"),
        ("[convert]\ncapture = 'magic'\n", "unknown capture 'magic'"),
        ("[quantize]\nmode = 'int4'\n", "unknown quantize mode 'int4'"),
        (
            "[convert]\ntargets = ['ptl']\n[quantize]\nmode = 'fp16'\n",
            "ptl cannot be quantized as fp16",
        ),
        ("[convert]\ntargets = ['pt']\ncapture = 'export'\n", "capture 'export' cannot produce pt"),
        ("[convert]\ntargets = ['pte']\ncapture = 'trace'\n", "capture 'trace' cannot produce pte"),
        (
            "[convert]\ntargets = ['onnx']\ncapture = 'export'\n[onnx]\nopset = 13\n",
            "capture 'export' writes ONNX opset 18 or newer",
        ),
        (
            "[quantize]\nmode = 'static'\ncalibration = 'random'\n[executorch]\nbackend = 'portable'\n",
            "portable backend cannot be quantized",
        ),
        ("[quantize]\nmode = 'static'\n", "static int8 quantization needs calibration data"),
        ("[quantize]\nmode = 'static'\ncalibration = 'nowhere'\n", "calibration folder"),
        ("[quantize]\ncalibration = 'random'\n", "nothing is quantized"),
        ("[lite]\nbytecode_version = 2\n", "bytecode_version 2 is not supported"),
        ("[verify]\nsamples = 0\n", "verify samples must be a whole number of at least 1"),
        ("[verify]\nmin_top1 = 1.5\n", "min_top1 must be between 0 and 1"),
        ("[convert]\ntargets = ['pte', 'pte']\n", "listed twice"),
        ("[onnx]\nopset = 'eighteen'\n", "[onnx] opset must be a whole number, not 'eighteen'"),
        ("[output]\nname = 5\n", "[output] name must be text, not 5"),
        ("[verify]\nenabled = 'yes'\n", "[verify] enabled must be true or false"),
        ("[quantize]\nsamples = true\n", "[quantize] samples must be a whole number, not True"),
    ],
)
def test_bad_recipes_name_the_problem(tmp_path, model_file, body, expected):
    with pytest.raises(RecipeError) as info:
        Recipe.loads(recipe_text(body), base_dir=tmp_path).validate()
    assert expected in info.value.message


def test_missing_calibration_folder_is_named(tmp_path, model_file):
    recipe = Recipe.loads(
        recipe_text("[quantize]\nmode = 'static'\ncalibration = 'calib'\n"), base_dir=tmp_path
    )
    with pytest.raises(RecipeError, match="does not exist") as info:
        recipe.validate()
    assert str(tmp_path / "calib") in info.value.message


def test_empty_calibration_folder_is_refused(tmp_path, model_file):
    (tmp_path / "calib" / "cats").mkdir(parents=True)
    (tmp_path / "calib" / "notes.txt").write_text("no images here")
    recipe = Recipe.loads(
        recipe_text("[quantize]\nmode = 'static'\ncalibration = 'calib'\n"), base_dir=tmp_path
    )
    with pytest.raises(RecipeError, match="is empty"):
        recipe.validate()


def test_missing_model_file_is_named(tmp_path):
    with pytest.raises(RecipeError, match="model.pt does not exist"):
        Recipe.loads(recipe_text(""), base_dir=tmp_path).validate()


def test_artifact_may_not_overwrite_the_model(tmp_path):
    (tmp_path / "net.pt").write_bytes(b"x")
    recipe = Recipe.loads(
        '[model]\npath = "net.pt"\n[convert]\ntargets = ["pt"]\n[output]\nfolder = "."\n',
        base_dir=tmp_path,
    )
    with pytest.raises(RecipeError, match="would overwrite the model file"):
        recipe.validate()


def test_invalid_toml_and_unreadable_files(tmp_path):
    with pytest.raises(RecipeError, match="not valid TOML"):
        Recipe.loads("[model\npath = 1")
    with pytest.raises(RecipeError, match="cannot be read"):
        Recipe.load(tmp_path / "absent.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text('[model]\npath = "m.pt"\nsize = 3\n')
    with pytest.raises(RecipeError, match=r"^bad.toml: unknown key 'size' in \[model\]"):
        Recipe.load(bad)


def test_recipe_module_does_not_import_torch():
    import subprocess
    import sys

    code = "import sys, studio.convert, studio.convert.recipe; print('torch' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"
