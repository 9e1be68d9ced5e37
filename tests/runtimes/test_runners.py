"""Every runner loads a real artifact, describes its inputs and matches eager PyTorch."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
import torch
from runner_artifacts import SHAPE

from studio.errors import InputError, ModelFileError
from studio.runtimes import (
    RUNTIMES,
    measure_latency,
    open_runner,
    runner_class,
    runner_for,
    runtime_for,
)
from studio.runtimes.eager_runner import EagerRunner

EXPECTED = {
    "pt": "torchscript",
    "ptl": "pytorch-lite",
    "pte": "executorch",
    "onnx": "onnxruntime",
    "ort": "onnxruntime",
}


def test_importing_the_package_loads_no_runtime():
    code = (
        "import sys, studio.runtimes; "
        "print(sorted(m for m in ('torch', 'onnxruntime', 'executorch') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_registry_maps_suffixes_and_names(tmp_path):
    for suffix, runtime in EXPECTED.items():
        assert runtime_for(tmp_path / f"model.{suffix.upper()}") == runtime
        assert runner_for(f"model.{suffix}").runtime == runtime
    assert set(RUNTIMES) == {*EXPECTED.values(), "eager"}
    with pytest.raises(InputError, match="no runtime runs model.tflite"):
        runner_for("model.tflite")
    with pytest.raises(InputError, match="unknown runtime 'coreml'"):
        runner_class("coreml")


@pytest.mark.parametrize("suffix", list(EXPECTED))
def test_runner_matches_eager(artifacts, tiny, example, suffix):
    with torch.no_grad():
        expected = tiny(torch.from_numpy(example)).numpy()
    with open_runner(artifacts[suffix], threads=1) as runner:
        assert runner.runtime == EXPECTED[suffix]
        assert runner.version()[0].isdigit()
        outputs = runner.infer([example])
        assert len(outputs) == 1 and outputs[0].shape == (1, 5)
        np.testing.assert_allclose(outputs[0], expected, rtol=1e-4, atol=1e-5)
        assert measure_latency(runner, [example], iterations=3, warmup=1) > 0
        described = runner.describe()
        assert described["runtime"] == EXPECTED[suffix] and described["path"].endswith(suffix)


def test_input_metadata_from_the_formats_that_record_it(artifacts):
    with open_runner(artifacts["pte"]) as runner:
        assert [(i.shape, i.dtype) for i in runner.inputs] == [(SHAPE, "float32")]
    for suffix in ("onnx", "ort"):
        with open_runner(artifacts[suffix]) as runner:
            assert [(i.name, i.shape, i.dtype) for i in runner.inputs] == [
                ("image", SHAPE, "float32")
            ]
    # plain TorchScript/Lite files record no shapes; the studio's own ones do (tests/convert)
    with open_runner(artifacts["ptl"]) as runner:
        assert runner.inputs == []


def test_studio_torchscript_and_lite_files_carry_their_input_spec(tmp_path, tiny):
    import json

    from studio.convert.targets.pt import save_torchscript
    from studio.convert.targets.ptl import save_lite
    from studio.model.inputs import InputSpec

    meta = json.dumps({"input_spec": InputSpec.single(SHAPE).to_dict()})
    scripted = torch.jit.script(tiny)
    save_torchscript(scripted, tmp_path / "m.pt", meta)
    save_lite(scripted, tmp_path / "m.ptl", meta)
    for name in ("m.pt", "m.ptl"):
        with open_runner(tmp_path / name) as runner:
            assert [(i.name, i.shape) for i in runner.inputs] == [("input", SHAPE)]
            with pytest.raises(InputError, match=r"has shape \(1, 3, 4, 4\)"):
                runner.infer([np.zeros((1, 3, 4, 4), np.float32)])


@pytest.mark.parametrize("suffix", ["pte", "onnx", "ort"])
def test_wrong_inputs_are_input_errors(artifacts, example, suffix):
    with open_runner(artifacts[suffix]) as runner:
        with pytest.raises(InputError, match="takes 1 input"):
            runner.infer([example, example])
        with pytest.raises(InputError, match=r"has shape \(1, 3, 9, 8\)"):
            runner.infer([np.zeros((1, 3, 9, 8), np.float32)])


@pytest.mark.parametrize("suffix", list(EXPECTED))
def test_bad_files_are_model_file_errors(tmp_path, suffix):
    empty = tmp_path / f"empty.{suffix}"
    empty.write_bytes(b"")
    with pytest.raises(ModelFileError, match="is empty"):
        open_runner(empty)
    garbage = tmp_path / f"garbage.{suffix}"
    garbage.write_bytes(b"this is not a model" * 10)
    with pytest.raises(ModelFileError, match="garbage"):
        open_runner(garbage)
    with pytest.raises(ModelFileError, match="does not exist"):
        open_runner(tmp_path / f"absent.{suffix}")


def test_eager_runner_wraps_a_module(tiny, example):
    from studio.model.inputs import InputSpec

    runner = EagerRunner.from_module(tiny, InputSpec.single(SHAPE))
    assert runner.inputs[0].shape == SHAPE
    with torch.no_grad():
        np.testing.assert_array_equal(
            runner.infer([example])[0], tiny(torch.from_numpy(example)).numpy()
        )
    with pytest.raises(InputError):
        runner.infer([np.zeros((2, 3, 8, 8), np.float32)])
