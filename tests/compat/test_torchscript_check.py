"""``check`` of a full TorchScript ``.pt``: read even when it calls torchvision's operators,
and judged by the runtime that reads ``.pt`` files (pytorch_android), not by PyTorch Lite."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings

import pytest
import torch
import torchvision

from studio.cli import main
from studio.compat import check, load_profile, read_operators
from studio.compat.report import FAIL, MISSING, READY, SUPPORTED
from studio.compat.runtimes import runtimes_to_check


class NmsNet(torch.nn.Module):
    """Boxes in, the boxes that survive non-maximum suppression out."""

    def forward(self, boxes: torch.Tensor, scores: torch.Tensor) -> torch.Tensor:
        return boxes[torchvision.ops.nms(boxes, scores, 0.5)]


@pytest.fixture(scope="module")
def nms_pt(tmp_path_factory):
    path = tmp_path_factory.mktemp("nms") / "nms.pt"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        torch.jit.script(NmsNet()).save(str(path))
    return path


@pytest.mark.slow
def test_a_pt_calling_torchvision_operators_is_read_by_a_fresh_process(nms_pt):
    # a new process: this one imported torchvision already, which registers its operators
    result = subprocess.run(
        [sys.executable, "-m", "studio", "check", str(nms_pt), "--json"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 1, result.stderr
    (runtime,) = json.loads(result.stdout)["runtimes"]
    assert runtime["unsupported"] == ["torchvision::nms"]


def test_a_pt_calling_torchvision_operators_is_read(nms_pt):
    names = {op.name for op in read_operators(nms_pt).operators}
    assert "torchvision::nms" in names
    assert "aten::index.Tensor" in names


def test_torchvision_operators_are_missing_on_pytorch_android(nms_pt):
    report = check(nms_pt, [load_profile("pytorch-android")])
    verdict = report.runtime("pytorch-android")
    assert verdict.verdict == FAIL
    assert verdict.unsupported == ["torchvision::nms"]
    status = {row.name: row.status["pytorch-android"] for row in report.operators}
    assert status["torchvision::nms"] == MISSING
    assert status["aten::index.Tensor"] == SUPPORTED


def test_a_pt_is_checked_against_the_runtime_that_reads_pt_files():
    assert [p.name for p in runtimes_to_check("pt")] == ["pytorch-android"]


def test_check_of_a_plain_pt_is_ready_and_exits_0(torchscript_pt, capsys):
    code = main(["check", str(torchscript_pt), "--json"])
    doc = json.loads(capsys.readouterr().out)
    assert code == 0
    assert [(r["name"], r["verdict"]) for r in doc["runtimes"]] == [("pytorch-android", READY)]
