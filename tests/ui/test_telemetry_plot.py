"""The Latency tab's telemetry plot: temperature and CPU frequency on the series' axis.

Real widgets (offscreen Qt); the runs are fed the events a benchmark sends, built here.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from studio.agent.results import BenchConfig, BenchEvent, BenchResult
from studio.ui.latency_run import LatencyRun
from studio.ui.telemetry_view import inference_numbers

CLUSTERS = [
    {"name": "little", "cores": [0, 1], "max_khz": 1_800_000},
    {"name": "big", "cores": [2, 3], "max_khz": 2_800_000},
]
DESCRIBED = {"simulated": True, "interval_s": 0.5, "clusters": CLUSTERS, "zones": {}}


def telemetry_event(t_us: int, phase: str = "run", big_khz: int = 2_800_000, soc=40.0):
    sample = {
        "t_us": t_us,
        "phase": phase,
        "cpu_freq_khz": [900_000, 950_000, big_khz, big_khz - 100_000],
        "temp_c": {"soc": soc, "cpu": soc + 1.0},
        "battery": {"level": 50},
    }
    return BenchEvent("dev", "telemetry", telemetry={**DESCRIBED, "sample": sample})


def latency_rows(count: int, start_us: int = 1_000_000, step_us: int = 1000) -> np.ndarray:
    return np.array([[i, 800.0, start_us + i * step_us] for i in range(count)], dtype=float)


def fed_run() -> LatencyRun:
    run = LatencyRun("dev", "Pixel 7", "model.pte", virtual=True)
    run.on_event(telemetry_event(500_000, "idle", big_khz=600_000))  # before the first inference
    run.on_event(BenchEvent("dev", "samples", rows=latency_rows(1000)))
    for i, t in enumerate(range(1_000_000, 2_000_000, 250_000)):
        run.on_event(telemetry_event(t, big_khz=2_800_000 - i * 300_000, soc=40.0 + i))
    return run


def test_the_view_model_imports_no_qt():
    code = "import sys, studio.ui.telemetry_view; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_times_land_on_the_inference_axis():
    rows = latency_rows(11, start_us=1000, step_us=100)  # inference i starts at 1000 + 100 i
    x = inference_numbers(np.array([500, 1000, 1450, 2000, 2500]), rows)
    assert np.isnan(x[0])  # before the run: no inference number
    assert x[1:].tolist() == pytest.approx([0, 4.5, 10, 15])  # after it: at the run's rate


def test_curves_of_a_run_skip_the_baseline_and_follow_each_cluster():
    curves = fed_run().telemetry.curves(latency_rows(1000))
    assert curves.x.tolist() == pytest.approx([0, 250, 500, 750])
    assert curves.temperature_c.tolist() == [41.0, 42.0, 43.0, 44.0]  # the hottest zone
    names = [name for name, _ in curves.clusters]
    assert names == ["little", "big"]
    big = dict(curves.clusters)["big"]
    assert big.tolist() == pytest.approx([2.8, 2.5, 2.2, 1.9])


def test_the_plot_draws_the_latest_run_under_the_latency_series(qtbot):
    from studio.ui.widgets.latency_plots import LatencyPlots
    from studio.ui.widgets.telemetry_plot import TelemetryPlot

    plots, plot = LatencyPlots(), TelemetryPlot()
    qtbot.addWidget(plots)
    qtbot.addWidget(plot)
    plot.follow(plots.series_plot)
    plot.show_runs([])
    assert plot.cluster_curves == {} and "during a run" in plot.temp_plot.titleLabel.text
    run = fed_run()
    plot.show_runs([run])
    x, temps = plot.temp_curve.getData()
    assert list(x) == pytest.approx([0, 250, 500, 750]) and list(temps) == [41, 42, 43, 44]
    assert set(plot.cluster_curves) == {"little", "big"}
    _, big = plot.cluster_curves["big"].getData()
    assert list(big) == pytest.approx([2.8, 2.5, 2.2, 1.9])
    title = plot.temp_plot.titleLabel.text
    assert run.label in title and "simulated" in title
    # the whole run is shown, and the inferences the latency series shows are shaded
    plots.series_plot.setXRange(100, 400, padding=0)
    for window in plot.windows:
        assert window.isVisible() and window.getRegion() == pytest.approx((100, 400))
    plot.grab()  # auto-ranged as it paints
    low, high = plot.freq_plot.viewRange()[0]
    assert low <= 0 and high >= 750
    # a run that ended: its recorded series replaces what arrived live
    result = BenchResult("dev", "model.pte", BenchConfig())
    result.telemetry = {**DESCRIBED, "samples": [telemetry_event(1_100_000).telemetry["sample"]]}
    run.on_event(BenchEvent("dev", "done", result=result))
    plot.show_runs([run])
    assert list(plot.temp_curve.getData()[0]) == pytest.approx([100])


def test_many_repaints_while_samples_arrive(qtbot):
    """The plot is repainted hundreds of times as a run streams; Qt keeps painting soundly."""
    from studio.ui.widgets.telemetry_plot import TelemetryPlot

    plot = TelemetryPlot()
    qtbot.addWidget(plot)
    plot.resize(640, 240)
    plot.show()
    run = LatencyRun("dev", "Pixel 7", "model.pte")
    before = sys.getrefcount(None)
    for step in range(300):
        run.on_event(
            BenchEvent("dev", "samples", rows=latency_rows(10, 1_000_000 + step * 10_000, 1000))
        )
        run.on_event(telemetry_event(1_000_000 + step * 10_000, soc=40 + step / 30))
        plot.show_runs([run])
        plot.grab()
    assert len(plot.temp_curve.getData()[0]) == 300
    assert plot.isVisible()
    # a build that loses references to None as it paints would have lost hundreds by now
    # (what the run keeps may hold a few more)
    assert sys.getrefcount(None) >= before - 50
