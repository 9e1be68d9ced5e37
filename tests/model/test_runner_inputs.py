"""One definition of random inputs: conversion's example inputs, fixes, verification and the
agent all take them from studio.model.inputs, the same for the same seed."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from studio.errors import InputError
from studio.model.inputs import (
    DTYPES,
    InputSpec,
    TensorSpec,
    UnknownShape,
    random_inputs,
    runner_inputs,
    runner_spec,
)
from studio.runtimes import open_runner
from studio.runtimes.base import TensorInfo

STUDIO = Path(__file__).resolve().parents[2] / "studio"


@pytest.mark.parametrize("dtype", sorted(DTYPES))
def test_random_inputs_of_each_dtype(dtype):
    spec = InputSpec((TensorSpec("a", (2, 50), dtype), TensorSpec("b", (3,), "float32")))
    first = random_inputs(spec, 4, seed=7)
    again = random_inputs(spec, 4, seed=7)
    other = random_inputs(spec, 4, seed=8)
    assert len(first) == 4 and first.source == "random"
    arrays = [sample[0] for sample in first.inputs]
    assert all(a.dtype == np.dtype(dtype) and a.shape == (2, 50) for a in arrays)
    values = np.concatenate([a.ravel() for a in arrays]).astype(np.float64)
    if dtype.startswith("float"):
        assert values.min() < -0.5 < 0.5 < values.max() and abs(values.mean()) < 0.3
    elif dtype == "bool":
        assert set(np.unique(values)) == {0.0, 1.0}
    else:
        assert set(np.unique(values)) == set(range(10))
    for a, b in zip(first.inputs, again.inputs, strict=True):
        assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(first.inputs[0][0], other.inputs[0][0])


def test_inputs_for_a_runner_from_what_it_records_or_the_given_shapes():
    recorded = [TensorInfo("image", (None, 3, 4), "float16"), TensorInfo("ids", (2,), "int64")]
    spec = runner_spec(recorded)
    assert [(t.name, t.shape, t.dtype) for t in spec.tensors] == [
        ("image", (1, 3, 4), "float16"),
        ("ids", (2,), "int64"),
    ]
    given = runner_spec(recorded, [[5, 3, 4], [7]])  # as many as recorded: their dtypes
    assert [(t.shape, t.dtype) for t in given.tensors] == [((5, 3, 4), "float16"), ((7,), "int64")]
    assert [t.dtype for t in runner_spec(recorded, [[1, 2]]).tensors] == ["float32"]
    samples = runner_inputs(recorded, count=2, seed=3)
    assert len(samples) == 2
    expected = random_inputs(spec, 2, seed=3)
    assert all(
        np.array_equal(x, y)
        for a, b in zip(samples.inputs, expected.inputs, strict=True)
        for x, y in zip(a, b, strict=True)
    )
    for unknown in ([], [TensorInfo("x", None, "float32")]):
        with pytest.raises(UnknownShape):
            runner_spec(unknown)
    assert issubclass(UnknownShape, InputError)


def test_the_agent_feeds_a_runner_the_same_random_inputs(tmp_path):
    from studio.agent.server import RequestError, Session

    runner = open_runner(_onnx(tmp_path / "two.onnx"))
    # A session needs a connected socket to exist; only its input maker is used here.
    session = Session.__new__(Session)
    session.runner = runner
    for request, shapes in (
        ({"seed": 5}, None),
        ({"seed": 5, "shapes": [[3, 4], [3, 4]]}, [[3, 4], [3, 4]]),
    ):
        made = session._inputs({"source": "random", **request})
        expected = runner_inputs(runner.inputs, 1, 5, shapes).inputs[0]
        assert [a.dtype for a in made] == [np.float32, np.int64]
        assert all(np.array_equal(x, y) for x, y in zip(made, expected, strict=True))
    with pytest.raises(RequestError, match="too large"):
        session._inputs({"source": "random", "shapes": [[1 << 17, 1025], [1 << 17, 1 << 10]]})
    runner.close()


def test_conversion_example_inputs_are_the_random_inputs():
    import torch

    from studio.convert.recipe import Recipe
    from studio.convert.targets.base import BuildContext

    spec = InputSpec((TensorSpec("x", (1, 3, 4, 4)), TensorSpec("ids", (1, 5), "int64")))
    context = BuildContext(Recipe(), torch.nn.Identity(), spec)
    expected = random_inputs(spec, 1).inputs[0]
    assert [t.dtype for t in context.example] == [torch.float32, torch.int64]
    assert all(np.array_equal(t.numpy(), a) for t, a in zip(context.example, expected, strict=True))


def test_only_the_inputs_module_draws_random_tensors():
    """Every other module asks studio.model.inputs: no second generator of model inputs."""
    drawing = {"standard_normal", "randn", "rand", "integers", "normal"}
    found = []
    for path in sorted(STUDIO.rglob("*.py")):
        if path == STUDIO / "model" / "inputs.py" or "virtual" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in drawing:
                found.append(f"{path.relative_to(STUDIO)}:{node.lineno} {node.attr}")
    assert found == []


def _onnx(path: Path) -> Path:
    """A two-input ONNX model (float32 and int64 in, their sum as float out)."""
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["ids"], ["ids_f"], to=TensorProto.FLOAT),
            helper.make_node("Add", ["x", "ids_f"], ["y"]),
        ],
        "two",
        [
            helper.make_tensor_value_info("x", TensorProto.FLOAT, ["batch", 4]),
            helper.make_tensor_value_info("ids", TensorProto.INT64, ["batch", 4]),
        ],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["batch", 4])],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path
