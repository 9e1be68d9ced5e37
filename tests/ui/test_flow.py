"""The whole flow through the widgets: sample model → int8 pte and ptl → compatibility →
virtual phone → push → live latency → export."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from ui_helpers import click, wait_done

CONVERT_TIMEOUT_MS = 240_000
BENCH_TIMEOUT_MS = 180_000


def plotted(latency, run) -> int:
    """How many samples the scrolling series of ``run`` shows."""
    curves = latency.curves.get(run.key)
    if curves is None:
        return 0
    y = curves[0].yData  # all the points it holds (drawing may thin them out)
    return 0 if y is None else len(y)


@pytest.mark.slow
def test_checkpoint_to_latency_plot_with_clicks(qtbot, window, tmp_path):
    # 1. Model: the first-start offer opens the sample (and starts a virtual phone).
    assert window.welcome.isVisible()
    click(qtbot, window.try_sample_button)
    assert not window.welcome.isVisible() and not window.settings.first_run
    wait_done(qtbot, window.model_tab.inspect_job)
    assert window.state.model_ready
    model = window.model_tab
    assert model.summary_labels["architecture"].text() == "digits_cnn"
    assert "[1, 1, 32, 32]" in model.summary_labels["inputs"].text()
    assert model.layers_table.rowCount() >= 2
    assert window.tabs.isTabEnabled(1) and not window.tabs.isTabEnabled(2)
    click(qtbot, model.classify_button)
    wait_done(qtbot, model.classify_job)
    assert model.top_table.rowCount() == 5
    assert model.top_table.item(0, 0).text() == "3"

    # 2. Convert: pte and ptl, static int8 calibrated on the sample's digits.
    click(qtbot, model.next_button)
    convert = window.convert_tab
    assert window.tabs.currentIndex() == 1 and convert.isVisible()
    convert.target_boxes["ptl"].setChecked(True)
    convert.target_boxes["pte"].setChecked(True)
    convert.quantize_combo.setCurrentIndex(convert.quantize_combo.findData("static"))
    assert convert.calibration_edit.isEnabled()
    assert Path(convert.calibration_edit.text()).is_dir()  # the sample's digits, filled in
    out = tmp_path / "artifacts"
    convert.output_edit.setText(str(out))
    assert convert.problem_label.text() == ""
    click(qtbot, convert.convert_button)
    assert not convert.convert_button.isEnabled()  # one conversion at a time
    job = wait_done(qtbot, convert.job, CONVERT_TIMEOUT_MS)
    assert job.error is None, job.error
    assert {a.target for a in window.state.artifacts} == {"pte", "ptl"}
    assert all(a.path.parent == out and a.path.is_file() for a in window.state.artifacts)
    assert all("-int8" in a.name for a in window.state.artifacts)
    assert convert.results.topLevelItemCount() == 2
    verdicts = {a.verdict for a in window.state.artifacts}
    assert verdicts <= {"pass", "warn", "fail"} and verdicts  # verified, with a verdict each
    first = convert.results.topLevelItem(0)
    assert first.childCount() > 0  # the numbers behind the badge
    assert any(
        first.child(i).text(0).startswith("cosine similarity: 0.9")
        for i in range(first.childCount())
    )
    assert convert.folder_button.isEnabled()
    assert window.tabs.isTabEnabled(2)

    # 3. Compatibility: a verdict per artifact and runtime, operators, an export.
    click(qtbot, convert.next_button)
    compat = window.compat_tab
    wait_done(qtbot, compat.job)
    assert compat.job.error is None, compat.job.error
    assert compat.grid.rowCount() == 2
    assert compat.grid.columnCount() > 2
    cells = [
        compat.grid.item(r, c).text()
        for r in range(compat.grid.rowCount())
        for c in range(1, compat.grid.columnCount())
    ]
    assert any("ready" in c or "fallback" in c for c in cells)
    assert compat.ops_table.rowCount() > 0
    compat.filter_edit.setText("conv")
    visible = compat.visible_operators()
    assert visible and all("conv" in name.lower() for name in visible)
    html = tmp_path / "compat.html"
    wait_done(qtbot, compat.export_report(str(html), "html"))
    assert html.read_text().lstrip().lower().startswith("<!doctype html")

    # 4. Devices: a virtual phone, push with a checksum.
    window.go_to("devices")
    devices = window.devices_tab
    wait_done(qtbot, devices.virtual_task, 60_000)  # started by the first-start offer
    assert devices.virtual_task.error is None, devices.virtual_task.error
    virtual = next(iter(devices.virtual_devices.values()))
    qtbot.waitUntil(
        lambda: any(d.serial == virtual.serial and d.ready for d in window.state.devices),
        timeout=30_000,
    )
    devices.select_device(virtual.serial)
    assert "Pixel 7" in devices.facts_label.text()
    click(qtbot, devices.push_button)
    wait_done(qtbot, devices.push_task, 60_000)
    assert devices.push_task.error is None, devices.push_task.error
    assert len(devices.last_push) == 2
    for pushed in devices.last_push:
        on_phone = virtual.host_path(pushed["remote_path"])
        assert on_phone.read_bytes() == Path(pushed["local_path"]).read_bytes()
    assert "SHA-256" in devices.push_result.text()
    assert window.tabs.isTabEnabled(4)

    # 5. Latency: the int8 pte on the virtual phone, live, with a budget.
    click(qtbot, devices.next_button)
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

    # 6. Export the run.
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

    # 7. Back to compatibility: the phone's own runtimes beside the built-in ones, and a fix.
    window.go_to("compat")
    click(qtbot, compat.device_button)
    wait_done(qtbot, compat.devices_task, 120_000)
    assert compat.devices_task.error is None, compat.devices_task.error
    assert window.state.device_runtimes[virtual.serial]
    wait_done(qtbot, compat.job)
    names = [name for name, _title in compat.runtime_columns()]
    assert any(name.startswith(virtual.serial + "/") for name in names)
    ptl_row = next(
        r for r in range(compat.grid.rowCount()) if compat.grid.item(r, 0).text().endswith(".ptl")
    )
    old = names.index("pytorch-lite-v5") + 1
    compat.grid.setCurrentCell(ptl_row, old)
    assert "fail" in compat.grid.item(ptl_row, old).text()
    click(qtbot, compat.fix_button)
    wait_done(qtbot, compat.fix_job)
    assert compat.fix_job.error is None, compat.fix_job.error
    fixed = Path(compat.fix_job.result["output"])
    assert fixed.is_file() and any(a.path == fixed for a in window.state.artifacts)
    qtbot.waitUntil(lambda: compat.grid.rowCount() == 3, timeout=60_000)
    row = next(r for r in range(3) if compat.grid.item(r, 0).text() == fixed.name)
    assert "ready" in compat.grid.item(row, old).text()
