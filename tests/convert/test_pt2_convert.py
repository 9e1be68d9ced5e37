"""Converting ``torch.export`` files (``.pt2``): the program in the file is lowered to pte
and exported to ONNX as it is; pt and ptl trace the program's module."""

from __future__ import annotations

import json

import pytest
import torch

from studio.cli import main


class SmallCnn(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 8, 3, padding=1)
        self.norm = torch.nn.BatchNorm2d(8)
        self.head = torch.nn.Linear(8, 5)

    def forward(self, x):
        return self.head(torch.relu(self.norm(self.conv(x))).mean(dim=(2, 3)))


class SmallEncoder(torch.nn.Module):
    """Token ids and an attention mask (both int64) in, one vector per sequence out."""

    def __init__(self, vocabulary: int = 32, width: int = 16):
        super().__init__()
        self.embedding = torch.nn.Embedding(vocabulary, width)
        self.layer = torch.nn.TransformerEncoderLayer(
            width, 2, 2 * width, dropout=0.0, batch_first=True
        )
        self.head = torch.nn.Linear(width, 4)

    def forward(self, ids, mask):
        hidden = self.layer(self.embedding(ids) * mask.unsqueeze(-1).float())
        return self.head(hidden.mean(dim=1))


def _save_export(module: torch.nn.Module, example: tuple, path):
    torch.manual_seed(0)
    program = torch.export.export(module.eval(), example)
    torch.export.save(program, path)
    return path


@pytest.fixture(scope="module")
def cnn_pt2(tmp_path_factory):
    torch.manual_seed(0)
    model = SmallCnn()
    with torch.no_grad():  # running statistics that are not the identity
        model.norm.running_mean.uniform_(-0.5, 0.5)
        model.norm.running_var.uniform_(0.5, 2.0)
    path = tmp_path_factory.mktemp("pt2") / "cnn.pt2"
    return _save_export(model, (torch.randn(1, 3, 32, 32),), path)


@pytest.fixture(scope="module")
def encoder_pt2(tmp_path_factory):
    torch.manual_seed(0)
    example = (torch.randint(0, 32, (1, 8)), torch.ones(1, 8, dtype=torch.int64))
    path = tmp_path_factory.mktemp("pt2") / "encoder.pt2"
    return _save_export(SmallEncoder(), example, path)


def _convert(capsys, *args) -> tuple[int, dict]:
    code = main(["convert", *map(str, args), "--verify-samples", "8", "--json"])
    out = capsys.readouterr().out
    return code, (json.loads(out) if code == 0 else {})


def _artifacts(doc: dict) -> dict[str, dict]:
    return {a["target"]: a for a in doc["artifacts"]}


@pytest.mark.slow
def test_pt2_converts_to_every_target_and_verifies(cnn_pt2, tmp_path, capsys):
    code, doc = _convert(capsys, cnn_pt2, "--target", "pt,ptl,onnx,pte", "--out", tmp_path)
    assert code == 0
    artifacts = _artifacts(doc)
    assert {t: a["verification"]["verdict"] for t, a in artifacts.items()} == dict.fromkeys(
        ("pt", "ptl", "onnx", "pte"), "pass"
    )
    # pte and onnx take the program in the file; no second capture
    assert artifacts["pte"]["capture"] == artifacts["onnx"]["capture"] == "exported program"
    assert artifacts["pt"]["capture"] == artifacts["ptl"]["capture"] == "trace"
    assert any("cannot be scripted" in note for note in artifacts["pt"]["notes"])


@pytest.mark.slow
def test_pt2_static_int8_calibrates_the_programs_module(cnn_pt2, tmp_path, capsys):
    code, doc = _convert(
        capsys,
        cnn_pt2,
        "--target",
        "pte,onnx",
        "--quantize",
        "static",
        "--calibration",
        "random",
        "--out",
        tmp_path,
    )
    assert code == 0
    artifacts = _artifacts(doc)
    assert {t: a["verification"]["verdict"] for t, a in artifacts.items()} == {
        "pte": "pass",
        "onnx": "pass",
    }
    assert {a["quantize"] for a in artifacts.values()} == {"static"}
    assert doc["calibration"]["samples"] > 0


@pytest.mark.slow
def test_pt2_with_two_int64_inputs_converts_to_pte_and_onnx(encoder_pt2, tmp_path, capsys):
    code, doc = _convert(capsys, encoder_pt2, "--target", "pte,onnx", "--out", tmp_path)
    assert code == 0
    assert [t["dtype"] for t in doc["input_spec"]["tensors"]] == ["int64", "int64"]
    artifacts = _artifacts(doc)
    assert {t: a["verification"]["verdict"] for t, a in artifacts.items()} == {
        "pte": "pass",
        "onnx": "pass",
    }


def test_pt2_refuses_scripting_in_plain_words(cnn_pt2, tmp_path, capsys):
    code = main(["convert", str(cnn_pt2), "--target", "pt", "--capture", "script"])
    assert code == 2
    assert "cannot be scripted" in capsys.readouterr().err


def test_pt2_of_a_fixed_batch_refuses_a_dynamic_batch(cnn_pt2, tmp_path, capsys):
    code = main(
        ["convert", str(cnn_pt2), "--target", "onnx", "--dynamic-batch", "--out", str(tmp_path)]
    )
    assert code == 2
    assert "fixed batch size" in capsys.readouterr().err
    assert not list(tmp_path.glob("*.onnx"))
