"""Which runtimes an artifact is checked against: one rule, and the CLI, the worker and the
demo follow it."""

from __future__ import annotations

import pytest

from studio.compat import load_profile, runtimes_to_check
from studio.compat.profiles import RuntimeProfile


def names(profiles) -> list[str]:
    return [p.name for p in profiles]


def phone(family: str, formats: list[str]) -> RuntimeProfile:
    return RuntimeProfile(
        name=f"phone/{family}", title=f"{family} on phone", family=family, formats=formats
    )


PHONE = [
    phone("pytorch-lite", ["ptl"]),
    phone("executorch", ["pte"]),
    phone("onnxruntime", ["onnx", "ort"]),
]


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("ptl", ["pytorch-lite-v5", "pytorch-lite-v7", "pytorch-lite-v8"]),
        ("pt", ["pytorch-android"]),
        ("pte", ["executorch-portable", "executorch-xnnpack"]),
        ("onnx", ["ort-coreml", "ort-cpu", "ort-nnapi"]),
        ("ort", ["ort-coreml", "ort-cpu", "ort-nnapi"]),
    ],
)
def test_bundled_runtimes_follow_the_kind_of_file(kind, expected):
    assert names(runtimes_to_check(kind)) == expected


def test_named_runtimes_replace_the_bundled_ones_whatever_they_read():
    named = [load_profile("pytorch-lite-v7"), load_profile("ort-cpu")]
    assert names(runtimes_to_check("onnx", named)) == ["pytorch-lite-v7", "ort-cpu"]


def test_phones_runtimes_for_this_kind_of_file_beside_the_bundled_ones():
    assert names(runtimes_to_check("pte", phones=PHONE)) == [
        "executorch-portable",
        "executorch-xnnpack",
        "phone/executorch",
    ]
    # a full TorchScript .pt is not for the Lite runtime, which reads only .ptl
    assert names(runtimes_to_check("pt", phones=PHONE)) == ["pytorch-android"]


def test_phones_only_checks_what_the_phone_runs():
    assert names(runtimes_to_check("onnx", phones=PHONE, phones_only=True)) == ["phone/onnxruntime"]
    # a phone without a runtime for this kind of file: the bundled ones say what could run it
    assert names(runtimes_to_check("pte", phones=PHONE[:1], phones_only=True)) == [
        "executorch-portable",
        "executorch-xnnpack",
    ]


def test_a_runtime_is_checked_once():
    twice = [load_profile("ort-cpu"), load_profile("ort-cpu")]
    assert names(runtimes_to_check("onnx", twice)) == ["ort-cpu"]


def test_the_worker_uses_the_rule(sample_artifacts):
    """The worker's check job picks the same runtimes as the rule (the CLI's are checked in
    test_check_cli.py and test_agent_bench.py)."""
    from studio.compat import detect_kind
    from studio.jobs.handlers import check
    from studio.progress import CancelToken, no_progress

    paths = [a.path for a in sample_artifacts.artifacts]
    phones = [p.to_dict() for p in PHONE]
    doc = check(
        {"artifacts": [str(p) for p in paths], "profiles": phones}, no_progress, CancelToken()
    )
    for path, report in zip(paths, doc["reports"], strict=True):
        expected = names(runtimes_to_check(detect_kind(path), phones=PHONE))
        assert [r["name"] for r in report["runtimes"]] == expected
