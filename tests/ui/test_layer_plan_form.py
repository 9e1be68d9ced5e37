"""The Convert form's layer choices and the sensitivity panel's rows, as plain Python: which
layers stay in float, whether each layer's int8 cost is measured, the recipe they make."""

from __future__ import annotations

import subprocess
import sys

from studio.convert.recipe import KEEP_FLOAT_AUTO, Recipe
from studio.convert.sensitivity import Fallback, LayerEffect, LayerPlan, Sensitivity
from studio.model import sample
from studio.ui.convert_form import ConvertForm
from studio.ui.layer_sensitivity import EMPTY_SCALE_DB, bar_lengths, bars_that_fit, layer_rows


def static_form() -> ConvertForm:
    form = ConvertForm()
    form.model_opened({"path": str(sample.weights_path())})
    form.update(quantize="static")
    return form


def plan(kept: list[str]) -> LayerPlan:
    layers = [
        LayerEffect("stem", 12.5, 0.97, 864),
        LayerEffect("blocks.0", 30.0, 0.999, 5000),
        LayerEffect("head", None, 1.0, 1280),
    ]
    sensitivity = Sensitivity(layers, 11.0, 0.96, 32, 12.0)
    return LayerPlan(kept, sensitivity, Fallback(kept, True, []))


def test_the_view_models_are_plain_python():
    code = (
        "import sys, studio.ui.convert_form, studio.ui.layer_sensitivity;"
        " print(sorted({'PySide6', 'torch'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_static_int8_makes_the_layer_choices_part_of_the_recipe():
    form = static_form()
    assert form.recipe().quantize.keep_float is None
    assert not form.recipe().quantize.sensitivity and not form.measures_sensitivity
    form.update(keep_float="auto")
    assert form.recipe().quantize.keep_float == KEEP_FLOAT_AUTO
    assert form.measures_sensitivity  # choosing what stays float measures every group
    assert form.recipe().layer_plan_wanted
    form.update(keep_float="none", sensitivity=True)
    quantize = form.recipe().quantize
    assert quantize.keep_float is None and quantize.sensitivity
    assert form.problem() is None


def test_without_static_int8_the_choices_stay_in_the_form_but_not_in_the_recipe():
    form = static_form()
    form.update(keep_float="auto", sensitivity=True)
    for mode in ("none", "fp16", "dynamic"):
        form.update(quantize=mode)
        quantize = form.recipe().quantize
        assert quantize.keep_float is None and not quantize.sensitivity, mode
        assert not form.measures_sensitivity
        assert form.problem() is None, mode  # the recipe's rules refuse them without static
    form.update(quantize="static")
    assert form.recipe().quantize.keep_float == KEEP_FLOAT_AUTO


def test_a_recipe_listing_layers_is_kept_and_round_trips(tmp_path):
    recipe = Recipe()
    recipe.model.path = str(sample.weights_path())
    recipe.quantize.mode = "static"
    recipe.quantize.calibration = str(sample.images_dir())
    recipe.quantize.keep_float = ["features.0", "classifier"]
    recipe.quantize.sensitivity = True
    path = tmp_path / "recipe.toml"
    recipe.save(path)
    form = ConvertForm()
    form.show_recipe(Recipe.load(path))
    assert form.keep_float == "listed" and form.float_layers == ["features.0", "classifier"]
    assert form.sensitivity
    again = form.recipe().quantize
    assert again.keep_float == ["features.0", "classifier"] and again.sensitivity
    form.update(keep_float="none")
    assert form.recipe().quantize.keep_float is None
    form.update(keep_float="listed")  # the recipe's list is still there to go back to
    assert form.recipe().quantize.keep_float == ["features.0", "classifier"]


def test_a_recipe_with_auto_shows_auto():
    recipe = Recipe()
    recipe.quantize.mode = "static"
    recipe.quantize.keep_float = KEEP_FLOAT_AUTO
    form = ConvertForm()
    form.show_recipe(recipe)
    assert form.keep_float == "auto" and not form.sensitivity and form.measures_sensitivity


def test_another_model_forgets_the_listed_layers_but_keeps_auto():
    form = static_form()
    form.float_layers, form.keep_float = ["features.0"], "listed"
    form.model_opened({"path": "/elsewhere/other.pt"})
    assert form.keep_float == "none" and form.float_layers == []
    assert form.recipe().quantize.keep_float is None
    form.update(keep_float="auto")
    form.model_opened({"path": "/elsewhere/third.pt"})
    assert form.keep_float == "auto"


def test_rows_follow_the_report_order_and_mark_what_stayed_float():
    rows = layer_rows(plan(["stem"]))
    assert [r.group for r in rows] == ["stem", "blocks.0", "head"]
    assert [r.kept_float for r in rows] == [True, False, False]
    assert rows[2].sqnr_db is None and rows[0].parameters == 864
    assert layer_rows(None) == [] and layer_rows(LayerPlan(["stem"])) == []


def test_an_identical_group_has_the_longest_bar():
    lengths = bar_lengths(layer_rows(plan([])))
    assert lengths[:2] == [12.5, 30.0]
    assert lengths[2] > 30.0
    identical = layer_rows(
        LayerPlan([], Sensitivity([LayerEffect("a", None, 1.0, 1)], None, 1.0, 1, 1.0))
    )
    assert bar_lengths(identical) == [EMPTY_SCALE_DB]


def test_the_chart_shows_as_many_bars_as_stay_readable():
    assert bars_that_fit(180, 24) == 10
    assert bars_that_fit(180, 4) == 4
    assert bars_that_fit(5, 4) == 1
