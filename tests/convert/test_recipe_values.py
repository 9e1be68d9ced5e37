"""Recipe values of the wrong type or range are refused when the recipe is read, with a
message naming the key and exit code 2 (they used to end in internal errors)."""

from __future__ import annotations

import pytest

from studio.cli import main
from studio.convert.recipe import Recipe
from studio.errors import EXIT_BAD_INPUT, RecipeError
from studio.model import sample

MODEL = f"[model]\npath = '{sample.weights_path().as_posix()}'\n"


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[convert]\ntargets = 5\n", "[convert] targets must be a list of target names, not 5"),
        ("[convert]\ntargets = [['pte']]\n", "[convert] targets must be a list of target names"),
        ("convert = 'pte'\n", "[convert] must be a table of settings"),
        ("[convert]\ncapture = [1]\n", "[convert] capture must be text"),
        ("[input]\ntensors = [{shape = [1, 3, -5, 224]}]\n", "[input] input 'input0': the shape"),
        ("[input]\ntensors = [{shape = [1, 3, 0, 224]}]\n", "all positive whole numbers"),
        ("[input]\ntensors = [{shape = [1, 3, 100000, 100000]}]\n", "would need 120.0 GB"),
        ("[input]\ntensors = [{shape = [1, 3, 40000, 30000]}]\n", "would need 14.4 GB"),
        ("[input]\ntensors = 'x'\n", "[input] input tensors must be a list of tables"),
        ("input = 'x'\n", "[input] the input description must be a table"),
        ("[input]\ntensors = [1]\n", "[input] input tensor 1 must be a table with a shape"),
        (f"[input]\ntensors = [{{name = '{'n' * 300}', shape = [1, 3]}}]\n", "an input name"),
        ("[input]\ntensors = [{shape = [1, 3], dtype = {a = 1}}]\n", "unknown dtype"),
        ("[quantize]\nsamples = 100000000000\n", "quantize samples must be a whole number"),
        ("[verify]\nlatency_runs = 10000000000000\n", "verify latency_runs must be from 0"),
        ("[verify]\natol = nan\n", "verify atol must be a number of at least 0"),
        ("[verify]\nrtol = -1.0\n", "verify rtol must be a number of at least 0"),
        ("[lite]\nbytecode_version = 1000000\n", "bytecode_version 1000000 is not supported"),
        ("[model]\narch = '" + "a" * 300 + "'\n", "[model] arch is 300 characters long"),
        ("[verify]\ndata = '" + "d" * 300 + "'\n", "[verify] data"),
        ('[output]\nfolder = "out\\u0000"\n', "[output] folder contains a NUL character"),
        ("[quantize]\nmode = 'int4'\n", "unknown quantize mode 'int4'"),
    ],
)
def test_wrong_values_are_refused_when_read(tmp_path, body, expected):
    path = tmp_path / "hostile.toml"
    model = "" if body.startswith("[model]") else MODEL
    text = model + body if body.startswith("[") else body + model  # a bare key: before tables
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RecipeError) as info:
        Recipe.load(path)
    assert expected in info.value.message
    assert info.value.exit_code == EXIT_BAD_INPUT


@pytest.mark.parametrize(
    "body",
    ["[convert]\ntargets = 5\n", "[input]\ntensors = [{shape = [1, 3, 40000, 30000]}]\n"],
)
def test_convert_exits_with_bad_input(tmp_path, capsys, body):
    path = tmp_path / "hostile.toml"
    path.write_text(MODEL + body, encoding="utf-8")
    assert main(["convert", str(path), "--json"]) == EXIT_BAD_INPUT
    err = capsys.readouterr().err
    assert err.startswith("error: hostile.toml: ") and "internal error" not in err
