"""Verdicts of real artifacts against every bundled runtime, advice, and the exports."""

from __future__ import annotations

import csv
import io
import json

import pytest

from studio.compat import check, load_profile, load_profiles, read_operators
from studio.compat.export import to_csv, to_html, to_json, write_report
from studio.compat.profiles import RuntimeProfile
from studio.compat.report import FAIL, FALLBACK, MISSING, READY, STATUSES, VERDICTS

# These tests share real converted models built once per session (tens of seconds).
pytestmark = pytest.mark.slow

LITE = ("pytorch-lite-v5", "pytorch-lite-v7", "pytorch-lite-v8")
EXECUTORCH = ("executorch-portable", "executorch-xnnpack")
ORT = ("ort-cpu", "ort-nnapi", "ort-coreml")


@pytest.fixture(scope="module")
def profiles():
    return load_profiles()


def verdicts(report) -> dict[str, str]:
    return {r.name: r.verdict for r in report.runtimes}


def assert_well_formed(report, profiles):
    assert [r.name for r in report.runtimes] == [p.name for p in profiles]
    for r in report.runtimes:
        assert r.verdict in VERDICTS
        assert (r.verdict == FAIL) == bool(r.unsupported)
        assert (r.verdict == FALLBACK) == (bool(r.fallback) and not r.unsupported)
    for row in report.operators:
        assert set(row.status) == {p.name for p in profiles}
        assert set(row.status.values()) <= set(STATUSES)


def test_ptl_against_every_runtime(model, profiles):
    report = check(model.ptl, profiles)
    assert_well_formed(report, profiles)
    v = verdicts(report)
    assert v["pytorch-lite-v8"] == READY
    for name in ("pytorch-lite-v5", "pytorch-lite-v7"):
        assert v[name] == FAIL
        high = load_profile(name).max_bytecode_version
        assert report.runtime(name).unsupported == [f"bytecode version 8 (reads up to {high})"]
        assert [(f.action, f.value) for f in report.runtime(name).fixes] == [("backport", high)]
    assert "the studio can write the model again at version 7" in " ".join(
        report.runtime("pytorch-lite-v7").advice
    )
    for name in EXECUTORCH + ORT:
        assert v[name] == FAIL
        assert report.runtime(name).unsupported == ["format PyTorch Lite model (.ptl)"]


def test_pte_against_every_runtime(model, profiles):
    report = check(model.pte, profiles)
    assert_well_formed(report, profiles)
    v = verdicts(report)
    assert v["executorch-xnnpack"] == READY
    assert v["executorch-portable"] == FAIL
    assert report.runtime("executorch-portable").unsupported == ["delegate XnnpackBackend"]
    delegated = [row for row in report.operators if row.kind == "delegated"]
    assert delegated and all(row.status["executorch-xnnpack"] == "delegated" for row in delegated)
    assert all(row.status["executorch-portable"] == MISSING for row in delegated)
    for name in LITE + ORT:
        assert v[name] == FAIL


def test_onnx_against_every_runtime(model, profiles):
    report = check(model.onnx, profiles)
    assert_well_formed(report, profiles)
    v = verdicts(report)
    assert v["ort-cpu"] == READY
    nnapi = load_profile("ort-nnapi").accelerated_operators
    off_nnapi = sorted(
        op.name for op in read_operators(model.onnx).operators if f"ai.onnx:{op.name}" not in nnapi
    )
    assert report.runtime("ort-nnapi").fallback == off_nnapi
    assert v["ort-nnapi"] == (FALLBACK if off_nnapi else READY)
    assert v["ort-coreml"] in (READY, FALLBACK)
    for name in LITE + EXECUTORCH:
        assert v[name] == FAIL


def test_resnet18_runs_whole_on_nnapi(resnet18):
    report = check(resnet18.onnx, [load_profile("ort-nnapi")])
    nnapi = report.runtime("ort-nnapi")
    assert nnapi.verdict == READY
    assert nnapi.partitions == 1
    assert nnapi.nodes_on_accelerator == nnapi.nodes_total


def test_cos_falls_back_on_nnapi_and_splits_the_graph(cos_onnx):
    report = check(cos_onnx, [load_profile("ort-cpu"), load_profile("ort-nnapi")])
    assert report.runtime("ort-cpu").verdict == READY
    nnapi = report.runtime("ort-nnapi")
    assert nnapi.verdict == FALLBACK
    assert nnapi.fallback == ["Cos"]
    assert nnapi.fallback_count == 1
    assert nnapi.partitions == 2  # Conv before Cos, the rest after it
    advice = " ".join(nnapi.advice)
    assert "Cos is not supported by NNAPI" in advice and "2 NNAPI partitions" in advice
    row = next(r for r in report.operators if r.name == "Cos")
    assert row.status == {"ort-cpu": "supported", "ort-nnapi": "fallback"}


def test_dynamic_batch_keeps_the_model_off_nnapi(cos_onnx_dynamic_batch):
    report = check(cos_onnx_dynamic_batch, [load_profile("ort-nnapi"), load_profile("ort-coreml")])
    nnapi = report.runtime("ort-nnapi")
    assert nnapi.verdict == FALLBACK
    assert nnapi.nodes_on_accelerator == 0 and nnapi.partitions == 0
    assert set(nnapi.fallback) == {
        op.name for op in read_operators(cos_onnx_dynamic_batch).operators
    }
    assert "NNAPI takes only fixed input shapes, and input has a dynamic dimension" in " ".join(
        nnapi.advice
    )
    assert report.runtime("ort-coreml").verdict == READY  # CoreML takes dynamic shapes


def test_nnapi_without_a_cpu_kernel_fails(cos_onnx):
    """A device whose runtime lacks Cos altogether (a reduced build) cannot run the model."""
    profile = load_profile("ort-nnapi").to_dict()
    del profile["operators"]["ai.onnx:Cos"]
    reduced = RuntimeProfile.from_dict({**profile, "name": "ort-nnapi-reduced"})
    result = check(cos_onnx, [reduced]).runtime("ort-nnapi-reduced")
    assert result.verdict == FAIL
    assert result.unsupported == ["Cos"]


def test_opset_too_new(resnet18):
    profile = load_profile("ort-cpu").to_dict()
    profile["opsets"]["ai.onnx"] = [7, 13]
    old = RuntimeProfile.from_dict({**profile, "name": "ort-old"})
    result = check(resnet18.onnx, [old]).runtime("ort-old")
    assert result.verdict == FAIL
    assert result.unsupported == ["opset 17 (reads up to 13)"]
    assert [(f.action, f.value) for f in result.fixes] == [("opset", 13)]
    assert result.fixes[0].option == "--fix opset=13"
    assert "--fix" not in " ".join(result.advice)  # the window shows advice too


def test_portable_program_on_xnnpack_gets_advice(portable_pte):
    report = check(portable_pte, [load_profile(n) for n in EXECUTORCH])
    assert verdicts(report) == {"executorch-portable": READY, "executorch-xnnpack": READY}
    assert "not lowered to XNNPACK" in " ".join(report.runtime("executorch-xnnpack").advice)


def test_pt_is_not_for_the_lite_runtime(torchscript_pt):
    result = check(torchscript_pt, [load_profile("pytorch-lite-v8")]).runtime("pytorch-lite-v8")
    assert result.verdict == FAIL
    assert "reads .ptl" in " ".join(result.advice)


def test_ort_file_on_accelerators(mobilenet_ort, profiles):
    report = check(mobilenet_ort, profiles)
    assert_well_formed(report, profiles)
    assert verdicts(report)["ort-cpu"] == READY
    nnapi = report.runtime("ort-nnapi")
    assert nnapi.verdict == FALLBACK and nnapi.partitions > 2
    assert "com.microsoft:FusedConv" in nnapi.fallback


def test_exports(cos_onnx, tmp_path):
    report = check(cos_onnx, [load_profile(n) for n in ORT])
    data = json.loads(to_json(report))
    assert data["artifact"] == str(cos_onnx)
    assert {r["name"] for r in data["runtimes"]} == set(ORT)
    assert all({"name", "count", "status"} <= set(op) for op in data["operators"])

    rows = list(csv.reader(io.StringIO(to_csv(report))))
    assert rows[0] == ["operator", "count", "kind", "domain", *ORT]
    cos = next(row for row in rows if row and row[0] == "Cos")
    assert cos[4:] == ["supported", "fallback", "delegated"]  # CoreML takes Cos

    page = to_html(report)
    assert page.startswith("<!DOCTYPE html>") and "Cos" in page and "ort-nnapi" in page
    assert "http" not in page.replace("http-equiv", "")  # self-contained: nothing fetched
    target = write_report(report, tmp_path / "out" / "report.html", "html")
    assert target.read_text() == page
