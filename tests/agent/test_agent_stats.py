"""Latency statistics, the sample series and budgets."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from studio.agent.budget import Budget, check_budgets, parse_budget
from studio.agent.stats import LatencyStats, SampleSeries, compute
from studio.errors import EXIT_BAD_INPUT, InputError


def test_compute_matches_numpy():
    rng = np.random.default_rng(3)
    latencies = rng.gamma(2.0, 500.0, size=1001)
    stats = compute(latencies, span_us=2_000_000)
    assert stats.count == 1001
    assert stats.mean_ms == pytest.approx(latencies.mean() / 1e3)
    assert stats.std_ms == pytest.approx(latencies.std(ddof=1) / 1e3)
    assert stats.p50_ms == pytest.approx(np.median(latencies) / 1e3)
    assert stats.p90_ms == pytest.approx(np.percentile(latencies, 90) / 1e3)
    assert stats.p99_ms == pytest.approx(np.percentile(latencies, 99) / 1e3)
    assert stats.min_ms == pytest.approx(latencies.min() / 1e3)
    assert stats.max_ms == pytest.approx(latencies.max() / 1e3)
    assert stats.throughput == pytest.approx(1001 / 2.0)


def test_compute_of_nothing_and_of_one():
    assert compute(np.array([])) == LatencyStats()
    one = compute(np.array([2500.0]))
    assert (one.count, one.mean_ms, one.std_ms, one.p99_ms) == (1, 2.5, 0.0, 2.5)
    assert one.throughput == pytest.approx(400.0)  # span defaults to the time spent inferring


def test_series_grows_and_reports_span_from_device_times():
    series = SampleSeries(capacity=2)
    rows = [[i, 1000.0 + i, 10_000.0 * i] for i in range(10)]
    series.add(rows[:3])
    series.add(np.array(rows[3:]))
    index, latency, t = series.arrays()
    assert len(series) == 10
    assert list(index) == list(range(10))
    assert latency[-1] == 1009.0
    stats = series.stats()
    assert stats.count == 10
    span_s = (90_000 + 1009 - 0) / 1e6
    assert stats.throughput == pytest.approx(10 / span_s)


def test_series_is_safe_to_read_while_written():
    series = SampleSeries(capacity=1)
    seen = []

    def write():
        for i in range(2000):
            series.add([[i, 5.0, float(i)]])

    writer = threading.Thread(target=write)
    writer.start()
    while writer.is_alive():
        seen.append(series.stats().count)
    writer.join()
    assert series.stats().count == 2000
    assert seen == sorted(seen)


@pytest.mark.parametrize(
    "text, budget",
    [
        ("p90=30ms", Budget("p90", 30.0)),
        ("mean=250us", Budget("mean", 0.25)),
        ("max=0.2s", Budget("max", 200.0)),
        ("P99<=12", Budget("p99", 12.0)),
        ("throughput=100", Budget("throughput", 100.0)),
        ("throughput>=50/s", Budget("throughput", 50.0)),
    ],
)
def test_parse_budget(text, budget):
    assert parse_budget(text) == budget


@pytest.mark.parametrize("text", ["p90", "p95=3ms", "p90=3parsecs", "p90=0ms", "=3", "p90=-1ms"])
def test_bad_budgets_are_input_errors(text):
    with pytest.raises(InputError) as caught:
        parse_budget(text)
    assert caught.value.exit_code == EXIT_BAD_INPUT
    assert caught.value.hint


def test_check_budgets():
    stats = compute(np.array([1000.0, 2000.0, 3000.0, 4000.0]), span_us=10_000)
    report = check_budgets(
        [parse_budget("p50=3ms"), parse_budget("max=3.5ms"), parse_budget("throughput=300")], stats
    )
    assert report.passed is False
    assert [c.passed for c in report.checks] == [True, False, True]
    assert report.checks[1].value == 4.0
    assert report.to_dict()["checks"][1]["value_ms"] == 4.0
    assert report.to_dict()["checks"][2]["limit"] == 300  # per second, not milliseconds
    assert check_budgets([], stats).to_dict() == {"passed": True, "checks": []}
    assert check_budgets([parse_budget("p90=1s")], LatencyStats()).passed is False
