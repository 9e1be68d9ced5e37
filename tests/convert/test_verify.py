"""Verification pieces: label mapping, accuracy, and artifacts that do not run at all."""

from __future__ import annotations

import numpy as np

from studio.convert.compare import tolerances_for
from studio.convert.verify import Reference, accuracy, class_indices, verify_artifact, verify_runner
from studio.model.inputs import InputSpec, SampleSet, random_inputs
from studio.runtimes.eager_runner import EagerRunner


def labelled(names, labels):
    return SampleSet([[np.zeros((1, 3))] for _ in labels], "images", labels, names)


def test_class_folders_map_to_model_outputs():
    # folder names that are the model's labels map to their position
    assert class_indices(labelled(["dog", "cat"], [0, 1, 1]), ["cat", "bird", "dog"]) == [2, 0, 0]
    # numbered folders map to their number, even when some classes have no folder
    assert class_indices(labelled(["3", "7"], [0, 1]), None) == [3, 7]
    # otherwise sorted folder order is the class order
    assert class_indices(labelled(["a", "b"], [1, 0]), None) == [1, 0]


def test_accuracy_counts_argmax_hits():
    outputs = [
        [np.array([[0.1, 0.9]])],
        [np.array([[0.8, 0.2]])],
        [np.array([[0.3, 0.7]])],
    ]
    assert accuracy(outputs, [1, 0, 0]) == 2 / 3
    assert accuracy(outputs, []) is None


def test_eager_against_itself_passes_and_a_broken_artifact_fails(tmp_path, tiny_model):
    spec = InputSpec.single((1, 3, 8, 8))
    samples = random_inputs(spec, 3)
    eager = EagerRunner.from_module(tiny_model, spec)
    reference = Reference.compute(eager, samples)
    assert verify_runner(eager, reference, tolerances_for("none")).verdict == "pass"

    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"\x08\x07garbage")
    verification, latency = verify_artifact(
        broken, reference, tolerances_for("none"), latency_runs=3
    )
    assert verification.verdict == "fail" and latency is None
    assert verification.reasons[0].startswith(
        "the artifact does not run: broken.onnx is not a model"
    )
    doc = verification.to_dict()
    assert doc["max_abs_error"] is None and doc["cosine"] == 0.0
