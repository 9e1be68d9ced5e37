"""bench --verify: the device's outputs judged against the conversion's eager reference.

Real conversions, a real virtual device behind the real adb server, the real agent.
"""

from __future__ import annotations

import csv
import json
import shutil

import numpy as np
import pytest
import torch

from studio.cli import main
from studio.convert.reference_store import REFERENCE_NAME, load_reference
from studio.errors import EXIT_BAD_INPUT, EXIT_OK, EXIT_VERDICT


class OtherDigits(torch.nn.Module):
    """Another model with the sample's input shape (1, 1, 32, 32) and ten outputs."""

    def __init__(self):
        super().__init__()
        self.pool = torch.nn.AdaptiveAvgPool2d(4)
        self.fc = torch.nn.Linear(16, 10)

    def forward(self, x):
        return self.fc(self.pool(x).flatten(1))


@pytest.fixture(scope="module")
def phone(adb_server, tmp_path_factory):
    from studio.devices.virtual import VirtualDevice

    device = VirtualDevice(adb_server=adb_server, sandbox=tmp_path_factory.mktemp("phone"))
    device.start()
    yield device
    device.stop()


@pytest.fixture(scope="module")
def sample_pte(sample_artifacts):
    [pte] = [a.path for a in sample_artifacts.artifacts if a.target == "pte"]
    return pte


@pytest.fixture(scope="module")
def other_pte(tmp_path_factory):
    from studio.convert import Recipe, convert
    from studio.convert.recipe import OutputSettings, VerifySettings
    from studio.model.inputs import InputSpec

    torch.manual_seed(0)
    recipe = Recipe(
        targets=["pte"],
        input=InputSpec.single((1, 1, 32, 32)),
        output=OutputSettings(folder=str(tmp_path_factory.mktemp("other")), name="other"),
        verify=VerifySettings(samples=3, latency_runs=0),
    )
    recipe.model.arch = "OtherDigits"
    [artifact] = convert(recipe, model=OtherDigits().eval()).artifacts
    return artifact.path


def _bench(capsys, *args) -> tuple[int, str, str]:
    code = main(["bench", *map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_conversion_keeps_inputs_and_eager_outputs_beside_its_report(sample_artifacts):
    report = sample_artifacts.report_path
    assert json.loads(report.read_text())["reference_outputs"] == REFERENCE_NAME
    stored = load_reference(report)
    assert stored.path == report.parent / REFERENCE_NAME
    assert 0 < len(stored.inputs) == len(stored.outputs) <= 32
    assert stored.inputs[0][0].shape == (1, 1, 32, 32)
    assert stored.outputs[0][0].shape == (1, 10)
    # the outputs are eager PyTorch's on those inputs
    from studio.model import load_model, sample

    module = load_model(sample.weights_path()).module.eval()
    with torch.no_grad():
        expected = module(torch.from_numpy(stored.inputs[1][0])).numpy()
    np.testing.assert_allclose(stored.outputs[1][0], expected, rtol=1e-5, atol=1e-6)


@pytest.mark.slow
def test_the_phone_computes_what_the_computer_computed(capsys, phone, sample_pte, tmp_path):
    export = tmp_path / "runs.csv"
    code, out, _ = _bench(
        capsys,
        sample_pte,
        "--device",
        phone.serial,
        "--iterations",
        20,
        "--verify",
        "--export",
        export,
        "--json",
    )
    doc = json.loads(out)
    [run] = doc["runs"]
    assert code == EXIT_OK, run
    verification = run["verification"]
    assert verification["verdict"] == "pass", verification
    assert verification["cosine"] > 0.9999 and verification["top1_agreement"] == 1.0
    assert verification["max_abs_error"] < 1e-4
    assert verification["samples"] == len(load_reference(sample_pte.parent).inputs)
    assert verification["reference"] == str(sample_pte.parent / "report.json")
    assert verification["same_conversion"] is True and verification["reasons"] == []
    assert run["samples"] == 20 and doc["passed"] is True
    with open(export, newline="") as handle:
        assert {row["verification"] for row in csv.DictReader(handle)} == {"pass"}


@pytest.mark.slow
def test_another_model_fails_against_the_samples_reference(
    capsys, phone, sample_pte, other_pte, sample_artifacts
):
    report = sample_artifacts.report_path
    code, out, _ = _bench(
        capsys, other_pte, "--device", phone.serial, "--iterations", 5, "--verify",
        "--reference", report, "--json",
    )  # fmt: skip
    doc = json.loads(out)
    [run] = doc["runs"]
    assert code == EXIT_VERDICT and doc["passed"] is False
    verification = run["verification"]
    assert verification["verdict"] == "fail", verification
    assert verification["same_conversion"] is False
    assert verification["reasons"] and verification["cosine"] < 0.99
    assert run["error"] is None and run["samples"] == 5  # the latency run is still there
    # the text output says it in one line
    code, out, _ = _bench(
        capsys, other_pte, "--device", phone.serial, "--iterations", 5, "--verify",
        "--reference", report,
    )  # fmt: skip
    assert code == EXIT_VERDICT
    [line] = [line for line in out.splitlines() if "on-device outputs" in line]
    assert "on-device outputs FAIL" in line and "cos " in line


def test_without_a_reference_bench_verify_says_how_to_get_one(capsys, sample_pte, tmp_path):
    lone = tmp_path / "lone.pte"
    shutil.copy(sample_pte, lone)
    code, _, err = _bench(capsys, lone, "--device", "nowhere", "--verify")
    assert code == EXIT_BAD_INPUT
    assert "no conversion report beside lone.pte" in err and "--reference" in err


def test_an_older_report_without_stored_outputs_is_said_plainly(capsys, sample_pte, tmp_path):
    folder = tmp_path / "old"
    folder.mkdir()
    shutil.copy(sample_pte, folder / sample_pte.name)
    doc = json.loads((sample_pte.parent / "report.json").read_text())
    doc.pop("reference_outputs")
    (folder / "report.json").write_text(json.dumps(doc))
    code, _, err = _bench(capsys, folder / sample_pte.name, "--device", "nowhere", "--verify")
    assert code == EXIT_BAD_INPUT
    assert "holds no reference outputs" in err and "older conversion" in err


def test_verify_is_refused_with_together(capsys, sample_pte, other_pte):
    code, _, err = _bench(
        capsys, sample_pte, other_pte, "--device", "nowhere", "--together", "--verify"
    )
    assert code == EXIT_BAD_INPUT and "--verify checks one artifact at a time" in err


@pytest.mark.slow
def test_a_reference_whose_inputs_do_not_fit_is_bad_input(
    capsys, phone, sample_artifacts, tmp_path
):
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 64])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 64])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "relu.onnx")
    code, _, err = _bench(
        capsys, tmp_path / "relu.onnx", "--device", phone.serial, "--iterations", 3,
        "--verify", "--reference", sample_artifacts.report_path,
    )  # fmt: skip
    assert code == EXIT_BAD_INPUT
    assert "do not fit relu.onnx" in err and "(1, 1, 32, 32)" in err
