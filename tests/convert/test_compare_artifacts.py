"""One definition of comparing two artifacts' outputs: a fix's verification and
verify_against_artifact judge the same files alike, on the same inputs."""

from __future__ import annotations

import ast
from pathlib import Path

import numpy as np
import pytest

from studio.compat import fixes
from studio.convert.compare import tolerances_for
from studio.convert.verify import verify_against_artifact
from studio.errors import InputError
from studio.model.inputs import runner_inputs
from studio.runtimes import open_runner

STUDIO = Path(__file__).resolve().parents[2] / "studio"


@pytest.mark.parametrize(
    ("scale", "verdict"), [(1.0, "pass"), (1.0 + 5e-5, "pass"), (1.01, "warn"), (3.0, "fail")]
)
def test_a_fix_and_verification_give_the_same_verdict(tmp_path, scale, verdict):
    original = _scaled_onnx(tmp_path / "original.onnx", 1.0)
    candidate = _scaled_onnx(tmp_path / "candidate.onnx", scale)

    fix_verdict, fix_reasons, fix_comparison, shapes = fixes.verify(original, candidate, None)
    with open_runner(original) as runner:
        samples = runner_inputs(runner.inputs, fixes.VERIFY_SAMPLES)
    verification = verify_against_artifact(candidate, original, samples, tolerances_for("none"))

    assert fix_verdict == verification.verdict == verdict
    assert fix_reasons == verification.reasons
    assert fix_comparison == verification.comparison
    assert fix_comparison.samples == fixes.VERIFY_SAMPLES and shapes == [[1, 6]]


def test_a_fix_verified_on_the_wrong_shape_is_bad_input(tmp_path):
    original = _scaled_onnx(tmp_path / "original.onnx", 1.0)
    with pytest.raises(InputError, match=r"has shape \(2, 3\), the model expects \(1, 6\)"):
        fixes.verify(original, original, [[2, 3]])


def test_only_the_comparison_module_compares_outputs():
    """compare_outputs and judge are called by verification alone (of a conversion on this
    computer, of an artifact's outputs on the device); fixes go through it."""
    callers = set()
    for path in sorted(STUDIO.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in (
                "compare_outputs",
                "judge",
            ):
                callers.add(path.relative_to(STUDIO).as_posix())
    assert callers <= {"convert/verify.py", "convert/compare.py", "agent/device_verify.py"}


def _scaled_onnx(path: Path, scale: float) -> Path:
    """y = x * scale + x (a classifier-shaped (1, 6) output), as a real ONNX file."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    weight = numpy_helper.from_array(np.array([scale], dtype=np.float32), "scale")
    graph = helper.make_graph(
        [
            helper.make_node("Mul", ["x", "scale"], ["xs"]),
            helper.make_node("Add", ["xs", "x"], ["y"]),
        ],
        "scaled",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 6])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 6])],
        initializer=[weight],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, str(path))
    return path
