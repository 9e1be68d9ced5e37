"""Model files of every format the studio opens, made once per test session from real models."""

from __future__ import annotations

import textwrap
import warnings

import pytest
import torch
import torchvision


def _mbv3():
    torch.manual_seed(0)
    return torchvision.models.mobilenet_v3_small(weights=None).eval()


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("models")


@pytest.fixture(scope="session")
def resnet18_state(model_dir):
    torch.manual_seed(0)
    path = model_dir / "resnet18.pth"
    torch.save(torchvision.models.resnet18(weights=None).state_dict(), path)
    return path


@pytest.fixture(scope="session")
def mbv3_state(model_dir):
    path = model_dir / "mobilenet_v3_small.pt"
    torch.save(_mbv3().state_dict(), path)
    return path


@pytest.fixture(scope="session")
def lightning_ckpt(model_dir):
    """A Lightning-style training checkpoint: weights under state_dict, keys prefixed model."""
    state = {f"model.{k}": v for k, v in _mbv3().state_dict().items()}
    path = model_dir / "epoch=3-step=400.ckpt"
    torch.save({"epoch": 3, "global_step": 400, "state_dict": state, "optimizer_states": []}, path)
    return path


@pytest.fixture(scope="session")
def safetensors_file(model_dir):
    from safetensors.torch import save_file

    torch.manual_seed(0)
    model = torchvision.models.resnet18(weights=None, num_classes=10)
    path = model_dir / "resnet18-10.safetensors"
    save_file({k: v.contiguous() for k, v in model.state_dict().items()}, str(path))
    return path


@pytest.fixture(scope="session")
def torchscript_file(model_dir):
    path = model_dir / "mbv3.torchscript.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.script(_mbv3()).save(str(path))
    return path


@pytest.fixture(scope="session")
def ptl_file(model_dir):
    path = model_dir / "mbv3.ptl"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.script(_mbv3())._save_for_lite_interpreter(str(path))
    return path


@pytest.fixture(scope="session")
def exported_program_file(model_dir):
    path = model_dir / "mbv3.pt2"
    program = torch.export.export(_mbv3(), (torch.randn(1, 3, 96, 96),))
    torch.export.save(program, str(path))
    return path


@pytest.fixture(scope="session")
def onnx_file(model_dir):
    path = model_dir / "mbv3.onnx"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.onnx.export(
            _mbv3(), (torch.randn(1, 3, 96, 96),), str(path), dynamo=False, input_names=["image"]
        )
    return path


@pytest.fixture(scope="session")
def pte_file(model_dir):
    from executorch.exir import to_edge_transform_and_lower

    path = model_dir / "tiny.pte"
    model = torch.nn.Sequential(
        torch.nn.Conv2d(3, 4, 3), torch.nn.ReLU(), torch.nn.Flatten(), torch.nn.Linear(4 * 6 * 6, 5)
    ).eval()
    program = to_edge_transform_and_lower(
        torch.export.export(model, (torch.randn(1, 3, 8, 8),))
    ).to_executorch()
    path.write_bytes(program.buffer)
    return path


@pytest.fixture(scope="session")
def thirdparty_package(tmp_path_factory):
    """A package the studio knows nothing about, with a factory classmethod, on sys.path."""
    root = tmp_path_factory.mktemp("site")
    pkg = root / "acme_nets"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("")
    (pkg / "nets.py").write_text(
        textwrap.dedent(
            """
            import torch
            from torch import nn

            WIDTHS = {"lite0": 8, "lite1": 16}

            class TinyNet(nn.Module):
                def __init__(self, width, num_classes=5):
                    super().__init__()
                    self.stem = nn.Conv2d(3, width, 3, stride=2)
                    self.head = nn.Linear(width, num_classes)

                @classmethod
                def from_name(cls, name, num_classes=5):
                    return cls(WIDTHS[name], num_classes)

                def forward(self, x):
                    return self.head(self.stem(x).mean((2, 3)))
            """
        )
    )
    return root
