"""The Latency tab: what it claims before a run, what it says of a virtual phone, the queue
and Stop, its table at 1366x768, its exported picture, many runs, another model."""

from __future__ import annotations

import csv
import json

import numpy as np
import pytest
from PySide6.QtGui import QImage
from ui_helpers import click, open_sample, start_virtual_phone

from studio import __version__
from studio.agent.results import BenchEvent
from studio.ui.latency_run import LatencyRun

BENCH_TIMEOUT_MS = 180_000


def latency_tab(window):
    window.tabs.setCurrentWidget(window._pages["latency"])
    return window.latency_tab


def feed(tab, serial: str, artifact: str, count: int, virtual: bool = True, batch: int = 500):
    """A run whose samples arrive as a benchmark's would, drawn as the timer would draw them."""
    run = tab.model.add(LatencyRun(serial, "Pixel 7", artifact, virtual=virtual, status="running"))
    rng = np.random.default_rng(len(tab.runs))
    latencies = rng.lognormal(np.log(300.0), 0.1, size=count)
    latencies[:: max(1, count // 50)] *= 40  # a long tail
    for start in range(0, count, batch):
        chunk = latencies[start : start + batch]
        index = np.arange(start, start + len(chunk))
        run.on_event(BenchEvent(serial, "samples", rows=np.c_[index, chunk, index * 1e3]))
        tab.refresh()
    tab._ticks = -1  # the next refresh is a full one
    tab.refresh()
    return run


def measure(qtbot, tab, device: str, artifacts: list[str], **settings):
    tab.set_checked(tab.artifact_list, artifacts)
    tab.set_checked(tab.device_list, [device])
    tab.warmup_spin.setValue(settings.get("warmup", 1))
    if "duration" in settings:
        tab.duration_radio.setChecked(True)
        tab.duration_spin.setValue(settings["duration"])
    else:
        tab.iterations_radio.setChecked(True)
        tab.iterations_spin.setValue(settings.get("iterations", 20))
    click(qtbot, tab.start_button)
    return [r for r in tab.runs if r.artifact in artifacts]


def artifact(window, target: str) -> str:
    return next(str(a.path) for a in window.state.artifacts if a.target == target)


def test_no_verdict_is_shown_before_a_run(converted):
    tab = latency_tab(converted)
    assert tab.budget_badge.isHidden() and tab.budget_title.isHidden()
    assert tab.budget_label.text() == ""


def test_the_statistics_table_fits_at_1366x768(qtbot, converted):
    window = converted
    window.resize(1366, 768)
    tab = latency_tab(window)
    for n in range(3):
        feed(tab, f"127.0.0.1:{5000 + n}", f"/out/mobilenet-v3-small-int8-{n}.pte", 3000)
    qtbot.wait(50)
    table = tab.stats_table
    header = table.horizontalHeader()
    assert header.length() <= table.viewport().width(), "columns run past the table's edge"
    shown = table.viewport().height() // table.rowHeight(0)
    assert shown >= 3, f"{shown} rows shown"
    metrics = table.fontMetrics()
    for column in range(3, table.columnCount() - 1):  # the numbers are never cut
        text = table.item(0, column).text()
        assert header.sectionSize(column) >= metrics.horizontalAdvance(text), text


def test_the_exported_picture_has_a_fixed_size_and_legends(qtbot, converted, tmp_path):
    tab = latency_tab(converted)
    run = feed(tab, "127.0.0.1:5000", "/out/model.pte", 15_000)
    assert tab.export(str(tmp_path / "plots.png"), "png")
    picture = QImage(str(tmp_path / "plots.png"))
    assert (picture.width(), picture.height()) == (1600, 1000)
    for legend in tab.plots.legends:
        names = [label.text for _sample, label in legend.items]
        assert any(run.label in name for name in names), names
    overflow = [label.text for _s, label in tab.plots.hist_legend.items][-1]
    assert overflow.startswith("above ") and "ms" in overflow


def test_twenty_runs_repainted_leave_the_tab_answering(qtbot, converted):
    tab = latency_tab(converted)
    for n in range(20):
        feed(tab, "127.0.0.1:5000", f"/out/model-{n}.pte", 3000)
    assert len(tab.runs) == 20
    assert len(tab.plots.series_plot.listDataItems()) == 20
    assert len(tab.plots.cdf_legend.items) == 20
    for n in range(20):  # the same runs again replace theirs: nothing piles up
        feed(tab, "127.0.0.1:5000", f"/out/model-{n}.pte", 500)
    assert len(tab.plots.series_plot.listDataItems()) == 20
    assert len(tab.plots.hist_plot.listDataItems()) <= 2
    answered = []
    from PySide6.QtCore import QTimer

    QTimer.singleShot(0, lambda: answered.append(True))
    qtbot.waitUntil(lambda: bool(answered), timeout=2000)
    tab.clear()
    assert tab.runs == [] and tab.plots.series_plot.listDataItems() == []


def test_opening_another_model_clears_the_runs_and_choices(qtbot, converted):
    window = converted
    tab = latency_tab(window)
    tab.refresh_choices()
    assert tab.artifact_list.count() > 0
    feed(tab, "127.0.0.1:5000", artifact(window, "pte"), 1000)
    open_sample(qtbot, window)
    assert tab.runs == [] and tab.stats_table.rowCount() == 0
    assert tab.artifact_list.count() == 0
    assert tab.plots.series_plot.listDataItems() == []


@pytest.mark.slow
def test_a_virtual_phone_is_named_virtual_in_the_tab_and_its_exports(qtbot, converted, tmp_path):
    window = converted
    virtual = start_virtual_phone(qtbot, window)
    tab = latency_tab(window)
    onnx = artifact(window, "onnx")
    (run,) = measure(qtbot, tab, virtual.serial, [onnx], iterations=30)
    qtbot.waitUntil(lambda: not tab.running, timeout=BENCH_TIMEOUT_MS)
    assert run.result is not None and run.result.error is None, run.result.error
    assert run.label.endswith("(virtual)")
    assert tab.stats_table.item(0, 0).text() == run.label
    series_names = [label.text for _s, label in tab.plots.series_legend.items]
    assert run.label in series_names
    assert "(virtual)" in window.statusBar().currentMessage()

    tab.export(str(tmp_path / "latency.csv"), "csv")
    rows = list(csv.DictReader((tmp_path / "latency.csv").open()))
    assert len(rows) == 30
    first = rows[0]
    assert (first["device"], first["virtual"]) == (virtual.serial, "true")
    assert "Pixel 7" in first["device_name"]
    assert (first["artifact"], first["runtime"]) == (
        run.result.artifact.rsplit("/", 1)[-1],
        "onnxruntime",
    )
    assert first["studio_version"] == __version__
    tab.export(str(tmp_path / "latency.json"), "json")
    doc = json.loads((tmp_path / "latency.json").read_text())
    assert doc["runs"][0]["virtual"] is True and doc["studio_version"] == __version__


def two_long_runs_queued(qtbot, window):
    """The Latency tab measuring the onnx artifact for two minutes, the pte one queued."""
    virtual = start_virtual_phone(qtbot, window)
    tab = latency_tab(window)
    first, second = measure(
        qtbot,
        tab,
        virtual.serial,
        [artifact(window, "onnx"), artifact(window, "pte")],
        duration=120,
    )
    return tab, first, second


@pytest.mark.slow
def test_stop_ends_the_first_queued_run_and_the_next_one_runs(qtbot, converted):
    tab, first, second = two_long_runs_queued(qtbot, converted)
    assert second.status == "waiting"
    qtbot.waitUntil(lambda: first.received > 0, timeout=BENCH_TIMEOUT_MS)
    click(qtbot, tab.stop_button)
    qtbot.waitUntil(lambda: first.done, timeout=60_000)
    assert first.result.stopped and first.result.error is None
    # the queue goes on: the second run starts, measures, and ends when stopped too
    qtbot.waitUntil(lambda: second.received > 0, timeout=BENCH_TIMEOUT_MS)
    assert tab.running
    click(qtbot, tab.stop_button)
    qtbot.waitUntil(lambda: not tab.running, timeout=60_000)
    assert second.result is not None and second.result.stopped
    assert second.result.samples == second.received > 0
    assert tab.start_button.isEnabled()


@pytest.mark.slow
def test_stop_all_ends_the_queue_and_says_what_did_not_run(qtbot, converted):
    tab, first, second = two_long_runs_queued(qtbot, converted)
    qtbot.waitUntil(lambda: first.received > 0, timeout=BENCH_TIMEOUT_MS)
    click(qtbot, tab.stop_all_button)
    qtbot.waitUntil(lambda: not tab.running, timeout=60_000)
    assert first.result.stopped
    assert second.skipped and second.status == "not run" and second.received == 0
    rows = {tab.stats_table.item(r, 0).text(): r for r in range(tab.stats_table.rowCount())}
    assert tab.stats_table.item(rows[second.label], 2).text() == "not run"
    assert tab.start_button.isEnabled()


@pytest.mark.slow
def test_twenty_benchmark_runs_on_the_virtual_phone(qtbot, converted):
    window = converted
    virtual = start_virtual_phone(qtbot, window)
    tab = latency_tab(window)
    onnx = artifact(window, "onnx")
    tab.budget_edit.setText("p90=2000ms")
    for _ in range(20):
        (run,) = measure(qtbot, tab, virtual.serial, [onnx], iterations=20)
        qtbot.waitUntil(lambda: not tab.running, timeout=BENCH_TIMEOUT_MS)
        assert run.result is not None and run.result.error is None, run.result.error
        assert run.received == 20
    assert len(tab.runs) == 1  # each run replaced the one before
    assert len(tab.plots.series_plot.listDataItems()) == 2  # its series and the budget's entry
    assert tab.budget_badge.verdict == "pass" and tab.budget_badge.isVisible()
