"""The Latency tab's run model without Qt: one buffer, one unit, one source of statistics."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from studio.agent.budget import parse_budget
from studio.agent.results import BenchConfig, BenchEvent, BenchResult
from studio.agent.stats import compute
from studio.progress import CancelToken
from studio.ui.latency_run import (
    LatencyRun,
    LatencyRuns,
    budget_check_text,
    histogram,
    run_queue,
)


def rows(start: int, latencies_us) -> np.ndarray:
    latencies_us = np.asarray(latencies_us, dtype=np.float64)
    index = np.arange(start, start + len(latencies_us))
    return np.c_[index, latencies_us, index * 1000.0]


def feed(run: LatencyRun, latencies_us, batch: int = 50) -> None:
    for start in range(0, len(latencies_us), batch):
        chunk = latencies_us[start : start + batch]
        run.on_event(BenchEvent(run.serial, "samples", rows=rows(start, chunk)))


def finish(run: LatencyRun, budgets=()) -> BenchResult:
    from studio.agent.budget import check_budgets

    result = BenchResult(run.serial, run.artifact, BenchConfig(budgets=list(budgets)).validate())
    result.series = run.samples
    result.stats = run.samples.stats()
    if budgets:
        result.budget = check_budgets(list(budgets), result.stats)
    run.on_event(BenchEvent(run.serial, "done", result=result))
    return result


def test_the_model_imports_no_qt():
    import subprocess

    code = "import sys, studio.ui.latency_run; print(any(m.startswith('PySide6') for m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_appending_batches_costs_amortised_constant_copies():
    run = LatencyRun("s", "Pixel 7", "m.pte")
    batches, size = 20_000, 7
    for i in range(batches):
        run.samples.add(rows(i * size, np.full(size, 100.0)))
    total = batches * size
    assert run.received == total
    # the buffer doubles: fewer than two copies per row in all, in log2(n) reallocations
    # (re-concatenating the history at each batch would copy ~batches * total / 2 rows)
    assert run.samples.rows_copied < 2 * total
    assert run.samples.reallocations <= int(np.log2(total)) + 1


def test_reading_does_not_copy_the_history():
    run = LatencyRun("s", "Pixel 7", "m.pte")
    feed(run, np.arange(1, 5001, dtype=np.float64))
    view = run.latencies_us()
    assert np.shares_memory(view, run.samples.view())
    assert not view.flags.writeable
    x, y = run.series(window=100)
    assert list(x[[0, -1]]) == [4900, 4999]
    assert y[-1] == pytest.approx(5.0)  # µs in the buffer, ms on screen


def test_statistics_come_from_compute():
    run = LatencyRun("s", "Pixel 7", "m.pte")
    latencies = np.random.default_rng(1).gamma(2.0, 300.0, size=1234)
    feed(run, latencies)
    rows_ = run.samples.view()
    span = rows_[-1, 2] + rows_[-1, 1] - rows_[0, 2]
    assert run.stats() == compute(latencies, span)
    result = finish(run)
    assert run.done and run.stats() is result.stats


def test_take_new_counts_what_arrived_since_the_last_draw():
    run = LatencyRun("s", "Pixel 7", "m.pte")
    feed(run, np.ones(120), batch=50)
    assert run.take_new() == 120
    assert run.take_new() == 0
    feed(run, np.ones(10))
    assert run.take_new() == 10


def test_a_long_tail_does_not_put_everything_in_one_bin():
    rng = np.random.default_rng(7)
    latencies = rng.lognormal(np.log(200.0), 0.1, size=15_000)
    latencies[rng.choice(15_000, 150, replace=False)] *= 60  # pauses: 12 ms among 0.2 ms
    naive, _ = np.histogram(latencies, bins=40)
    assert naive.max() > 0.95 * len(latencies)  # what equal bins over the whole range do
    hist = histogram(latencies)
    assert hist.counts.max() < 0.15 * len(latencies)
    assert np.count_nonzero(hist.counts) >= 30
    q1, q3 = np.percentile(latencies, (25, 75))
    fence = q3 + 3 * (q3 - q1)
    assert hist.top == pytest.approx(fence / 1e3)  # in ms
    # the pauses (and the rare slow one of the rest) in the bar beyond the range
    assert 150 <= hist.overflow == np.count_nonzero(latencies > fence) < 160
    assert hist.counts.sum() + hist.overflow == len(latencies)


def test_histogram_of_identical_samples_and_of_none():
    hist = histogram(np.full(100, 250.0))
    assert hist.counts.sum() == 100 and hist.overflow == 0
    empty = histogram(np.empty(0))
    assert len(empty.counts) == 0 and empty.top == 0.0


def test_cdf_is_in_ms_and_reaches_one():
    run = LatencyRun("s", "Pixel 7", "m.pte")
    feed(run, np.linspace(1000, 2000, 1001))
    x, y = run.cdf()
    assert (x[0], x[-1]) == (pytest.approx(1.0), pytest.approx(2.0))
    assert (y[0], y[-1]) == (0.0, 1.0)


def test_a_virtual_device_is_named_so():
    run = LatencyRun("127.0.0.1:5000", "Pixel 7", "/out/model.pte", virtual=True)
    assert run.label == "model.pte @ Pixel 7 (virtual)"
    assert LatencyRun("R58", "Pixel 7", "/out/model.pte").label == "model.pte @ Pixel 7"


def test_no_verdict_before_a_run_with_a_budget_ended():
    runs = LatencyRuns()
    run = runs.add(LatencyRun("s", "Pixel 7", "m.pte"))
    feed(run, np.full(10, 2000.0))
    assert runs.verdict() is None  # no budget
    runs.budgets = [parse_budget("p90=1ms")]
    assert runs.verdict() is None  # nothing finished
    finish(run, runs.budgets)
    assert runs.verdict() == "fail"
    runs.budgets = [parse_budget("p90=3ms")]
    finish(run, runs.budgets)
    assert runs.verdict() == "pass"


def test_budget_checks_say_their_unit():
    result = parse_budget("p90=30ms").check(compute(np.full(5, 213.0)))
    assert budget_check_text(result) == "p90 0.213 ms ≤ 30 ms ✔"
    rate = parse_budget("throughput=100").check(compute(np.full(5, 20_000.0)))
    assert budget_check_text(rate) == "throughput 50.0/s ≥ 100/s ✖"


def test_a_run_replaces_the_earlier_one_of_its_device_and_artifact():
    runs = LatencyRuns()
    added, removed = [], []
    runs.added.connect(added.append)
    runs.removed.connect(removed.append)
    first = runs.add(LatencyRun("s", "Pixel 7", "m.pte"))
    other = runs.add(LatencyRun("s", "Pixel 7", "n.pte"))
    again = runs.add(LatencyRun("s", "Pixel 7", "m.pte"))
    assert runs.runs == [other, again] and removed == [first]
    runs.clear()
    assert len(runs) == 0 and removed == [first, other, again]
    assert added == [first, other, again]


def test_a_stop_asked_for_before_the_run_started_reaches_its_benchmark(tmp_path):
    from studio.agent.bench import DeviceBench

    artifact = tmp_path / "m.onnx"
    artifact.write_bytes(b"x")
    run = LatencyRun("s", "Pixel 7", str(artifact))
    run.request_stop()
    bench = DeviceBench("s", artifact)
    run.attach(bench)
    assert bench._stop.is_set()


def test_the_queue_goes_on_after_a_run_ends_and_stops_when_cancelled(tmp_path):
    """Real benchmarks of files that are not there: each ends at once with its error."""
    config = BenchConfig(iterations=5).validate()
    queue = [LatencyRun("s", "Pixel 7", str(tmp_path / f"{n}.onnx")) for n in "ab"]
    results = run_queue(queue, None, config, CancelToken())
    assert len(results) == 2 and all(r.done and r.error is not None for r in queue)
    assert not LatencyRuns().running

    cancel = CancelToken()
    cancel.cancel()
    stopped = [LatencyRun("s", "Pixel 7", str(tmp_path / f"{n}.onnx")) for n in "ab"]
    assert run_queue(stopped, None, config, cancel, skipped="not run") == []
    assert all(r.done and r.skipped and r.status == "not run" for r in stopped)
