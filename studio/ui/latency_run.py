"""Benchmark runs as the Latency tab shows them: samples, statistics, plots' data, the queue.

No Qt here. A :class:`LatencyRun` holds one run's samples in one
:class:`~studio.agent.stats.SampleSeries` (benchmark threads add to it under its lock;
the tab reads it without copying); its statistics come from
:func:`studio.agent.stats.compute` and nowhere else. Samples stay in microseconds, the
agent's unit, and are converted to the display unit (:data:`UNIT`) only for what is
drawn: the last samples of the series, the CDF's points, the histogram's edges.

:class:`LatencyRuns` is the tab's list of runs with its events; :func:`run_queue` runs a
device's queued runs one after another on a background thread.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from studio.agent.budget import BudgetCheck
from studio.agent.stats import LatencyStats, SampleSeries
from studio.ui.state import Event
from studio.ui.telemetry_view import RunTelemetry

UNIT = "ms"  # what the plots and the table show
US_PER_UNIT = 1e3
SERIES_WINDOW = 2000  # samples shown in the scrolling series
HIST_BINS = 40
FENCE_IQR = 3.0  # the histogram ends at Q3 + 3 IQR; slower samples go to its overflow bar
CDF_POINTS = 400


@dataclass(frozen=True)
class Histogram:
    """Bins in the display unit; ``overflow`` samples lie above the last edge."""

    edges: np.ndarray
    counts: np.ndarray
    overflow: int = 0

    @property
    def top(self) -> float:
        return float(self.edges[-1]) if len(self.edges) else 0.0


def histogram(latencies_us: np.ndarray, bins: int = HIST_BINS) -> Histogram:
    """Bins from the fastest sample to the outlier fence; the slow tail in ``overflow``.

    The fence is Tukey's far-out limit, Q3 + 3 × IQR: a few very slow samples (a pause, a
    thermal throttle) would otherwise stretch equal bins so far that nearly every sample
    lands in the first one.
    """
    values = np.asarray(latencies_us, dtype=np.float64)
    if not values.size:
        return Histogram(np.empty(0), np.empty(0, dtype=np.int64))
    low, high = float(values.min()), float(values.max())
    q1, q3 = np.percentile(values, (25, 75))
    top = min(high, float(q3 + FENCE_IQR * (q3 - q1)))
    if top <= low:  # all samples alike
        top = low + max(abs(low) * 1e-3, 1e-3)
    counts, edges = np.histogram(values, bins=bins, range=(low, top))
    overflow = int(np.count_nonzero(values > top))
    return Histogram(edges / US_PER_UNIT, counts, overflow)


def cdf(latencies_us: np.ndarray, points: int = CDF_POINTS) -> tuple[np.ndarray, np.ndarray]:
    """The empirical CDF at up to ``points`` quantiles: (latency in the unit, fraction)."""
    values = np.asarray(latencies_us)
    if not values.size:
        return np.empty(0), np.empty(0)
    fractions = np.linspace(0.0, 1.0, min(points, values.size))
    return np.quantile(values, fractions) / US_PER_UNIT, fractions


class LatencyRun:
    """One artifact benchmarked on one device: fed by its benchmark thread, read by the tab."""

    def __init__(
        self,
        serial: str,
        device_name: str,
        artifact: str,
        virtual: bool = False,
        device_label: str | None = None,
        status: str = "",
    ):
        self.serial = serial
        self.device_name = device_name
        self.virtual = virtual
        # how the run names its device: "Pixel 7 (virtual)"; the tab passes its translation
        self.device_label = device_label or (device_name + (" (virtual)" if virtual else ""))
        self.artifact = str(artifact)
        self.status = status
        self.samples = SampleSeries()
        self.telemetry = RunTelemetry()  # temperatures and CPU frequencies during the run
        self.result = None  # the BenchResult once it ended
        self.skipped = False  # never started: the queue was stopped first
        self._lock = threading.Lock()
        self._bench = None
        self._stop_requested = False
        self._shown = 0  # samples the tab has drawn

    @property
    def key(self) -> tuple[str, str]:
        return (self.serial, self.artifact)

    @property
    def label(self) -> str:
        return f"{Path(self.artifact).name} @ {self.device_label}"

    @property
    def received(self) -> int:
        return len(self.samples)

    @property
    def done(self) -> bool:
        return self.result is not None or self.skipped

    @property
    def measuring(self) -> bool:
        with self._lock:
            return self._bench is not None and not self.done

    @property
    def error(self):
        return self.result.error if self.result is not None else None

    # --- fed from the benchmark's thread --------------------------------------------------

    def on_event(self, event) -> None:
        """The benchmark's callback (called on its thread)."""
        if event.kind == "samples" and event.rows is not None:
            self.samples.add(event.rows)
        elif event.kind == "telemetry" and event.telemetry is not None:
            self.telemetry.add(event.telemetry)
        elif event.kind in ("status", "progress"):  # progress: the agent's first push
            self.status = event.message
        elif event.kind == "done":
            self.status = event.message or "done"
            if event.result is not None:
                self.telemetry.replace(event.result.telemetry)
            self.result = event.result

    def attach(self, bench) -> None:
        """``bench`` runs this run now; a stop asked for before reaches it."""
        with self._lock:
            self._bench = bench
            stop = self._stop_requested
        if stop:
            bench.stop()

    def skip(self, status: str) -> None:
        self.status = status
        self.skipped = True

    # --- from the tab -----------------------------------------------------------------------

    def request_stop(self) -> None:
        """End this run (the samples so far are kept), now or as soon as it starts."""
        with self._lock:
            self._stop_requested = True
            bench = self._bench
        if bench is not None:
            bench.stop()

    def take_new(self) -> int:
        """How many samples arrived since the last call."""
        count = len(self.samples)
        new, self._shown = count - self._shown, count
        return new

    def latencies_us(self) -> np.ndarray:
        return self.samples.view()[:, 1]

    def stats(self) -> LatencyStats:
        if self.result is not None:
            return self.result.stats
        return self.samples.stats()

    def series(self, window: int = SERIES_WINDOW) -> tuple[np.ndarray, np.ndarray]:
        """The last ``window`` samples: (inference number, latency in the unit)."""
        every = self.samples.view()
        rows = every[-window:]
        start = len(every) - len(rows)
        return np.arange(start, start + len(rows)), rows[:, 1] / US_PER_UNIT

    def cdf(self) -> tuple[np.ndarray, np.ndarray]:
        return cdf(self.latencies_us())

    def histogram(self) -> Histogram:
        return histogram(self.latencies_us())


class LatencyRuns:
    """The runs the tab shows, newest last; a run replaces an earlier one of the same key."""

    def __init__(self) -> None:
        self.runs: list[LatencyRun] = []
        self.budgets: list = []  # the Budgets of the latest start
        self.added = Event()  # (run)
        self.removed = Event()  # (run)

    def __iter__(self):
        return iter(self.runs)

    def __len__(self) -> int:
        return len(self.runs)

    def __getitem__(self, index: int) -> LatencyRun:
        return self.runs[index]

    def add(self, run: LatencyRun) -> LatencyRun:
        old = next((r for r in self.runs if r.key == run.key), None)
        if old is not None:
            self.runs.remove(old)
            self.removed.emit(old)
        self.runs.append(run)
        self.added.emit(run)
        return run

    def clear(self) -> None:
        for run in list(self.runs):
            self.runs.remove(run)
            self.removed.emit(run)

    def index(self, run: LatencyRun) -> int:
        return self.runs.index(run)

    @property
    def running(self) -> bool:
        return any(not r.done for r in self.runs)

    @property
    def has_samples(self) -> bool:
        return any(r.received for r in self.runs)

    def finished(self) -> list:
        """The BenchResults of the runs that ended, in order."""
        return [r.result for r in self.runs if r.result is not None]

    def latest_with_samples(self) -> LatencyRun | None:
        return next((r for r in reversed(self.runs) if r.received), None)

    def stop_measuring(self) -> None:
        """Stop the runs that measure now; the queued ones start after them."""
        for run in self.runs:
            if run.measuring:
                run.request_stop()

    def stop_all(self) -> None:
        for run in self.runs:
            if not run.done:
                run.request_stop()

    def verdict(self) -> str | None:
        """``pass``/``fail`` over the finished runs' budgets; None before any, or with none."""
        if not self.budgets:
            return None
        checked = [r.result for r in self.runs if r.result is not None and r.result.error is None]
        checked = [r for r in checked if r.budget.checks]
        if not checked:
            return None
        return "pass" if all(r.budget.passed for r in checked) else "fail"


def budget_check_text(check: BudgetCheck) -> str:
    """'p90 0.213 ms ≤ 30 ms ✔': the measured value and the limit, both with their unit."""
    mark = "✔" if check.passed else "✖"
    metric, limit, value = check.budget.metric, check.budget.limit, check.value
    if metric == "throughput":
        measured = "–" if value is None else f"{value:.1f}/s"
        return f"{metric} {measured} ≥ {limit:g}/s {mark}"
    measured = "–" if value is None else f"{value:.3f} {UNIT}"
    return f"{metric} {measured} ≤ {limit:g} {UNIT} {mark}"


def budget_line_text(budget) -> str:
    """The name of a budget's line on the plot: 'p90 ≤ 30 ms'."""
    return f"{budget.metric} ≤ {budget.limit:g} {UNIT}"


def run_queue(runs: list[LatencyRun], server, config, cancel, skipped: str = "not run") -> list:
    """Benchmark ``runs`` (all on one device) one after another; called on its own thread.

    A stopped run ends and the next one starts; ``cancel`` (Stop all) ends the queue, and
    the runs that never started say ``skipped``.
    """
    from studio.agent.bench import DeviceBench

    results = []
    for run in runs:
        if cancel.cancelled:
            run.skip(skipped)
            continue
        bench = DeviceBench(run.serial, run.artifact, config, callback=run.on_event, server=server)
        run.attach(bench)
        results.append(bench.run())
    return results
