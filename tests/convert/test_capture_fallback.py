"""TorchScript capture: a scripted model that cannot be saved falls back to tracing, and a
TorchScript interpreter error reads as the operation that failed.

No ``from __future__ import annotations``: TorchScript reads the annotations below.
"""

import pytest
import torch

from studio.cli import main
from studio.convert import convert
from studio.convert.capture import capture_torchscript
from studio.convert.recipe import OutputSettings, Recipe, VerifySettings
from studio.errors import ConversionError
from studio.model.inputs import InputSpec
from studio.runtimes.base import first_line


class CallsPython(torch.nn.Module):
    """Scripts (the ignored method stays a Python call) but torch.jit.save refuses it."""

    def __init__(self):
        super().__init__()
        self.head = torch.nn.Linear(4, 3)

    @torch.jit.ignore
    def scale(self, x: torch.Tensor) -> torch.Tensor:
        return x * 2

    def forward(self, x):
        return self.head(self.scale(x))


def _example():
    return (torch.randn(1, 4),)


def test_auto_traces_a_scripted_model_that_cannot_be_saved():
    captured = capture_torchscript(CallsPython().eval(), _example(), "auto")
    assert captured.method == "trace"
    assert len(captured.notes) == 1
    assert "cannot save it" in captured.notes[0]
    assert "Could not export Python function call 'scale'" in captured.notes[0]


def test_script_capture_says_the_model_cannot_be_saved():
    with pytest.raises(ConversionError) as caught:
        capture_torchscript(CallsPython().eval(), _example(), "script")
    assert "compiles this model but cannot save it" in caught.value.message
    assert "Python function call 'scale'" in caught.value.message


def test_a_model_that_scripts_but_cannot_be_saved_converts_to_pt_and_ptl(tmp_path):
    recipe = Recipe(
        targets=["pt", "ptl"],
        input=InputSpec.single((1, 4)),
        output=OutputSettings(folder=str(tmp_path), name="calls-python"),
        verify=VerifySettings(samples=4, latency_runs=1),
    )
    recipe.model.arch = "CallsPython"  # the model is given in memory
    torch.manual_seed(0)
    report = convert(recipe, model=CallsPython())
    assert {a.target: a.capture for a in report.artifacts} == {"pt": "trace", "ptl": "trace"}
    assert {a.verification.verdict for a in report.artifacts} == {"pass"}
    assert all(any("cannot save it" in n for n in a.notes) for a in report.artifacts)


def _interpreter_error() -> RuntimeError:
    scripted = torch.jit.script(torch.nn.Sequential(torch.nn.Linear(4, 3)))
    with pytest.raises(RuntimeError) as caught:
        scripted(torch.randn(2, 5))
    assert str(caught.value).startswith(
        "The following operation failed in the TorchScript interpreter."
    )
    return caught.value


def test_an_interpreter_error_names_the_error_and_the_failing_operation():
    line = first_line(_interpreter_error())
    assert line.startswith("mat1 and mat2 shapes cannot be multiplied (2x5 and 4x3)")
    assert "F.linear(input, self.weight, self.bias)" in line


def test_a_torchscript_file_on_the_wrong_input_says_which_operation_failed(tmp_path, capsys):
    path = tmp_path / "linear.pt"
    torch.jit.save(torch.jit.script(torch.nn.Linear(4, 3)), str(path))
    code = main(["convert", str(path), "--target", "pt", "--input-shape", "1,5"])
    assert code == 2
    err = capsys.readouterr().err
    assert "TorchScript interpreter" not in err
    assert "mat1 and mat2 shapes cannot be multiplied" in err
    assert "F.linear" in err
