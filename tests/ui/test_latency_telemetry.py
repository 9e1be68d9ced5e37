"""The Latency tab shows temperature and CPU frequency under the latency plot during a run
on a virtual phone (its telemetry simulated from the device's profile)."""

from __future__ import annotations

from ui_helpers import click, start_virtual_phone

BENCH_TIMEOUT_MS = 180_000


def test_temperature_and_frequency_are_plotted_live_during_a_run(qtbot, converted):
    window = converted
    virtual = start_virtual_phone(qtbot, window)
    window.tabs.setCurrentWidget(window._pages["latency"])
    tab = window.latency_tab
    onnx = next(str(a.path) for a in window.state.artifacts if a.target == "onnx")
    tab.set_checked(tab.artifact_list, [onnx])
    tab.set_checked(tab.device_list, [virtual.serial])
    tab.warmup_spin.setValue(1)
    tab.duration_radio.setChecked(True)
    tab.duration_spin.setValue(4)
    plot = tab.telemetry_plot
    assert plot.cluster_curves == {}
    click(qtbot, tab.start_button)
    [run] = tab.runs

    def drawn_while_running() -> bool:
        x = plot.temp_curve.getData()[0]
        return tab.running and x is not None and len(x) >= 2

    qtbot.waitUntil(drawn_while_running, timeout=BENCH_TIMEOUT_MS)
    assert set(plot.cluster_curves) == {"little", "mid", "big"}  # the Pixel 7's clusters
    assert run.label in plot.temp_plot.titleLabel.text
    assert "simulated" in plot.temp_plot.titleLabel.text
    qtbot.waitUntil(lambda: not tab.running, timeout=BENCH_TIMEOUT_MS)
    assert run.result.error is None, run.result.error
    samples = run.result.telemetry["samples"]
    x, temps = plot.temp_curve.getData()
    measured = [s for s in samples if s["phase"] == "run" and s["t_us"] >= run.samples.view()[0, 2]]
    assert len(x) == len(measured) >= 5  # not the baseline's, nor those before the first inference
    assert min(temps) > 20 and max(temps) < 90
    _x, big = plot.cluster_curves["big"].getData()
    assert max(big) > 2.0  # GHz, near the profile's maximum under load
    # the plot lies under the latency plots, in the same column
    assert plot.isVisible() and plot.geometry().top() >= tab.plots.geometry().bottom()
