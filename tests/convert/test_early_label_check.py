"""A labelled folder the model cannot judge is refused before any target is built.

The check needs only the model's output size, known after one forward pass of the
folder's first image: the refusal comes before the build stages, not minutes later.
"""

from __future__ import annotations

import pytest
from small_models import FourClasses, save_four_classes

from studio.cli import main
from studio.convert import convert
from studio.convert.recipe import OutputSettings, Recipe, VerifySettings
from studio.errors import InputError
from studio.model import sample
from studio.model.inputs import InputSpec

TARGETS = ["pt", "onnx"]


def _recipe(out) -> Recipe:
    recipe = Recipe(
        targets=list(TARGETS),
        input=InputSpec.single((1, 3, 32, 32)),
        output=OutputSettings(folder=str(out), name="four"),
        verify=VerifySettings(samples=2, latency_runs=0, labelled=str(sample.images_dir())),
    )
    recipe.model.arch = "FourClasses"
    return recipe


def test_the_refusal_comes_before_any_target_is_built(tmp_path):
    out = tmp_path / "out"
    stages = []
    with pytest.raises(InputError) as caught:
        convert(
            _recipe(out), progress=lambda event: stages.append(event.stage), model=FourClasses()
        )
    assert "10 classes" in caught.value.message and "4 outputs" in caught.value.message
    assert "verification data" in stages
    assert not [s for s in stages if s.startswith(("build", "verify"))], stages
    assert not out.exists()  # no artifact, no folder


def test_the_command_line_refuses_before_building(tmp_path, capsys):
    model = tmp_path / "four.pt"
    save_four_classes(model)
    out = tmp_path / "out"
    args = ["convert", str(model), "--input-shape", "1,3,32,32", "--out", str(out)]
    for target in TARGETS:
        args += ["--target", target]
    code = main([*args, "--labelled", str(sample.images_dir())])
    err = capsys.readouterr().err
    assert code == 2, err
    assert "4 outputs" in err and "Traceback" not in err
    assert "verification data" in err
    assert "build" not in err.lower(), err
    assert not out.exists()
