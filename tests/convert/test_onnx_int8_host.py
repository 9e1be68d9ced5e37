"""A static int8 ONNX file is judged by its own arithmetic, not by a computer's saturating kernels.

ONNX Runtime's fused u8s8 kernels on x86-64 without VNNI saturate their 16-bit partial
sums; the sample's static int8 ONNX file, calibrated on the sample images as the window
does it, then measured 8.7 dB SQNR and failed although its int8 arithmetic reaches
about 39 dB (and a phone's ARM kernels compute that).
"""

from __future__ import annotations

from convert_helpers import build_recipe

from studio.convert import convert
from studio.convert.recipe import QuantizeSettings
from studio.model import sample
from studio.runtimes import open_runner
from studio.runtimes.onnxruntime_runner import int8_products_saturate


def test_the_samples_static_int8_onnx_calibrated_on_its_images_passes(tmp_path):
    recipe = build_recipe(
        sample.weights_path(),
        tmp_path / "out",
        targets=["onnx"],
        quantize=QuantizeSettings(mode="static", calibration=str(sample.images_dir())),
    )
    [artifact] = convert(recipe).artifacts
    v = artifact.verification.to_dict()
    assert v["verdict"] == "pass", v
    assert v["sqnr_db"] > 30, v
    unfused = any("unfused" in note for note in v["notes"])
    assert unfused == int8_products_saturate()

    # the float file of the same model runs fused everywhere: only int8 needs care
    float_recipe = build_recipe(sample.weights_path(), tmp_path / "float", targets=["onnx"])
    [float_artifact] = convert(float_recipe).artifacts
    with open_runner(float_artifact.path) as runner:
        assert runner.note is None
    with open_runner(artifact.path) as runner:
        assert (runner.note is not None) == int8_products_saturate()
