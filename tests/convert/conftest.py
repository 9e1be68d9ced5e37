"""Real conversions shared by the conversion tests, each run once per session.

The bundled digits model is small enough to convert to every target in seconds; the
torchvision models (random weights, 64x64 inputs) are for the slow end-to-end tests.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from convert_helpers import TinyNet, build_recipe, torchvision_state

from studio.convert import convert
from studio.convert.recipe import (
    QuantizeSettings,
    VerifySettings,
)
from studio.model import sample


@pytest.fixture(scope="session")
def digits_data(tmp_path_factory) -> dict[str, Path]:
    """Calibration inputs from the training split; a labelled held-out folder of PNGs."""
    from PIL import Image

    root = tmp_path_factory.mktemp("digits-data")
    (train_x, _), (test_x, test_y) = sample.digits_dataset()
    calibration = root / "calibration.npy"
    np.save(calibration, train_x[:64].numpy())
    heldout = root / "heldout"
    for index, (image, label) in enumerate(zip(test_x, test_y, strict=True)):
        folder = heldout / str(int(label))
        folder.mkdir(parents=True, exist_ok=True)
        pixels = ((image[0].numpy() * sample.STD[0] + sample.MEAN[0]) * 255).round()
        Image.fromarray(pixels.clip(0, 255).astype(np.uint8)).save(folder / f"{index}.png")
    return {"calibration": calibration, "heldout": heldout, "samples": sample.images_dir()}


@pytest.fixture(scope="session")
def digits_float(sample_conversion):
    """The digits model converted to every target in float32, verified on its sample images
    (the session's conversion of the sample, tests/conftest.py)."""
    return sample_conversion


@pytest.fixture(scope="session")
def digits_static(tmp_path_factory, digits_data):
    """Static int8 for pte, ptl, onnx and ort, calibrated on training images, verified on the
    sample images, with accuracy on the held-out split before and after."""
    out = tmp_path_factory.mktemp("digits-int8")
    recipe = build_recipe(
        sample.weights_path(),
        out,
        targets=["ptl", "pte", "onnx", "ort"],
        quantize=QuantizeSettings(mode="static", calibration=str(digits_data["calibration"])),
        verify=VerifySettings(
            data=str(digits_data["samples"]),
            samples=64,
            labelled=str(digits_data["heldout"]),
            latency_runs=3,
        ),
    )
    return convert(recipe)


def convert_torchvision(tmp_path_factory, name: str):
    from studio.model.inputs import InputSpec

    folder = tmp_path_factory.mktemp(name)
    recipe = build_recipe(
        torchvision_state(folder, name),
        folder / "out",
        input=InputSpec.single((1, 3, 64, 64)),
        verify=VerifySettings(samples=4, latency_runs=2),
    )
    recipe.model.arch = name
    return convert(recipe)


@pytest.fixture(scope="session")
def resnet18_float(tmp_path_factory):
    return convert_torchvision(tmp_path_factory, "resnet18")


@pytest.fixture(scope="session")
def mobilenet_float(tmp_path_factory):
    return convert_torchvision(tmp_path_factory, "mobilenet_v3_small")


@pytest.fixture
def tiny_model():
    torch.manual_seed(0)
    return TinyNet().eval()


@pytest.fixture(scope="session")
def relu6_net():
    """``benchmarks/relu6_net.py``: a MobileNetV2-style ReLU6 network and its digits data."""
    import importlib
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
    return importlib.import_module("relu6_net")


@pytest.fixture(scope="session")
def relu6_trained(relu6_net):
    """That network trained on digits (seconds), with its training and held-out splits:
    ``(model, Digits)``."""
    data = relu6_net.digits_rgb()
    return relu6_net.train(data), data
