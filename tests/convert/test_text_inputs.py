"""Text models: several named integer inputs given on the command line, token ids within the
vocabulary, verification data with an array per input, and outputs returned as a dict."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.cli import main
from studio.convert.capture import capture_torchscript
from studio.errors import InputError
from studio.model.inputs import InputSpec, TensorSpec, load_samples, parse_input, random_inputs

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from text_models import LENGTH, VOCABULARY, TextEncoder, save_text_encoder  # noqa: E402

ARCH = f"{TESTS / 'text_models.py'}:TextEncoder"
SHAPE = f"1,{LENGTH}"


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    return save_text_encoder(tmp_path_factory.mktemp("text") / "encoder.safetensors")


def _convert(capsys, *args) -> tuple[int, dict | None, str]:
    code = main(["convert", *args, "--json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else None), captured.err


def test_parse_input_reads_name_shape_and_dtype():
    assert parse_input("ids:1,128:int64") == TensorSpec("ids", (1, 128), "int64")
    assert parse_input("1,128:int32", 1) == TensorSpec("input1", (1, 128), "int32")
    assert parse_input("x:1,3,8,8") == TensorSpec("x", (1, 3, 8, 8), "float32")
    with pytest.raises(InputError, match="unknown dtype 'int128'"):
        parse_input("ids:1,128:int128")


def test_random_integer_inputs_are_token_ids_and_masks():
    spec = InputSpec(
        (
            TensorSpec("ids", (4, 64), "int64", high=1000),
            TensorSpec("attention_mask", (4, 64), "int64"),
        )
    )
    ids, mask = random_inputs(spec, 1).inputs[0]
    assert ids.max() >= 500 and ids.max() < 1000  # the whole vocabulary, not 0 to 9
    assert set(np.unique(mask)) == {0, 1}
    assert np.all(mask[:, 0] == 1)


@pytest.mark.slow
def test_a_text_encoder_converts_to_every_target_from_the_command_line(weights, tmp_path, capsys):
    code, report, err = _convert(
        capsys,
        str(weights),
        "--arch", ARCH,
        "--trust",
        "--input", f"ids:{SHAPE}:int64",
        "--input", f"mask:{SHAPE}:int64",
        "--target", "pt,ptl,pte,onnx",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip

    assert code == 0, err
    assert {a["target"]: a["verification"]["verdict"] for a in report["artifacts"]} == {
        "pt": "pass", "ptl": "pass", "pte": "pass", "onnx": "pass",
    }  # fmt: skip
    assert [t["high"] for t in report["input_spec"]["tensors"] if t["name"] == "ids"] == [
        VOCABULARY
    ]
    notes = " ".join(report["notes"])
    assert "ignored the key embeddings.position_ids" in notes
    pt = next(a for a in report["artifacts"] if a["target"] == "pt")
    assert "its outputs in order: last_hidden_state, pooled" in " ".join(pt["notes"])


def test_a_wrong_dtype_is_reported_as_a_wrong_dtype(weights, tmp_path, capsys):
    code, _, err = _convert(
        capsys,
        str(weights),
        "--arch", ARCH,
        "--trust",
        "--input", f"ids:{SHAPE}",
        "--input", f"mask:{SHAPE}:int64",
        "--target", "pt",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip

    assert code == 2
    assert "the input 'ids' is float32, but the model takes int64 there" in err
    assert "shape" not in err.splitlines()[0]


def test_a_two_input_model_without_inputs_names_them(weights, tmp_path, capsys):
    code, _, err = _convert(
        capsys, str(weights), "--arch", ARCH, "--trust", "--target", "pt",
        "--out", str(tmp_path / "out"),
    )  # fmt: skip

    assert code == 2
    assert "the model takes 2 inputs (ids, mask)" in err


def _spec():
    return InputSpec(
        (TensorSpec("ids", (1, LENGTH), "int64"), TensorSpec("mask", (1, LENGTH), "int64"))
    )


def test_verification_data_in_an_npz_feeds_every_input(tmp_path):
    ids = np.arange(3 * LENGTH).reshape(3, LENGTH) % VOCABULARY
    mask = np.ones((3, LENGTH), dtype=np.int64)
    np.savez(tmp_path / "tokens.npz", mask=mask, ids=ids)

    samples = load_samples(tmp_path / "tokens.npz", _spec(), count=10)

    assert len(samples) == 3
    assert [a.shape for a in samples.inputs[1]] == [(1, LENGTH), (1, LENGTH)]
    assert np.array_equal(samples.inputs[1][0][0], ids[1])
    assert samples.inputs[1][0].dtype == np.int64


def test_a_folder_of_npz_files_and_one_file_per_input(tmp_path):
    ids = np.zeros((2, LENGTH), dtype=np.int64)
    (tmp_path / "npz").mkdir()
    for i in range(2):
        np.savez(tmp_path / "npz" / f"s{i}.npz", ids=ids, mask=ids + 1)
    (tmp_path / "per-input").mkdir()
    np.save(tmp_path / "per-input" / "ids.npy", ids)
    np.save(tmp_path / "per-input" / "mask.npy", ids + 1)

    assert len(load_samples(tmp_path / "npz", _spec(), count=10)) == 4
    per_input = load_samples(tmp_path / "per-input", _spec(), count=10)
    assert len(per_input) == 2 and np.all(per_input.inputs[0][1] == 1)


def test_an_npz_without_an_input_names_it(tmp_path):
    np.savez(tmp_path / "tokens.npz", ids=np.zeros((1, LENGTH), dtype=np.int64))

    with pytest.raises(InputError, match="tokens.npz has no array for the input 'mask'"):
        load_samples(tmp_path / "tokens.npz", _spec(), count=1)


def test_a_single_tensor_file_for_two_inputs_is_refused(tmp_path):
    np.save(tmp_path / "ids.npy", np.zeros((1, LENGTH), dtype=np.int64))

    with pytest.raises(InputError, match=r"the model takes 2 inputs \(ids, mask\)"):
        load_samples(tmp_path / "ids.npy", _spec(), count=1)


def test_tracing_a_model_that_returns_a_dict_gives_its_outputs_in_order():
    torch.manual_seed(0)
    model = TextEncoder().eval()
    example = (torch.randint(0, VOCABULARY, (1, LENGTH)), torch.ones(1, LENGTH, dtype=torch.long))

    captured = capture_torchscript(model, example, "trace")

    assert captured.outputs == ["last_hidden_state", "pooled"]
    expected = model(*example)
    traced = captured.graph(*example)
    assert isinstance(traced, tuple)
    assert torch.allclose(traced[0], expected["last_hidden_state"])
    assert torch.allclose(traced[1], expected["pooled"])
