"""A converted file's tensors name their dtype (float32), in the description and in inspect."""

from __future__ import annotations

import json
import subprocess
import sys

from studio.model import load_model
from studio.model.describe import describe


def test_a_pte_tensor_dtype_is_a_name_not_a_code(pte_file):
    desc = describe(load_model(pte_file))
    assert [t["dtype"] for t in desc.inputs] == ["float32"]
    assert [t["dtype"] for t in desc.outputs] == ["float32"]


def test_inspect_prints_the_pte_dtype_by_name(pte_file):
    out = subprocess.run(
        [sys.executable, "-m", "studio", "inspect", str(pte_file), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    doc = json.loads(out.stdout)
    assert doc["inputs"][0]["dtype"] == "float32", doc["inputs"]
