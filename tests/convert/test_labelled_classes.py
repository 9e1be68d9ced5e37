"""A labelled folder whose classes the model cannot give is refused, not judged."""

from __future__ import annotations

import pytest
from small_models import FourClasses, save_four_classes

from studio.cli import main
from studio.convert import convert
from studio.convert.recipe import OutputSettings, Recipe, VerifySettings
from studio.convert.verify import check_classes
from studio.errors import InputError
from studio.model import sample
from studio.model.inputs import InputSpec, SampleSet


def _recipe(out) -> Recipe:
    recipe = Recipe(
        targets=["pt"],
        input=InputSpec.single((1, 3, 32, 32)),
        output=OutputSettings(folder=str(out), name="four"),
        verify=VerifySettings(samples=2, latency_runs=0, labelled=str(sample.images_dir())),
    )
    recipe.model.arch = "FourClasses"
    return recipe


def test_digit_folders_against_a_four_class_model_are_refused(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(InputError) as caught:
        convert(_recipe(out), model=FourClasses())
    assert "10 classes" in caught.value.message and "4 outputs" in caught.value.message
    assert not out.exists()  # nothing published, no folder left


def test_the_command_line_refuses_them_with_exit_2(tmp_path, capsys):
    model = tmp_path / "four.pt"
    save_four_classes(model)
    out = tmp_path / "out"
    code = main(
        [
            "convert",
            str(model),
            "--input-shape",
            "1,3,32,32",
            "--target",
            "pt",
            "--labelled",
            str(sample.images_dir()),
            "--out",
            str(out),
        ]
    )
    err = capsys.readouterr().err
    assert code == 2, err
    assert "4 outputs" in err and "Traceback" not in err
    assert not out.exists()  # refused before anything was written, the folder included


def _folder(*names: str) -> SampleSet:
    return SampleSet([[None]] * len(names), "images", list(range(len(names))), list(names))


def test_classes_the_model_can_give_are_accepted():
    check_classes(_folder("0", "1", "2", "3"), None, 4)
    check_classes(_folder("3", "7"), None, 10)
    check_classes(_folder("cat", "dog"), ["bird", "cat", "dog"], 3)
    check_classes(_folder("a", "b"), None, 4)  # folder order is the class order


@pytest.mark.parametrize(
    "names, labels, outputs",
    [
        (("0", "1", "9"), None, 4),  # a label beyond the outputs
        (("a", "b", "c", "d", "e"), None, 4),  # more classes than outputs
        (("bird", "cat", "cow", "dog"), ["bird", "cat", "dog"], 3),
    ],
)
def test_classes_the_model_cannot_give_are_refused(names, labels, outputs):
    with pytest.raises(InputError, match=f"{outputs} outputs"):
        check_classes(_folder(*names), labels, outputs)
