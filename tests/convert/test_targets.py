"""Target options on a tiny model: portable ExecuTorch kernels, ORT without a published ONNX."""

from __future__ import annotations

from convert_helpers import tiny_recipe

from studio.convert import convert
from studio.convert.recipe import ExecuTorchOptions
from studio.runtimes import open_runner


def test_executorch_with_portable_kernels(tmp_path, tiny_model):
    report = convert(
        tiny_recipe(tmp_path, ["pte"], executorch=ExecuTorchOptions(backend="portable")),
        model=tiny_model,
    )
    artifact = report.artifacts[0]
    assert artifact.options == {"backend": "portable"}
    assert artifact.verdict == "pass"
    with open_runner(artifact.path) as runner:
        assert runner.inputs[0].shape == (1, 3, 8, 8)


def test_ort_alone_publishes_no_onnx_file(tmp_path, tiny_model):
    report = convert(tiny_recipe(tmp_path, ["ort"]), model=tiny_model)
    # the ORT file, the report and the reference outputs bench --verify judges against
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "report.json",
        "tiny.ort",
        "verification.npz",
    ]
    artifact = report.artifacts[0]
    assert artifact.runtime == "onnxruntime" and artifact.options["opset"] == 18
    assert artifact.verdict == "pass" and artifact.host_latency_ms > 0
