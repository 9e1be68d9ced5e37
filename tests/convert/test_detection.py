"""Detectors in torchvision's style (a list of images in, boxes, scores and labels out):
converted as a module taking a batch of images, and verified as detections (boxes matched
by IoU, scores and labels compared), not element by element."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest
import torch

from studio.cli import main
from studio.convert import convert
from studio.convert.compare import FAIL, PASS, is_classifier_output, judge, tolerances_for
from studio.convert.detections import compare_detections
from studio.model.detection import detection_outputs, takes_image_list, wrap_detector
from studio.model.inputs import InputSpec, random_inputs

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))
sys.path.insert(0, str(TESTS / "convert"))
from convert_helpers import tiny_recipe  # noqa: E402
from detection_models import ssdlite, tiny_detector  # noqa: E402

SPEC = InputSpec.single((1, 3, 64, 64))
SSD = "ssdlite320_mobilenet_v3_large"


def _run(module, spec: InputSpec, count: int) -> list[list[np.ndarray]]:
    with torch.no_grad():
        return [
            [t.numpy() for t in module(*map(torch.from_numpy, sample))]
            for sample in random_inputs(spec, count, seed=1).inputs
        ]


@pytest.mark.parametrize("target", ["pt", "onnx"])
def test_a_tiny_detector_converts_and_passes_as_detections(tmp_path, target):
    recipe = tiny_recipe(tmp_path / "out", [target], input=SPEC)
    recipe.verify.samples = 3
    report = convert(recipe, model=tiny_detector())
    artifact = report.artifacts[0]
    verification = artifact.verification
    assert verification.verdict == PASS, verification.reasons
    detections = verification.comparison.detections
    assert detections.judged_boxes > 0
    assert detections.matched_boxes == detections.judged_boxes
    assert detections.label_agreement == 1.0
    assert detections.mean_iou > 0.999
    assert any("a detector taking a list of images" in n for n in report.notes)
    assert report.model["detection"]["outputs"] == ["0.boxes", "0.scores", "0.labels"]
    doc = json.loads((tmp_path / "out" / "report.json").read_text())
    assert doc["artifacts"][0]["verification"]["detections"]["matched_fraction"] == 1.0


def test_a_detector_is_recognised_by_its_list_of_images():
    assert takes_image_list(tiny_detector())
    assert takes_image_list(torch.jit.script(tiny_detector()))
    assert not takes_image_list(torch.nn.Conv2d(3, 4, 1))


def test_boxes_are_not_class_scores_and_their_order_does_not_matter():
    wrapped, _ = wrap_detector(tiny_detector())
    layout = detection_outputs(wrapped, 1)
    reference = _run(wrapped, SPEC, 3)
    assert is_classifier_output(reference[0][0])  # element-wise, (n, 4) boxes look like classes
    shuffled = []
    for boxes, scores, labels in reference:
        order = np.random.default_rng(0).permutation(len(scores))
        shuffled.append([boxes[order], scores[order], labels[order]])
    tolerances = tolerances_for("none")
    comparison = compare_detections(reference, shuffled, layout, 0.9, tolerances.max_score_diff)
    assert judge(comparison, tolerances) == (PASS, [])
    assert comparison.detections.matched_fraction == 1.0
    assert comparison.top1_agreement is None  # as detections: no top-1 of the boxes


@pytest.mark.parametrize("change", ["boxes", "labels"])
def test_perturbed_detections_fail(change):
    wrapped, _ = wrap_detector(tiny_detector())
    layout = detection_outputs(wrapped, 1)
    reference = _run(wrapped, SPEC, 3)
    wrong = []
    for boxes, scores, labels in reference:
        if change == "boxes":  # every box moved by half its size
            wrong.append([boxes + np.float32(8.0), scores, labels])
        else:
            wrong.append([boxes, scores, labels % 4 + 1])
    tolerances = tolerances_for("none")
    comparison = compare_detections(reference, wrong, layout, 0.9, tolerances.max_score_diff)
    verdict, reasons = judge(comparison, tolerances)
    assert verdict == FAIL
    assert "found with the same label at IoU 0.9" in reasons[0]
    if change == "labels":
        assert comparison.detections.label_agreement == 0.0


def test_boxes_at_the_score_cut_are_not_counted():
    wrapped, _ = wrap_detector(tiny_detector())
    layout = detection_outputs(wrapped, 1)
    assert (layout.score_threshold, layout.max_detections) == (0.05, 20)
    reference = _run(wrapped, SPEC, 1)
    boxes, scores, labels = reference[0]
    # the artifact drops the box scoring least: it sits at the cut (the 20th kept score)
    dropped = [[boxes[:-1], scores[:-1], labels[:-1]]]
    tolerances = tolerances_for("none")
    comparison = compare_detections(reference, dropped, layout, 0.9, tolerances.max_score_diff)
    assert judge(comparison, tolerances)[0] == PASS
    assert comparison.detections.unsure_boxes >= 1


def _convert(capsys, *args) -> tuple[int, dict | None, str]:
    code = main(["convert", *args, "--json"])
    captured = capsys.readouterr()
    return code, (json.loads(captured.out) if code == 0 else None), captured.err


@pytest.fixture(scope="module")
def ssdlite_weights(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("ssdlite") / "ssdlite.pth"
    torch.save(ssdlite().state_dict(), path)
    return path


@pytest.mark.slow
def test_ssdlite_converts_to_pt_and_onnx_and_both_pass(ssdlite_weights, tmp_path, capsys):
    code, doc, err = _convert(
        capsys,
        str(ssdlite_weights),
        "--arch",
        SSD,
        "--target",
        "pt,onnx",
        "--verify-samples",
        "2",
        "--out",
        str(tmp_path / "out"),
    )
    assert code == 0, err
    assert doc["input_spec"]["tensors"][0]["shape"] == [1, 3, 320, 320]
    for artifact in doc["artifacts"]:
        verification = artifact["verification"]
        assert verification["verdict"] == "pass", (artifact["target"], verification["reasons"])
        detections = verification["detections"]
        assert detections["judged_boxes"] > 500
        assert detections["matched_fraction"] >= 0.99
        assert detections["label_agreement"] == 1.0
        assert detections["max_score_diff"] < 1e-3


@pytest.mark.slow
def test_ptl_of_a_detector_is_a_plain_conversion_error(ssdlite_weights, tmp_path, capsys):
    code, _, err = _convert(
        capsys,
        str(ssdlite_weights),
        "--arch",
        SSD,
        "--target",
        "ptl",
        "--no-verify",
        "--out",
        str(tmp_path / "out"),
    )
    assert code == 2, err
    assert "the Lite interpreter cannot hold this model: it uses the class" in err
    assert "ImageList" in err
    assert "Traceback" not in err
