"""Layer sensitivity and float fallback on a trained ReLU6 network (benchmarks/relu6_net.py).

The network is trained in the session (tests/convert/conftest.py); every trial quantizes it
for real with PT2E and runs the quantized graph; the artifacts are real .pte files.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from studio.convert import Recipe, convert
from studio.convert.recipe import OutputSettings, QuantizeSettings, VerifySettings
from studio.convert.report import ConversionReport
from studio.convert.sensitivity import FALLBACK_STAGE, SENSITIVITY_STAGE, layer_groups
from studio.errors import Cancelled, RecipeError
from studio.model.inputs import InputSpec
from studio.progress import CancelToken


def relu6_recipe(relu6_net, folder, tmp_path, targets=("pte",), **quantize) -> Recipe:
    recipe = Recipe(
        targets=list(targets),
        input=InputSpec.single(relu6_net.INPUT_SHAPE),
        quantize=QuantizeSettings(mode="static", calibration=str(folder / "calib.npy"), **quantize),
        verify=VerifySettings(data=str(folder / "verify.npy"), samples=64, latency_runs=0),
        output=OutputSettings(folder=str(tmp_path / "out"), name="relu6"),
    )
    recipe.model.arch = "Relu6Net"
    return recipe


@pytest.fixture(scope="module")
def relu6_data(relu6_trained, tmp_path_factory):
    model, data = relu6_trained
    folder = tmp_path_factory.mktemp("relu6-data")
    np.save(folder / "calib.npy", data.train_x[:32].numpy())
    np.save(folder / "verify.npy", data.test_x[:64].numpy())
    return model, folder


def test_layer_groups_split_the_network_at_its_blocks(relu6_trained):
    import torchvision

    model, _ = relu6_trained
    assert layer_groups(model) == [
        "stem",
        "blocks.0",
        "blocks.1",
        "blocks.2",
        "blocks.3",
        "last",
        "hidden",
        "classifier",
    ]
    mobilenet = torchvision.models.mobilenet_v2(weights=None)
    groups = layer_groups(mobilenet)
    assert groups[0] == "features.0" and groups[-1] == "classifier" and len(groups) == 20


def test_layer_plans_need_static_int8_and_real_layer_names(relu6_net, relu6_data, tmp_path):
    model, folder = relu6_data
    recipe = relu6_recipe(relu6_net, folder, tmp_path, keep_float="auto")
    recipe.quantize.mode = "dynamic"
    recipe.quantize.calibration = None
    with pytest.raises(RecipeError, match="need static int8"):
        recipe.validate(check_files=False, model_in_memory=True)
    with pytest.raises(RecipeError, match='must be "auto" or a list'):
        relu6_recipe(relu6_net, folder, tmp_path, keep_float="most").validate(
            check_files=False, model_in_memory=True
        )
    wrong = relu6_recipe(relu6_net, folder, tmp_path, keep_float=["stem", "nothing.here"])
    with pytest.raises(RecipeError, match="no layer named 'nothing.here'") as raised:
        convert(wrong, model=model)
    assert "blocks.0" in raised.value.hint
    assert not (tmp_path / "out").exists()


@pytest.fixture(scope="module")
def plain(relu6_net, relu6_data, tmp_path_factory):
    """The network in int8 with every layer quantized."""
    model, folder = relu6_data
    recipe = relu6_recipe(relu6_net, folder, tmp_path_factory.mktemp("plain"), ("pte", "onnx"))
    return convert(recipe, model=model)


@pytest.mark.slow
def test_auto_fallback_reaches_its_target_and_says_what_stayed_float(
    relu6_net, relu6_data, plain, tmp_path
):
    model, folder = relu6_data
    plain_sqnr = plain.artifacts[0].verification.comparison.sqnr_db
    # a target the all-int8 artifact misses: a few decibels above what it reaches
    target = round(plain_sqnr + 4.0)
    recipe = relu6_recipe(relu6_net, folder, tmp_path, keep_float="auto")
    recipe.verify.min_sqnr = target
    events = []
    report = convert(recipe, progress=events.append, model=model)

    plan = report.layers
    assert plan.sensitivity is not None and len(plan.sensitivity.layers) == 8
    sqnrs = [effect.sqnr_db for effect in plan.sensitivity.layers]
    assert sqnrs == sorted(sqnrs)  # most sensitive first
    assert plan.fallback.met and plan.kept_float  # it took some layers in float
    assert plan.kept_float == [e.group for e in plan.sensitivity.layers][: len(plan.kept_float)]
    steps = plan.fallback.steps
    assert [len(s.kept_float) for s in steps] == list(range(len(steps)))
    assert steps[-1].verdict == "pass" and all(s.verdict != "pass" for s in steps[:-1])

    pte = report.artifacts[0]
    assert pte.verification.verdict == "pass", pte.verification.reasons
    assert pte.verification.comparison.sqnr_db >= target  # held out: the trials never saw them

    written = json.loads((tmp_path / "out" / "report.json").read_text())
    assert written["layers"]["kept_float"] == plan.kept_float
    assert ConversionReport.from_dict(written).layers.to_dict() == plan.to_dict()
    for stage in (SENSITIVITY_STAGE, FALLBACK_STAGE):
        fractions = [e.fraction for e in events if e.stage == stage and e.fraction is not None]
        assert fractions[0] == 0.0 and fractions[-1] == 1.0 and len(fractions) > 3
    assert "Kept in float32: " + ", ".join(plan.kept_float) in report.summary()


@pytest.mark.slow
def test_named_layers_stay_float_in_the_artifact(relu6_net, relu6_data, plain, tmp_path):
    model, folder = relu6_data
    kept = ["stem", "blocks.0"]
    recipe = relu6_recipe(relu6_net, folder, tmp_path, ("pte", "onnx"), keep_float=kept)
    report = convert(recipe, model=model)
    assert report.layers.kept_float == kept and report.layers.sensitivity is None
    float_weights = sum(
        m.weight.numel()
        for n in kept
        for m in model.get_submodule(n).modules()
        if isinstance(m, torch.nn.Conv2d | torch.nn.Linear)
    )
    before = {a.target: a.size_bytes for a in plain.artifacts}
    for artifact in report.artifacts:  # the onnx target follows the same plan as pte
        grown = artifact.size_bytes - before[artifact.target]
        # four bytes a weight instead of one (less the int8 scales no longer needed):
        # more than a byte more for each weight kept float
        assert grown > float_weights, (artifact.target, grown, float_weights)
        assert artifact.verification.verdict == "pass"


def test_sensitivity_is_cancellable(relu6_net, relu6_data, tmp_path):
    model, folder = relu6_data
    cancel = CancelToken()

    def progress(event):
        if event.stage == SENSITIVITY_STAGE and (event.fraction or 0) > 0:
            cancel.cancel()

    recipe = relu6_recipe(relu6_net, folder, tmp_path, sensitivity=True)
    with pytest.raises(Cancelled):
        convert(recipe, progress=progress, cancel=cancel, model=model)
    assert not (tmp_path / "out").exists()


def test_a_model_without_layer_modules_is_told_so(relu6_net, relu6_data, tmp_path):
    class Functional(torch.nn.Module):  # no convolution or linear module to keep in float
        def forward(self, x):
            return torch.nn.functional.relu6(x).mean(dim=(2, 3))

    _, folder = relu6_data
    recipe = relu6_recipe(relu6_net, folder, tmp_path, sensitivity=True)
    with pytest.raises(RecipeError, match="no convolution or linear layers"):
        convert(recipe, model=Functional().eval())
    assert not (tmp_path / "out").exists()
