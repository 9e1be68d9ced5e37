"""Opening a model: the inspect job's result comes back as an OpenedModel, and the command
line's ``inspect --json`` prints the same document as before."""

from __future__ import annotations

import json
import subprocess
import sys

from studio.cli import main
from studio.jobs import handlers, protocol
from studio.jobs.results import OpenedModel, result_from_dict
from studio.model import sample

# What ``model-studio inspect --json`` prints: the description, and how long it took.
CLI_KEYS = {
    "path",
    "format",
    "architecture",
    "parameters",
    "size_bytes",
    "memory_bytes",
    "dtypes",
    "flops",
    "inputs",
    "outputs",
    "layers",
    "layer_types",
    "candidates",
    "imagenet_classifier",
    "labels_available",
    "notes",
    "details",
    "seconds",
}


class _NeverCancelled:
    def check(self) -> None:
        pass


def _inspect_job(params: dict) -> dict:
    """The inspect job's result as it crosses the worker boundary (a JSON line)."""
    result = handlers.inspect(params, lambda event: None, _NeverCancelled())
    line = protocol.encode({"id": 1, "event": protocol.RESULT, "result": result})
    return protocol.decode(line)["result"]


def test_the_inspect_job_comes_back_as_an_opened_model():
    doc = _inspect_job({"path": str(sample.weights_path())})
    opened = result_from_dict("inspect", doc)

    assert isinstance(opened, OpenedModel)
    assert opened.runnable and opened.input_spec.shape == (1, 1, 32, 32)
    description = opened.description
    assert description.architecture == "digits_cnn" and description.format == doc["format"]
    assert description.labels == [str(digit) for digit in range(10)]  # not in to_dict: the job's
    assert description.candidates[0].name == "digits_cnn"
    assert description.candidates[0].score == 1.0
    assert [layer.name for layer in description.layers] == [
        layer["name"] for layer in doc["layers"]
    ]
    assert json.loads(json.dumps(opened.to_dict())) == doc


def test_inspect_json_prints_the_description_as_before(capsys):
    assert main(["inspect", "--sample", "--json"]) == 0
    printed = json.loads(capsys.readouterr().out)

    assert set(printed) == CLI_KEYS
    assert printed["labels_available"] is True
    assert printed["candidates"][0] == {"name": "digits_cnn", "score": 1.0, "kwargs": {}}
    assert all(set(layer) == {"name", "type", "parameters"} for layer in printed["layers"])
    job = _inspect_job({"path": str(sample.weights_path())})
    for key in CLI_KEYS - {"seconds"}:
        assert printed[key] == job[key], key


def test_the_window_reads_an_opened_model_without_torch():
    check = (
        "import sys\n"
        "from studio.jobs.results import result_from_dict\n"
        "doc = {'path': '/m/x.onnx', 'format': 'onnx', 'runnable': False, 'labels': ['a'],\n"
        "       'candidates': [{'name': 'resnet18', 'score': 0.5, 'kwargs': {}}],\n"
        "       'input_spec': {'tensors': [{'name': 'x', 'shape': [1, 3], 'dtype': 'float32'}],\n"
        "                      'preprocess': None}}\n"
        "opened = result_from_dict('inspect', doc)\n"
        "assert opened.description.candidates[0].name == 'resnet18'\n"
        "assert opened.description.labels == ['a'] and opened.input_spec.shape == (1, 3)\n"
        "print('torch' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", check], check=True, capture_output=True, text=True)
    assert done.stdout.strip() == "False"
