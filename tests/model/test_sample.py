"""The bundled sample model is real: it reads held-out digits and its images."""

from __future__ import annotations

import torch

from studio.model import load_model, sample
from studio.model.inputs import load_sample_folder


def test_sample_model_heldout_accuracy():
    model = load_model(sample.weights_path())
    assert model.architecture == sample.ARCHITECTURE and model.labels == sample.LABELS
    _, (x_test, y_test) = sample.digits_dataset()
    with torch.no_grad():
        accuracy = (model.module(x_test).argmax(1) == y_test).float().mean().item()
    assert accuracy >= 0.95


def test_sample_images_through_preprocessing():
    model = load_model(sample.weights_path())
    samples = load_sample_folder(sample.images_dir(), model.input_spec)
    assert samples.class_names == sample.LABELS and len(samples) >= 20
    with torch.no_grad():
        predictions = [
            model.module(torch.from_numpy(x[0])).argmax(1).item() for x in samples.inputs
        ]
    correct = sum(p == label for p, label in zip(predictions, samples.labels, strict=True))
    assert correct / len(samples) >= 0.9


def test_sample_weights_are_small():
    assert sample.weights_path().stat().st_size < 300_000
