"""Real artifacts for the compatibility tests, built once per session from torchvision models
with random weights (small 64x64 inputs keep the conversions quick)."""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest
import torch

SHAPE = (1, 3, 64, 64)
# The runtimes the studio must know by name.
REQUIRED_RUNTIMES = [
    "pytorch-lite-v7",
    "pytorch-lite-v8",
    "executorch-portable",
    "executorch-xnnpack",
    "ort-cpu",
    "ort-nnapi",
    "ort-coreml",
]


@dataclass
class Artifacts:
    module: torch.nn.Module
    ptl: Path
    pte: Path  # lowered to XNNPACK
    onnx: Path


class CosNet(torch.nn.Module):
    """A small model with an operator NNAPI does not take (Cos)."""

    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.head = torch.nn.Linear(8, 4)

    def forward(self, x):
        y = torch.cos(self.conv(x))
        return self.head(torch.relu(y).mean(dim=(2, 3)))


def save_ptl(module: torch.nn.Module, path: Path) -> Path:
    """A .ptl at bytecode version 8 (what torch writes today; the tests rely on it)."""
    import torch.jit.mobile as mobile

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.script(module)._save_for_lite_interpreter(str(path))
        if mobile._get_model_bytecode_version(str(path)) > 8:
            newer = path.with_suffix(".newer.ptl")
            path.rename(newer)
            mobile._backport_for_mobile(str(newer), str(path), 8)
    return path


def save_pte(module: torch.nn.Module, path: Path, xnnpack: bool = True) -> Path:
    from executorch.exir import to_edge, to_edge_transform_and_lower

    program = torch.export.export(module, (torch.randn(SHAPE),))
    if xnnpack:
        from executorch.backends.xnnpack.partition.xnnpack_partitioner import XnnpackPartitioner

        edge = to_edge_transform_and_lower(program, partitioner=[XnnpackPartitioner()])
    else:
        edge = to_edge(program)
    path.write_bytes(edge.to_executorch().buffer)
    return path


def save_onnx(
    module: torch.nn.Module, path: Path, opset: int = 17, dynamic_batch: bool = False
) -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            module,
            (torch.randn(SHAPE),),
            str(path),
            dynamo=False,
            opset_version=opset,
            input_names=["input"],
            dynamic_axes={"input": {0: "batch"}} if dynamic_batch else None,
        )
    return path


def build(name: str, folder: Path) -> Artifacts:
    import torchvision

    torch.manual_seed(0)
    module = getattr(torchvision.models, name)(weights=None).eval()
    return Artifacts(
        module=module,
        ptl=save_ptl(module, folder / f"{name}.ptl"),
        pte=save_pte(module, folder / f"{name}.pte"),
        onnx=save_onnx(module, folder / f"{name}.onnx"),
    )


@pytest.fixture(scope="session")
def required_runtimes() -> list[str]:
    return list(REQUIRED_RUNTIMES)


@pytest.fixture(scope="session")
def shape() -> list[int]:
    """The input shape of the test models."""
    return list(SHAPE)


@pytest.fixture(scope="session")
def resnet18(tmp_path_factory) -> Artifacts:
    return build("resnet18", tmp_path_factory.mktemp("resnet18"))


@pytest.fixture(scope="session")
def mobilenet(tmp_path_factory) -> Artifacts:
    return build("mobilenet_v3_small", tmp_path_factory.mktemp("mobilenet"))


@pytest.fixture(scope="session", params=["resnet18", "mobilenet"])
def model(request) -> Artifacts:
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="session")
def cos_onnx(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    return save_onnx(CosNet().eval(), tmp_path_factory.mktemp("cos") / "cosnet.onnx")


@pytest.fixture(scope="session")
def cos_onnx_dynamic_batch(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    folder = tmp_path_factory.mktemp("cos-dynamic")
    return save_onnx(CosNet().eval(), folder / "cosnet.onnx", dynamic_batch=True)


@pytest.fixture(scope="session")
def portable_pte(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    return save_pte(
        CosNet().eval(), tmp_path_factory.mktemp("portable") / "cosnet.pte", xnnpack=False
    )


@pytest.fixture(scope="session")
def torchscript_pt(tmp_path_factory) -> Path:
    torch.manual_seed(0)
    path = tmp_path_factory.mktemp("pt") / "cosnet.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.script(CosNet().eval()).save(str(path))
    return path


@pytest.fixture(scope="session")
def mobilenet_ort(mobilenet, tmp_path_factory) -> Path:
    import subprocess
    import sys

    out = tmp_path_factory.mktemp("ort")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "onnxruntime.tools.convert_onnx_models_to_ort",
            str(mobilenet.onnx),
            "--output_dir",
            str(out),
            "--optimization_style",
            "Fixed",
        ],
        check=True,
        capture_output=True,
    )
    return out / "mobilenet_v3_small.ort"
