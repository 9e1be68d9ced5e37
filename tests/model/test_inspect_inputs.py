"""``inspect --input NAME:SHAPE:DTYPE``: the description (text and --json) is computed on the
inputs given; without them a text model's inputs are guessed from its forward and embeddings."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from studio.cli import main

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from text_models import LENGTH, VOCABULARY, save_text_encoder  # noqa: E402

ARCH = f"{TESTS / 'text_models.py'}:TextEncoder"


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    return save_text_encoder(tmp_path_factory.mktemp("text") / "encoder.safetensors")


def _inspect(capsys, *args) -> tuple[int, str, str]:
    code = main(["inspect", *args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_the_description_uses_the_inputs_given(capsys, weights):
    code, out, _ = _inspect(
        capsys, str(weights), "--arch", ARCH, "--trust",
        "--input", "ids:2,8:int64", "--input", "mask:2,8:int64", "--json",
    )  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    assert [(t["name"], t["shape"], t["dtype"]) for t in doc["inputs"]] == [
        ("ids", [2, 8], "int64"),
        ("mask", [2, 8], "int64"),
    ]
    assert doc["inputs"][0]["high"] == VOCABULARY  # token ids below the vocabulary
    shapes = {t["name"]: t["shape"] for t in doc["outputs"]}
    assert shapes == {"output.last_hidden_state": [2, 8, 16], "output.pooled": [2, 16]}
    assert doc["flops"] and doc["parameters"] == 3552

    code, text, _ = _inspect(
        capsys, str(weights), "--arch", ARCH, "--trust",
        "--input", "2,8:int64", "--input", "2,8:int64",
    )  # fmt: skip
    assert code == 0
    assert "ids: [2, 8] int64" in text and "mask: [2, 8] int64" in text  # named after forward
    assert "output.pooled: [2, 16] float32" in text


def test_without_inputs_a_text_model_has_them_guessed_and_said(capsys, weights):
    code, out, _ = _inspect(capsys, str(weights), "--arch", ARCH, "--trust", "--json")
    assert code == 0
    doc = json.loads(out)
    assert [(t["name"], t["shape"], t["dtype"]) for t in doc["inputs"]] == [
        ("ids", [1, LENGTH], "int64"),
        ("mask", [1, LENGTH], "int64"),
    ]
    assert any("guessed from the model's forward" in n for n in doc["notes"])
    assert {t["name"] for t in doc["outputs"]} == {"output.last_hidden_state", "output.pooled"}


def test_inputs_that_do_not_fit_are_refused_in_one_line(capsys, weights):
    code, _, err = _inspect(
        capsys, str(weights), "--arch", ARCH, "--trust", "--input", "ids:1,8:int64"
    )
    assert code == 2
    assert "takes 2 inputs (ids, mask)" in err
    code, _, err = _inspect(
        capsys, str(weights), "--arch", ARCH, "--trust", "--input", "ids:1,8:complex"
    )
    assert code == 2 and "unknown dtype 'complex'" in err
    code, _, err = _inspect(
        capsys, str(weights), "--input-shape", "1,8", "--input", "ids:1,8:int64"
    )
    assert code == 2 and "give one of them" in err
