"""The fixes the studio offers, applied to real artifacts and verified by running them."""

from __future__ import annotations

import pytest
import torch

from studio.compat import check, load_profile, read_operators
from studio.compat.fixes import apply_fix, default_output, parse_fix
from studio.compat.profiles import RuntimeProfile
from studio.compat.report import FAIL, READY
from studio.errors import ConversionError, InputError
from studio.progress import CancelToken

# These tests share real converted models built once per session (tens of seconds).
pytestmark = pytest.mark.slow


def test_backport_makes_a_v8_ptl_ready_on_v7(resnet18, tmp_path, shape):
    v7 = load_profile("pytorch-lite-v7")
    assert check(resnet18.ptl, [v7]).runtime("pytorch-lite-v7").verdict == FAIL
    before = resnet18.ptl.read_bytes()
    events = []
    result = apply_fix(resnet18.ptl, "backport", 7, tmp_path / "r18.v7.ptl", [shape], events.append)
    assert result.verdict == "pass" and result.max_abs_error == 0.0
    assert resnet18.ptl.read_bytes() == before  # the original is untouched
    assert torch.jit.mobile._get_model_bytecode_version(str(result.output)) == 7
    backported = read_operators(result.output)
    assert backported.bytecode_version == 7
    assert {op.name for op in backported.operators} == set(
        torch.jit.mobile._get_model_ops_and_info(str(result.output))
    )
    assert check(result.output, [v7]).runtime("pytorch-lite-v7").verdict == READY
    assert [e.fraction for e in events] == [0.0, 0.5, 1.0]


def test_lower_opset_makes_onnx_ready_on_an_older_runtime(resnet18, tmp_path, shape):
    profile = load_profile("ort-cpu").to_dict()
    profile["opsets"]["ai.onnx"] = [7, 13]
    old = RuntimeProfile.from_dict({**profile, "name": "ort-old"})
    result = apply_fix(resnet18.onnx, "opset", 13, tmp_path / "r18.onnx")
    assert result.verdict == "pass"
    assert result.input_shapes == [shape]  # read from the model itself
    assert read_operators(result.output).opsets["ai.onnx"] == 13
    assert check(result.output, [old]).runtime("ort-old").verdict == READY


def test_default_output_is_beside_the_original(tmp_path):
    assert default_output(tmp_path / "m.ptl", "backport", 7) == tmp_path / "m.v7.ptl"
    assert default_output(tmp_path / "m.onnx", "opset", 13) == tmp_path / "m.opset13.onnx"


def test_opset_conversion_that_cannot_be_done_leaves_nothing(mobilenet, tmp_path):
    target = tmp_path / "mnv3.onnx"
    with pytest.raises(ConversionError, match="opset 13"):
        apply_fix(mobilenet.onnx, "opset", 13, target)  # HardSwish exists from opset 14 only
    assert list(tmp_path.iterdir()) == []


def test_ptl_without_a_recorded_shape_needs_one(resnet18, tmp_path):
    target = tmp_path / "r18.v7.ptl"
    target.write_bytes(b"an older good file")
    with pytest.raises(InputError, match="does not record its input shape") as caught:
        apply_fix(resnet18.ptl, "backport", 7, target)
    assert "--input-shape" in caught.value.hint
    assert target.read_bytes() == b"an older good file"  # nothing lost
    assert [p.name for p in tmp_path.iterdir()] == ["r18.v7.ptl"]


def test_wrong_input_shape_is_a_clear_error(resnet18, tmp_path):
    with pytest.raises(InputError, match="did not run on inputs of shape"):
        apply_fix(resnet18.ptl, "backport", 7, tmp_path / "x.ptl", [[1, 5]])
    assert list(tmp_path.iterdir()) == []


def test_backport_limits(resnet18, tmp_path, shape):
    with pytest.raises(ConversionError, match="older than version 4"):
        apply_fix(resnet18.ptl, "backport", 3, tmp_path / "a.ptl", [shape])
    with pytest.raises(ConversionError, match="cannot be moved forward"):
        apply_fix(resnet18.ptl, "backport", 9, tmp_path / "b.ptl", [shape])
    assert list(tmp_path.iterdir()) == []


def test_fix_on_the_wrong_kind_of_file(resnet18, tmp_path):
    with pytest.raises(InputError, match="works on a PyTorch Lite model"):
        apply_fix(resnet18.onnx, "backport", 7)
    with pytest.raises(InputError, match="works on an ONNX model"):
        apply_fix(resnet18.pte, "opset", 13)
    with pytest.raises(InputError, match="must not replace the original"):
        apply_fix(resnet18.onnx, "opset", 13, resnet18.onnx)


def test_cancel_before_work(resnet18, tmp_path):
    from studio.errors import Cancelled

    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        apply_fix(resnet18.onnx, "opset", 13, tmp_path / "c.onnx", cancel=token)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("text", ["backport", "opset=", "opset=abc", "quantize=8", "backport=0"])
def test_parse_fix_rejects(text):
    with pytest.raises(InputError):
        parse_fix(text)


def test_parse_fix():
    assert parse_fix("backport=7") == ("backport", 7)
    assert parse_fix("OPSET=13") == ("opset", 13)
