"""A malicious pickle must not run without --trust."""

from __future__ import annotations

import pickle

import pytest
import torch

from studio.errors import TrustRequired
from studio.model import load_model


class Payload:
    """Unpickling this writes a marker file: the side effect an attacker would want."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (exec, (f"open({self.marker!r}, 'w').write('pwned')",))


@pytest.mark.parametrize("writer", ["torch.save", "pickle.dump"])
def test_malicious_pickle_does_not_run_without_trust(tmp_path, writer):
    marker = tmp_path / "marker.txt"
    path = tmp_path / "model.pth"
    payload = {"state_dict": {"w": torch.zeros(2)}, "extra": Payload(marker)}
    if writer == "torch.save":
        torch.save(payload, path)
    else:
        with path.open("wb") as f:
            pickle.dump(payload, f)
    with pytest.raises(TrustRequired) as err:
        load_model(path)
    assert "builtins.exec" in err.value.message
    assert "--trust" in err.value.hint
    assert not marker.exists()
    # With trust the user explicitly accepted the risk, and the code does run.
    model = load_model(path, trust=True)
    assert marker.read_text() == "pwned"
    assert model.module is None  # a lone tensor "w" fits no architecture
