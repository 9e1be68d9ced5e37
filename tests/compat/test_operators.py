"""Reading operators and format versions out of real artifacts, and refusing bad files."""

from __future__ import annotations

import pytest
import torch

from studio.compat import read_operators
from studio.compat.operators import DELEGATED, ONNX, ORT, PT, PTE, PTL
from studio.errors import ModelFileError

# These tests share real converted models built once per session (tens of seconds).
pytestmark = pytest.mark.slow


def conv_modules(module: torch.nn.Module) -> int:
    return sum(isinstance(m, torch.nn.Conv2d) for m in module.modules())


def counts(ops) -> dict[str, int]:
    return {op.name: op.count for op in ops.operators}


def test_ptl_operators_and_bytecode_version(model):
    ops = read_operators(model.ptl)
    assert ops.kind == PTL
    assert ops.bytecode_version == torch.jit.mobile._get_model_bytecode_version(str(model.ptl))
    assert "forward" in ops.methods
    # the runtime's own list of root operators is exactly what we report
    exported = torch.jit.mobile._export_operator_list(
        torch.jit.mobile._load_for_lite_interpreter(str(model.ptl))
    )
    assert {op.name for op in ops.operators} == set(exported)
    assert ops.contained_types == sorted(
        torch.jit.mobile._get_mobile_model_contained_types(str(model.ptl))
    )
    assert counts(ops)["aten::conv2d"] == conv_modules(model.module)


def test_pte_delegated_and_portable_nodes(model):
    ops = read_operators(model.pte)
    assert ops.kind == PTE
    assert ops.delegates == ["XnnpackBackend"]
    delegated = {op.name: op.count for op in ops.operators if op.kind == DELEGATED}
    assert all(op.domain == "XnnpackBackend" for op in ops.operators if op.kind == DELEGATED)
    convs = delegated.get("XnnpackBackend:Conv2d", 0) + delegated.get(
        "XnnpackBackend:DepthwiseConv2d", 0
    )
    assert convs == conv_modules(model.module)
    assert ops.methods == ["forward"]


def test_portable_pte_runs_kernels_only(portable_pte):
    ops = read_operators(portable_pte)
    assert ops.delegates == []
    names = counts(ops)
    assert names["aten::convolution.out"] == 1
    assert names["aten::cos.out"] == 1
    assert all(op.kind != DELEGATED for op in ops.operators)


def test_onnx_operators_and_opset(model):
    ops = read_operators(model.onnx)
    assert ops.kind == ONNX
    assert ops.opsets["ai.onnx"] == 17
    assert counts(ops)["Conv"] == conv_modules(model.module)
    assert sum(op.count for op in ops.operators) == len(ops.graph.node)
    assert all(op.since_version and op.since_version <= 17 for op in ops.operators)


def test_ort_operators(mobilenet_ort):
    ops = read_operators(mobilenet_ort)
    assert ops.kind == ORT
    assert ops.opsets["ai.onnx"] == 17
    assert sum(op.count for op in ops.operators) == len(ops.graph.node)
    # the ORT optimizer fuses convolutions with their activations
    assert {"Conv", "com.microsoft:FusedConv"} & set(counts(ops))


def test_full_torchscript_operators(torchscript_pt):
    ops = read_operators(torchscript_pt)
    assert ops.kind == PT
    names = counts(ops)
    assert names["aten::cos"] == 1
    assert names["aten::conv2d"] == 1
    assert not any(name.startswith("prim::") for name in names)


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("empty.ptl", b"", "is empty"),
        ("noise.onnx", b"\x08\x07garbage-that-is-not-a-model" * 3, "not a readable ONNX model"),
        ("noise.bin", b"hello, this is text", "not a model artifact"),
        ("broken.ptl", b"PK\x03\x04 truncated zip", "damaged archive"),
    ],
)
def test_unreadable_files_are_reported(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=message):
        read_operators(path)


def test_truncated_pte_is_reported(resnet18, tmp_path):
    path = tmp_path / "cut.pte"
    path.write_bytes(resnet18.pte.read_bytes()[:2000])
    with pytest.raises(ModelFileError, match="not a readable ExecuTorch program"):
        read_operators(path)


def test_checkpoint_is_not_an_artifact(tmp_path):
    path = tmp_path / "weights.pt"
    torch.save(torch.nn.Linear(2, 2).state_dict(), path)
    with pytest.raises(ModelFileError, match="checkpoint, not a converted model"):
        read_operators(path)


def test_missing_file_and_folder(tmp_path):
    with pytest.raises(ModelFileError, match="does not exist"):
        read_operators(tmp_path / "nope.pte")
    with pytest.raises(ModelFileError, match="is a folder"):
        read_operators(tmp_path)


def test_flatbuffer_lite_layout_is_refused_clearly(tmp_path):
    import warnings

    path = tmp_path / "flat.ptl"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.script(torch.nn.Linear(2, 2))._save_for_lite_interpreter(
            str(path), _use_flatbuffer=True
        )
    with pytest.raises(ModelFileError, match="flatbuffer layout"):
        read_operators(path)
