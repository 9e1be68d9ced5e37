"""What crosses the worker boundary comes back as the object it was: errors and results."""

from __future__ import annotations

import importlib
import json
import pkgutil
from pathlib import Path

import pytest

import studio
from studio.compat.fixes import FixResult
from studio.compat.operators import OperatorSet, OperatorUse
from studio.compat.report import CompatReport, Fix, OperatorRow, RuntimeVerdict
from studio.convert.compare import Comparison, Tolerances
from studio.convert.report import ArtifactReport, ConversionReport
from studio.convert.verify import Verification
from studio.errors import (
    Action,
    DeviceError,
    DiskFullError,
    InputError,
    InternalError,
    StudioError,
    TrustRequired,
    as_studio_error,
)
from studio.jobs import protocol
from studio.jobs.results import (
    RESULT_TYPES,
    CheckResult,
    Classification,
    ClassScore,
    OpenedModel,
    RuntimeEntry,
    RuntimesResult,
    VerifyResult,
    Versions,
    result_from_dict,
)
from studio.model.describe import Description, Layer
from studio.model.inputs import InputSpec, Preprocess
from studio.model.loaded import Candidate


def _every_error_class() -> list[type[StudioError]]:
    """StudioError and its subclasses in every module of the studio outside the UI."""
    for module in pkgutil.walk_packages(studio.__path__, "studio."):
        if not module.name.startswith("studio.ui") and not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found, todo = [], [StudioError]
    while todo:
        kind = todo.pop()
        found.append(kind)
        todo.extend(kind.__subclasses__())
    return found


ERROR_CLASSES = _every_error_class()


def _raised(kind: type[StudioError]) -> StudioError:
    """An instance as the library raises it (a few classes take other arguments)."""
    if kind is DiskFullError:
        return kind("/data/out", details="no space left on device")
    error = kind.__new__(kind)
    StudioError.__init__(error, f"a {kind.__name__}", "what to do", "where it happened")
    return error


def test_the_error_classes_are_found():
    names = {kind.__name__ for kind in ERROR_CLASSES}
    assert {"TrustRequired", "WorkerLost", "DiskFullError", "NoSpaceError"} <= names


@pytest.mark.parametrize("kind", ERROR_CLASSES, ids=lambda kind: kind.__name__)
def test_every_error_class_round_trips_through_the_protocol(kind):
    error = _raised(kind)
    line = protocol.encode({"id": 1, "event": protocol.ERROR, "error": error.to_dict()})
    back = StudioError.from_dict(protocol.decode(line)["error"])
    assert type(back) is kind
    assert (back.message, back.hint, back.details) == (error.message, error.hint, error.details)
    assert back.exit_code == error.exit_code and back.action == error.action
    assert back.one_line() == error.one_line()
    assert str(back) == error.message


def test_the_action_round_trips_and_a_class_may_name_one():
    error = StudioError.from_dict(InputError("bad shape", action=Action.INPUT_SHAPE).to_dict())
    assert type(error) is InputError and error.action == Action.INPUT_SHAPE
    assert TrustRequired("runs code").action == Action.TRUST
    assert StudioError.from_dict(TrustRequired("runs code").to_dict()).action == Action.TRUST
    assert InputError("plain").action is None


def test_an_unknown_kind_is_an_internal_error():
    back = StudioError.from_dict({"type": "SomethingNew", "message": "it broke"})
    assert type(back) is InternalError and back.message == "it broke"
    assert type(StudioError.from_dict({})) is InternalError


def test_a_kind_this_side_lacks_becomes_the_nearest_one_it_knows():
    # a DeviceError subclass defined in a module this side never imported
    doc = {"type": "PhoneLeftError", "bases": ["DeviceError", "StudioError"]}
    doc.update(message="the phone left", hint="plug it in")
    back = StudioError.from_dict(doc)
    assert type(back) is DeviceError and back.hint == "plug it in"


def test_other_exceptions_become_internal_errors_that_name_them():
    error = as_studio_error(KeyError("recipe"))
    assert type(error) is InternalError and "KeyError" in error.message
    assert type(as_studio_error(SystemExit(3))) is InternalError
    trust = TrustRequired("runs code")
    assert as_studio_error(trust) is trust
    assert type(StudioError.from_dict(protocol.error_dict(ValueError("x")))) is InternalError


# --- results -------------------------------------------------------------------------------

PTL = Path("/data/model.ptl")
COMPAT_REPORT = CompatReport(
    artifact=PTL,
    kind="ptl",
    operator_set=OperatorSet(
        PTL, "ptl", [OperatorUse("aten::conv2d", 2)], bytecode_version=8, methods=["forward"]
    ),
    operators=[
        OperatorRow(
            "aten::conv2d", 2, "kernel", "", {"lite-v5": "supported"}, {"lite-v5": "kernel"}
        )
    ],
    runtimes=[
        RuntimeVerdict(
            "lite-v5",
            "PyTorch Lite 1.10",
            "fail",
            unsupported=["bytecode version 8 (reads up to 7)"],
            problems=["This model is bytecode version 8."],
            advice=["write it again at version 7"],
            fixes=[Fix("backport", 7, "Write the model again at bytecode version 7")],
        )
    ],
)

VERIFICATION = Verification(
    verdict="warn",
    reasons=["cosine similarity 0.97 is below 0.98"],
    # the report holds neither the reference's scale nor a shape mismatch
    comparison=Comparison(8, 0.25, 0.01, 0.0, 0.97, 0.99, 1.0, 1.0),
    tolerances=Tolerances(atol=None, min_cosine=0.98, min_top1=0.95),
    data="images",
    low_fidelity=False,
    accuracy_before=0.97,
    accuracy_after=0.95,
    labelled_samples=60,
)
CONVERSION = ConversionReport(
    recipe={"model": {"path": "/data/digits.safetensors"}, "targets": ["pte", "ptl"]},
    model={"name": "digits_cnn", "parameters": 9_000},
    input_spec={"shape": [1, 1, 8, 8], "dtype": "float32"},
    versions={"torch": "2.14.0", "model-studio": "0.9"},
    stages=[{"name": "load", "seconds": 0.5}],
    artifacts=[
        ArtifactReport(
            "pte",
            Path("/out/digits.pte"),
            40_000,
            "torch.export",
            "static",
            "executorch",
            12.5,
            options={"backend": "xnnpack"},
            notes=["lowered to XNNPACK"],
            host_latency_ms=0.2,
            verification=VERIFICATION,
        ),
        ArtifactReport("ptl", Path("/out/digits.ptl"), 50_000, "script", "none", "lite", 2.0),
    ],
    notes=["verified on real images"],
    calibration={"source": "images", "samples": 60, "low_fidelity": False},
    output_folder=Path("/out"),
    report_path=Path("/out/report.json"),
)

OPENED = OpenedModel(
    Description(
        path="/data/digits.safetensors",
        format="safetensors",
        architecture="digits_cnn",
        parameters=9_000,
        size_bytes=36_500,
        memory_bytes=36_000,
        dtypes={"float32": 9_000},
        flops=120_000,
        inputs=[{"name": "input", "shape": [1, 1, 32, 32], "dtype": "float32"}],
        outputs=[{"name": "output", "shape": [1, 10], "dtype": "float32"}],
        layers=[Layer("features", "Sequential", 8_000), Layer("head", "Linear", 1_000)],
        layer_types={"Conv2d": 2, "Linear": 1},
        candidates=[
            Candidate("digits_cnn", 1.0),
            Candidate("resnet18", 0.0125, {"num_classes": 10}),
        ],
        imagenet_classifier=False,
        labels=[str(digit) for digit in range(10)],
        notes=["the weights fit digits_cnn"],
        details={"metadata": {"author": "studio"}},
    ),
    runnable=True,
    input_spec=InputSpec.single(
        (1, 1, 32, 32), preprocess=Preprocess(32, 32, True, (0.5,), (0.5,))
    ),
    seconds=0.42,
)

EXAMPLES = {
    OpenedModel: OPENED,
    Classification: Classification(
        "/data/three.png", [ClassScore(3, "3", 0.9), ClassScore(8, "8", 0.05)]
    ),
    Versions: Versions(
        {"torch": "2.14.0", "onnx": None}, "Linux-6.1-x86_64", "Android Debug Bridge"
    ),
    RuntimesResult: RuntimesResult(
        [RuntimeEntry("executorch-1.5", "ExecuTorch 1.5 (XNNPACK)", "executorch", ["pte"])]
    ),
    VerifyResult: VerifyResult(VERIFICATION, host_latency_ms=0.8),
    ConversionReport: CONVERSION,
    CheckResult: CheckResult([COMPAT_REPORT]),
    FixResult: FixResult(
        action="backport",
        value=7,
        source=Path("/data/model.ptl"),
        output=Path("/data/model.v7.ptl"),
        verdict="pass",
        max_abs_error=1.5e-7,
        samples=2,
        input_shapes=[[1, 1, 8, 8]],
        reasons=["within tolerance"],
    ),
}


def test_every_registered_result_type_has_an_example():
    assert set(RESULT_TYPES.values()) <= set(EXAMPLES)


@pytest.mark.parametrize("job", sorted(RESULT_TYPES))
def test_every_job_result_round_trips_through_the_protocol(job):
    result = EXAMPLES[RESULT_TYPES[job]]
    line = protocol.encode({"id": 1, "event": protocol.RESULT, "result": result.to_dict()})
    back = result_from_dict(job, protocol.decode(line)["result"])
    assert type(back) is type(result)
    assert back == result
    assert back.to_dict() == result.to_dict()  # what the command line prints stays the same


@pytest.mark.slow
def test_a_real_conversion_and_its_check_come_back_unchanged(sample_artifacts):
    from studio.compat import check, detect_kind, runtimes_to_check

    saved = json.loads(sample_artifacts.report_path.read_text())  # report.json
    assert json.loads(json.dumps(ConversionReport.from_dict(saved).to_dict())) == saved
    paths = [a.path for a in sample_artifacts.artifacts]
    reports = [check(p, runtimes_to_check(detect_kind(p), [], [])) for p in paths]
    doc = json.loads(json.dumps(CheckResult(reports).to_dict()))
    assert CheckResult.from_dict(doc).to_dict() == doc


def test_a_job_without_a_type_keeps_its_document():
    assert result_from_dict("a job of tomorrow", {"torch": "2.14"}) == {"torch": "2.14"}
