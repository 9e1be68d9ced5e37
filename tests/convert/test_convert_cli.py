"""``model-studio convert``: flags or a recipe in, a report out, the contract's exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from studio.cli import main
from studio.convert.recipe import Recipe
from studio.model import sample

WEIGHTS = str(sample.weights_path())
SAMPLES = str(sample.images_dir())


def test_json_report_and_saved_recipe(tmp_path, capsys):
    recipe_file = tmp_path / "digits.toml"
    code = main(
        [
            "convert",
            WEIGHTS,
            "--target",
            "pt,onnx",
            "--verify-data",
            SAMPLES,
            "--verify-samples",
            "5",
            "--out",
            str(tmp_path / "out"),
            "--save-recipe",
            str(recipe_file),
            "--json",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    doc = json.loads(out)  # exactly one JSON document on stdout
    assert doc["verdict"] == "pass"
    assert [a["target"] for a in doc["artifacts"]] == ["pt", "onnx"]
    assert doc["report"] == str(tmp_path / "out" / "report.json")
    saved = Recipe.load(recipe_file)
    assert saved.targets == ["pt", "onnx"]
    assert saved.verify.samples == 5
    assert saved.model_path == sample.weights_path().resolve()


def test_recipe_file_with_overrides_and_failed_verdict(tmp_path, capsys):
    recipe_file = tmp_path / "strict.toml"
    recipe_file.write_text(
        f"""
[model]
path = "{WEIGHTS}"
[convert]
targets = ["onnx"]
[verify]
data = "{SAMPLES}"
samples = 4
atol = 0.0
rtol = 0.0
[output]
folder = "out"
"""
    )
    code = main(["convert", str(recipe_file), "--name", "strict"])
    out = capsys.readouterr().out
    # ONNX Runtime's float32 results differ from eager PyTorch in the last bits: with zero
    # tolerance that is a failed verification, exit code 1, and the artifact is still there
    assert code == 1
    assert "FAIL" in out and "strict.onnx" in out
    assert (tmp_path / "out" / "strict.onnx").is_file()


def test_bad_input_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(f'[model]\npath = "{WEIGHTS}"\n[convert]\ntargets = ["pte", "apk"]\n')
    assert main(["convert", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "error: bad.toml: unknown target 'apk'. the targets are pt, ptl, pte, onnx, ort."
    ]
    assert (
        main(["convert", WEIGHTS, "--quantize", "static", "--calibration", str(tmp_path / "none")])
        == 2
    )
    assert "calibration folder" in capsys.readouterr().err
    assert main(["convert", WEIGHTS, "--target", "ptl", "--quantize", "fp16"]) == 2
    assert "ptl cannot be quantized as fp16" in capsys.readouterr().err


@pytest.mark.slow
def test_command_line_entry_point(tmp_path):
    """The installed command, as a user runs it: progress on stderr, summary on stdout."""
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "studio",
            "convert",
            WEIGHTS,
            "--target",
            "ort",
            "--quantize",
            "dynamic",
            "--verify-samples",
            "3",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "digits_cnn-int8-dynamic.ort" in result.stdout
    assert "build ort" in result.stderr
    assert (tmp_path / "digits_cnn-int8-dynamic.ort").is_file()


@pytest.mark.parametrize("to", ["process", "terminal group"])
def test_interrupting_the_command_leaves_no_artifact(tmp_path, to):
    """Ctrl-C while the ExecuTorch program is being lowered: exit 130, nothing published.

    A terminal's Ctrl+C reaches the command's whole process group (its supervisor and the
    child doing the work); ``kill -INT`` reaches the command's own process only.
    """
    import os
    import signal

    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "studio",
            "convert",
            WEIGHTS,
            "--target",
            "pt,pte",
            "--out",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    seen = []
    for line in process.stderr:
        seen.append(line)
        if line.startswith("lower pte"):
            if to == "process":
                process.send_signal(signal.SIGINT)
            else:
                os.killpg(process.pid, signal.SIGINT)
            break
    process.communicate(timeout=120)
    assert process.returncode == 130, "".join(seen)
    assert any(line.startswith("build pt ") for line in seen)  # pt was built before the interrupt
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_flags_build_the_recipe(tmp_path):
    from studio.cli import build_parser
    from studio.cli.convert import build_recipe

    args = build_parser().parse_args(
        [
            "convert",
            WEIGHTS,
            "--arch",
            "digits_cnn",
            "--arch-kwargs",
            '{"num_classes": 10}',
            "--input-shape",
            "1,1,32,32",
            "--target",
            "ptl, onnx",
            "--quantize",
            "static",
            "--calibration",
            "random",
            "--capture",
            "trace",
            "--opset",
            "17",
            "--dynamic-batch",
            "--bytecode-version",
            "6",
            "--executorch-backend",
            "portable",
            "--labelled",
            SAMPLES,
            "--no-verify",
            "--out",
            str(tmp_path),
            "--name",
            "digits",
        ]
    )
    recipe = build_recipe(args).validate()
    assert recipe.model.arch == "digits_cnn" and recipe.model.arch_kwargs == {"num_classes": 10}
    assert recipe.input.shape == (1, 1, 32, 32)
    assert recipe.targets == ["ptl", "onnx"] and recipe.capture == "trace"
    assert (recipe.quantize.mode, recipe.quantize.calibration) == ("static", "random")
    assert (recipe.onnx.opset, recipe.onnx.dynamic_batch) == (17, True)
    assert recipe.lite.bytecode_version == 6 and recipe.executorch.backend == "portable"
    assert recipe.verify.enabled is False and recipe.verify.labelled == SAMPLES
    assert recipe.output_folder == tmp_path and recipe.artifact_name("ptl") == "digits-int8.ptl"
    # a recipe file with options on top: the options win, the rest stays
    saved = recipe.save(tmp_path / "r.toml")
    args = build_parser().parse_args(["convert", str(saved), "--opset", "15"])
    again = build_recipe(args)
    assert again.onnx.opset == 15 and again.lite.bytecode_version == 6
