"""Small real artifacts for the runner tests, written with the toolchains' own APIs."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pytest
import torch

SHAPE = (1, 3, 8, 8)


@pytest.fixture(scope="session")
def tiny() -> torch.nn.Module:
    torch.manual_seed(0)
    return torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3, padding=1),
        torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(1),
        torch.nn.Flatten(),
        torch.nn.Linear(4, 5),
    ).eval()


@pytest.fixture(scope="session")
def example() -> np.ndarray:
    return np.random.default_rng(0).standard_normal(SHAPE).astype(np.float32)


@pytest.fixture(scope="session")
def artifacts(tmp_path_factory, tiny) -> dict[str, Path]:
    import onnxruntime as ort
    from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner
    from executorch.exir import to_edge_transform_and_lower

    folder = tmp_path_factory.mktemp("runner-artifacts")
    x = torch.randn(SHAPE)
    paths = {name: folder / f"tiny.{name}" for name in ("pt", "ptl", "pte", "onnx", "ort")}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        scripted = torch.jit.script(tiny)
        scripted.save(str(paths["pt"]))
        scripted._save_for_lite_interpreter(str(paths["ptl"]))
        program = to_edge_transform_and_lower(
            torch.export.export(tiny, (x,)), partitioner=[XnnpackPartitioner()]
        ).to_executorch()
        paths["pte"].write_bytes(program.buffer)
        torch.onnx.export(
            tiny,
            (x,),
            str(paths["onnx"]),
            dynamo=False,
            opset_version=17,
            input_names=["image"],
            output_names=["logits"],
        )
    options = ort.SessionOptions()
    options.optimized_model_filepath = str(paths["ort"])
    options.add_session_config_entry("session.save_model_format", "ORT")
    ort.InferenceSession(str(paths["onnx"]), options, providers=["CPUExecutionProvider"])
    return paths
