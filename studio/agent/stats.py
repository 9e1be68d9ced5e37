"""Latency statistics over a growing set of samples: count, mean, spread, percentiles, rate.

Plain Python and numpy, no Qt: the command line, the client's callbacks and the GUI's
live plot use the same numbers. Percentiles use linear interpolation between closest
ranks (numpy's default), so p50 of an even count is the mean of the middle two.
"""

from __future__ import annotations

import threading
from dataclasses import asdict, dataclass

import numpy as np

PERCENTILES = (50, 90, 99)


@dataclass(frozen=True)
class LatencyStats:
    """Statistics of a set of latencies; times in milliseconds, throughput per second."""

    count: int = 0
    mean_ms: float = 0.0
    std_ms: float = 0.0
    min_ms: float = 0.0
    p50_ms: float = 0.0
    p90_ms: float = 0.0
    p99_ms: float = 0.0
    max_ms: float = 0.0
    throughput: float = 0.0  # inferences per second, over the time the samples span

    def to_dict(self, digits: int = 4) -> dict:
        return {
            k: (round(v, digits) if isinstance(v, float) else v) for k, v in asdict(self).items()
        }

    def value(self, metric: str) -> float:
        """A statistic by name: ``mean``, ``p90``, ``max``, ``throughput`` ..."""
        name = metric if metric in ("count", "throughput") else f"{metric}_ms"
        if name not in self.__dataclass_fields__:
            raise KeyError(metric)
        return float(getattr(self, name))


def compute(latencies_us: np.ndarray, span_us: float | None = None) -> LatencyStats:
    """Statistics of latencies in microseconds; ``span_us`` is the wall time they cover."""
    values = np.asarray(latencies_us, dtype=np.float64)
    if values.size == 0:
        return LatencyStats()
    p50, p90, p99 = np.percentile(values, PERCENTILES)
    if span_us is None or span_us <= 0:
        span_us = float(values.sum())
    return LatencyStats(
        count=int(values.size),
        mean_ms=float(values.mean()) / 1e3,
        std_ms=float(values.std(ddof=1)) / 1e3 if values.size > 1 else 0.0,
        min_ms=float(values.min()) / 1e3,
        p50_ms=float(p50) / 1e3,
        p90_ms=float(p90) / 1e3,
        p99_ms=float(p99) / 1e3,
        max_ms=float(values.max()) / 1e3,
        throughput=values.size / (span_us / 1e6) if span_us > 0 else 0.0,
    )


class SampleSeries:
    """Samples as they arrive: index, latency (µs), device monotonic start time (µs).

    Thread-safe: one thread adds, others read :meth:`stats`, :meth:`arrays` and
    :meth:`view`. The storage doubles when full, so adding costs amortised O(1) copies
    (``reallocations`` and ``rows_copied`` count them); rows once written never change.
    """

    def __init__(self, capacity: int = 4096):
        self._lock = threading.Lock()
        self._data = np.zeros((max(1, capacity), 3), dtype=np.float64)
        self._count = 0
        self.reallocations = 0
        self.rows_copied = 0  # rows moved to a grown array

    def add(self, rows) -> None:
        """Append rows ``[index, latency_us, t_us]``."""
        rows = np.asarray(rows, dtype=np.float64).reshape(-1, 3)
        if rows.size == 0:
            return
        with self._lock:
            needed = self._count + len(rows)
            if needed > len(self._data):
                grown = np.zeros((max(needed, 2 * len(self._data)), 3), dtype=np.float64)
                grown[: self._count] = self._data[: self._count]
                self.reallocations += 1
                self.rows_copied += self._count
                self._data = grown
            self._data[self._count : needed] = rows
            self._count = needed

    def __len__(self) -> int:
        return self._count

    def view(self) -> np.ndarray:
        """The rows so far, ``[index, latency_us, t_us]``, without copying them (read-only).

        Safe to read while another thread adds: adding writes past the rows shown here,
        or into a new array.
        """
        with self._lock:
            rows = self._data[: self._count]
        rows = rows.view()
        rows.flags.writeable = False
        return rows

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Copies of (index, latency_us, t_us)."""
        with self._lock:
            data = self._data[: self._count].copy()
        return data[:, 0], data[:, 1], data[:, 2]

    def stats(self) -> LatencyStats:
        rows = self.view()
        if not len(rows):
            return LatencyStats()
        span = float(rows[-1, 2] + rows[-1, 1] - rows[0, 2])
        return compute(rows[:, 1], span)
