"""The Latency tab runs artifacts together on one virtual phone: a series and a legend entry
each, in its own colour, and the slowdown in the summary; what it refuses."""

from __future__ import annotations

import pytest
from ui_helpers import click, close_errors, last_error, start_virtual_phone

BENCH_TIMEOUT_MS = 180_000


def artifact(window, target: str) -> str:
    return next(str(a.path) for a in window.state.artifacts if a.target == target)


def legend_names(legend) -> list[str]:
    return [label.text for _sample, label in legend.items]


@pytest.mark.slow
def test_two_artifacts_run_together_with_their_slowdown(qtbot, converted):
    window = converted
    virtual = start_virtual_phone(qtbot, window)
    window.go_to("latency")
    tab = window.latency_tab
    pte, onnx = artifact(window, "pte"), artifact(window, "onnx")
    tab.set_checked(tab.artifact_list, [pte, onnx])
    tab.set_checked(tab.device_list, [virtual.serial])
    tab.together_check.setChecked(True)
    tab.warmup_spin.setValue(2)
    tab.duration_radio.setChecked(True)
    tab.duration_spin.setValue(0.5)
    click(qtbot, tab.start_button)
    assert len(tab.tasks) == 1  # one task for the device, both models in it
    qtbot.waitUntil(lambda: not tab.running, timeout=BENCH_TIMEOUT_MS)
    runs = tab.runs
    assert sorted(r.artifact for r in runs) == sorted([pte, onnx])
    for run in runs:
        assert run.result is not None and run.result.error is None, run.result.error
        together = run.result.together
        assert together["slowdown_p50"] > 0 and together["overlap_s"] > 0
        assert run.received == run.result.samples > 0  # the together series is plotted
        series = tab.curves[run.key][0]
        assert len(series.yData) == run.received
    first, second = (tab.curves[r.key][0] for r in runs)
    assert first.opts["pen"].color().name() != second.opts["pen"].color().name()
    names = legend_names(tab.plots.series_legend)
    assert runs[0].label in names and runs[1].label in names
    summary = tab.together_label.text()
    for run in runs:
        assert f"{run.label}: p50" in summary
        assert f"({run.result.together['slowdown_p50']:.2f}× slower)" in summary


def test_together_needs_two_artifacts_and_one_device(qtbot, converted):
    window = converted
    tab = window.latency_tab
    # two devices the window lists as ready (no phone behind them: the tab refuses before
    # it reaches a device, so a listed entry is all the refusal needs)
    from studio.ui.state import Device

    listed = [
        Device(s, "device", "127.0.0.1:5037", "Pixel 7") for s in ("emulator-1", "emulator-2")
    ]
    window.state.set_devices(listed)
    tab.refresh_choices()
    tab.together_check.setChecked(True)
    tab.set_checked(tab.artifact_list, [artifact(window, "onnx")])
    tab.set_checked(tab.device_list, ["emulator-1"])
    click(qtbot, tab.start_button)
    assert "two artifacts" in last_error(window).message
    close_errors()
    tab.set_checked(tab.artifact_list, [artifact(window, "onnx"), artifact(window, "pte")])
    tab.set_checked(tab.device_list, ["emulator-1", "emulator-2"])
    click(qtbot, tab.start_button)
    assert "one device" in last_error(window).message
    close_errors()
    assert not tab.running and not tab.runs
