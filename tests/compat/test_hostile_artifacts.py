"""``model-studio check`` on damaged artifacts: a plain error and exit code 2, never an
internal error (exit code 4)."""

from __future__ import annotations

import io
import warnings
import zipfile

import pytest

from studio.cli import main
from studio.errors import EXIT_BAD_INPUT


def tiny_onnx(path, reads: str = "x"):
    """A one-node ONNX model (Relu) whose node reads ``reads``."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [helper.make_node("Relu", [reads], ["y"], name="relu")],
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path


def tiny_ort(tmp_path):
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.optimized_model_filepath = str(tmp_path / "tiny.ort")
    options.add_session_config_entry("session.save_model_format", "ORT")
    onnxruntime.InferenceSession(str(tiny_onnx(tmp_path / "tiny.onnx")), options)
    return tmp_path / "tiny.ort"


def tiny_torchscript(tmp_path, lite: bool):
    import torch

    module = torch.jit.script(torch.nn.Sequential(torch.nn.Linear(4, 2), torch.nn.ReLU()))
    path = tmp_path / ("tiny.ptl" if lite else "tiny.pt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        module._save_for_lite_interpreter(str(path)) if lite else module.save(str(path))
    return path


def check_exit(capsys, path) -> tuple[int, str]:
    code = main(["check", str(path), "--json"])
    err = capsys.readouterr().err
    assert "internal error" not in err
    return code, err


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.02])
def test_a_truncated_ort_file_is_bad_input(tmp_path, capsys, keep):
    path = tiny_ort(tmp_path)
    data = path.read_bytes()
    path.write_bytes(data[: max(12, int(len(data) * keep))])
    code, err = check_exit(capsys, path)
    assert code == EXIT_BAD_INPUT and "not a readable ONNX Runtime (.ort) model" in err


def test_an_ort_file_with_a_negative_count_is_bad_input(tmp_path, capsys):
    path = tiny_ort(tmp_path)
    data = bytearray(path.read_bytes())
    data[8:] = b"\xff" * (len(data) - 8)  # every offset and count past the identifier forged
    path.write_bytes(bytes(data))
    code, err = check_exit(capsys, path)
    assert code == EXIT_BAD_INPUT


def test_an_onnx_graph_reading_values_nothing_produces_is_bad_input(tmp_path, capsys):
    path = tiny_onnx(tmp_path / "broken.onnx", reads="nowhere")
    code, err = check_exit(capsys, path)
    assert code == EXIT_BAD_INPUT and "reads values that nothing produces (nowhere)" in err


def test_an_onnx_name_that_is_not_text_is_bad_input(tmp_path, capsys):
    path = tiny_onnx(tmp_path / "names.onnx", reads="x")
    data = path.read_bytes()
    path.write_bytes(data.replace(b"relu", b"\xff\xfe\xfd\xfc"))  # invalid UTF-8, same length
    code, err = check_exit(capsys, path)
    assert code == EXIT_BAD_INPUT and "not text" in err


def _rename_members_invalid_utf8(path):
    """Rewrite a zip so that its member names are flagged UTF-8 but are not."""
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            target.writestr(name.replace("/", "é/", 1), source.read(name))
    path.write_bytes(out.getvalue().replace("é".encode(), b"\xff\xa9"))


@pytest.mark.parametrize("lite", [True, False], ids=["ptl", "pt"])
def test_archive_member_names_that_are_not_text_are_bad_input(tmp_path, capsys, lite):
    path = tiny_torchscript(tmp_path, lite)
    _rename_members_invalid_utf8(path)
    code, err = check_exit(capsys, path)
    assert code == EXIT_BAD_INPUT and "damaged archive" in err


@pytest.mark.parametrize("lite", [True, False], ids=["ptl", "pt"])
@pytest.mark.parametrize("keep", [0.3, 0.8])
def test_truncated_torchscript_files_are_bad_input(tmp_path, capsys, lite, keep):
    path = tiny_torchscript(tmp_path, lite)
    data = path.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    code, _ = check_exit(capsys, path)
    assert code == EXIT_BAD_INPUT


def test_a_lite_bytecode_member_with_an_unknown_compression_is_bad_input(tmp_path, capsys):
    path = tiny_torchscript(tmp_path, lite=True)
    source = zipfile.ZipFile(path)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:  # names without extra fields: fixed offsets
        for name in source.namelist():
            target.writestr(name, source.read(name))
    raw = bytearray(out.getvalue())
    name = next(n for n in source.namelist() if n.endswith("bytecode.pkl")).encode()
    # the local and central headers of bytecode.pkl: compression method 99 (unknown)
    local = raw.index(name) - 30
    raw[local + 8 : local + 10] = (99).to_bytes(2, "little")
    central = raw.index(name, local + 30 + len(name)) - 46
    raw[central + 10 : central + 12] = (99).to_bytes(2, "little")
    path.write_bytes(bytes(raw))
    code, err = check_exit(capsys, path)
    assert code == EXIT_BAD_INPUT and "not a readable PyTorch Lite model" in err
