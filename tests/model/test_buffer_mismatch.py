"""Weights that differ from the architecture only by buffers load, and say which keys were
ignored; missing or extra parameters are still refused."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import torch

from studio.errors import ArchitectureError
from studio.model import load_model
from studio.model.loader import _load_weights

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
from text_models import TextEncoder, save_text_encoder  # noqa: E402

ARCH = f"{TESTS / 'text_models.py'}:TextEncoder"


def test_a_checkpoint_with_a_buffer_the_architecture_does_not_save_loads(tmp_path):
    path = save_text_encoder(tmp_path / "encoder.safetensors")

    model = load_model(path, arch=ARCH, trust=True)

    assert model.module is not None
    note = next(n for n in model.notes if "embeddings.position_ids" in n)
    assert note.startswith("ignored the key embeddings.position_ids")
    torch.manual_seed(0)
    expected = TextEncoder().state_dict()
    for key, value in model.module.state_dict().items():
        assert torch.equal(value, expected[key]), key


class NoPositionBuffer(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.embedding = torch.nn.Embedding(10, 4)


def test_an_integer_key_the_architecture_does_not_register_is_ignored():
    module = NoPositionBuffer()
    state = {**module.state_dict(), "position_ids": torch.arange(8)[None]}

    notes = _load_weights(module, state, "NoPositionBuffer", "weights.pt")

    assert notes == [
        "ignored the key position_ids in weights.pt: NoPositionBuffer does not load it "
        "(buffers it computes itself, not learned weights)"
    ]


def test_a_floating_point_key_the_architecture_lacks_is_still_refused():
    module = NoPositionBuffer()
    state = {**module.state_dict(), "head.weight": torch.zeros(3, 4)}

    with pytest.raises(ArchitectureError, match=r"1 unexpected \(head\.weight\)"):
        _load_weights(module, state, "NoPositionBuffer", "weights.pt")


def test_a_missing_parameter_is_still_refused():
    module = torch.nn.Sequential(torch.nn.Linear(4, 4), torch.nn.Linear(4, 2))
    state = {k: v for k, v in module.state_dict().items() if k != "1.bias"}

    with pytest.raises(ArchitectureError, match=r"1\.bias"):
        _load_weights(module, state, "Sequential", "weights.pt")


def test_a_missing_counter_buffer_keeps_its_value_but_missing_statistics_are_refused():
    module = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3), torch.nn.BatchNorm2d(2))
    full = {k: v.clone() for k, v in module.state_dict().items()}
    full["1.running_mean"].fill_(0.5)

    without_counter = {k: v for k, v in full.items() if k != "1.num_batches_tracked"}
    notes = _load_weights(module, without_counter, "Net", "weights.pt")
    assert notes == [
        "weights.pt lacks the key 1.num_batches_tracked: kept the values Net gives it "
        "(index buffers, not learned weights)"
    ]
    assert torch.all(module[1].running_mean == 0.5)

    without_statistics = {k: v for k, v in full.items() if k != "1.running_mean"}
    with pytest.raises(ArchitectureError, match=r"running_mean"):
        _load_weights(module, without_statistics, "Net", "weights.pt")
