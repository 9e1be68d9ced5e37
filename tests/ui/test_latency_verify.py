"""The Latency tab's "Verify outputs on the device": the run's outputs judged on a virtual phone."""

from __future__ import annotations

import shutil

import pytest
from ui_helpers import click, start_virtual_phone

BENCH_TIMEOUT_MS = 180_000


def _tab(window):
    window.tabs.setCurrentWidget(window._pages["latency"])
    return window.latency_tab


def test_the_checkbox_asks_the_benchmark_to_verify(converted):
    tab = _tab(converted)
    assert tab.config().verify is False
    tab.verify_check.setChecked(True)
    assert tab.config().verify is True
    assert tab.verify_label.text() == ""


@pytest.mark.slow
def test_a_verified_run_shows_its_verdict(qtbot, converted, sample_artifacts, tmp_path):
    window = converted
    onnx = next(a.path for a in window.state.artifacts if a.target == "onnx")
    beside = sample_artifacts.report_path.parent  # the conversion's report and its outputs
    for name in ("report.json", "verification.npz"):
        shutil.copy(beside / name, onnx.parent / name)
    virtual = start_virtual_phone(qtbot, window)
    tab = _tab(window)
    tab.set_checked(tab.artifact_list, [str(onnx)])
    tab.set_checked(tab.device_list, [virtual.serial])
    tab.iterations_radio.setChecked(True)
    tab.iterations_spin.setValue(10)
    tab.verify_check.setChecked(True)
    click(qtbot, tab.start_button)
    qtbot.waitUntil(lambda: bool(tab.runs) and not tab.running, timeout=BENCH_TIMEOUT_MS)
    [run] = tab.runs
    assert run.result is not None and run.result.error is None, run.result.error
    assert run.result.verification["verdict"] == "pass"
    text = tab.verify_label.text()
    assert text.startswith(f"{run.label}: outputs on the device pass (cosine 1.00000")
    assert "top-1 100%" in text and tab.verify_label.isVisible()
