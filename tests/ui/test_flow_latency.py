"""The Latency tab over converted artifacts and a virtual phone: a live run with a budget,
its exports, and Stop on a long run."""

from __future__ import annotations

import csv
import json

import pytest
from ui_helpers import click, start_virtual_phone

BENCH_TIMEOUT_MS = 180_000


def plotted(latency, run) -> int:
    """How many samples the scrolling series of ``run`` shows."""
    curves = latency.curves.get(run.key)
    if curves is None:
        return 0
    y = curves[0].yData  # all the points it holds (drawing may thin them out)
    return 0 if y is None else len(y)


@pytest.mark.slow
def test_a_live_run_with_a_budget_its_exports_and_stop(qtbot, converted, tmp_path):
    window = converted
    virtual = start_virtual_phone(qtbot, window)
    assert window.tabs.isTabEnabled(4)
    window.go_to("latency")
    assert window.tabs.currentIndex() == 4
    latency = window.latency_tab
    pte = next(str(a.path) for a in window.state.artifacts if a.target == "pte")
    latency.set_checked(latency.artifact_list, [pte])
    latency.set_checked(latency.device_list, [virtual.serial])
    latency.iterations_spin.setValue(300)
    latency.warmup_spin.setValue(5)
    latency.budget_edit.setText("p90=2000ms")
    click(qtbot, latency.start_button)
    assert latency.stop_button.isEnabled()
    run = latency.runs[0]
    # The plot receives samples while the run goes on.
    qtbot.waitUntil(lambda: plotted(latency, run) > 0, timeout=BENCH_TIMEOUT_MS)
    qtbot.waitUntil(lambda: not latency.running, timeout=BENCH_TIMEOUT_MS)
    assert run.result is not None and run.result.error is None, run.result and run.result.error
    assert run.received == 300
    assert plotted(latency, run) == 300
    assert latency.stats_table.item(0, 3).text() == "300"
    assert latency.budget_badge.verdict == "pass"
    assert latency.curves[run.key][1].yData[-1] == pytest.approx(1.0)

    # Export the run.
    assert latency.export(str(tmp_path / "latency.csv"), "csv")
    rows = list(csv.DictReader((tmp_path / "latency.csv").open()))
    assert len(rows) == 300 and rows[0]["device"] == virtual.serial
    assert latency.export(str(tmp_path / "latency.json"), "json")
    doc = json.loads((tmp_path / "latency.json").read_text())
    assert len(doc["runs"][0]["latencies_us"]) == 300
    assert latency.export(str(tmp_path / "plots.png"), "png")
    assert (tmp_path / "plots.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Stop ends a long run early and keeps what it measured.
    latency.duration_radio.setChecked(True)
    latency.duration_spin.setValue(120)
    click(qtbot, latency.start_button)
    long_run = latency.runs[0]
    qtbot.waitUntil(lambda: plotted(latency, long_run) > 0, timeout=BENCH_TIMEOUT_MS)
    click(qtbot, latency.stop_button)
    qtbot.waitUntil(lambda: not latency.running, timeout=60_000)
    assert long_run.result is not None and long_run.result.stopped
    assert long_run.result.samples == long_run.received > 0
    assert window.status_devices.text().startswith("Devices:")
