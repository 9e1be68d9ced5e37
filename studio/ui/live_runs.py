"""Benchmark runs as the Latency tab holds them: samples gathered from benchmark threads.

Benchmark callbacks arrive on their own threads, up to thousands of samples a second.
They only append to a :class:`LiveRun` under a lock; the tab drains the new samples a
few dozen times a second on the UI thread. No Qt here.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.agent.stats import compute


@dataclass
class LiveRun:
    device: str
    device_name: str
    artifact: str
    status: str = ""
    result: object = None  # the BenchResult when done
    stats: object = None  # the latest LatencyStats
    error: dict | None = None
    _pending: list = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    latencies_ms: np.ndarray = field(default_factory=lambda: np.empty(0))
    received: int = 0

    @property
    def key(self) -> tuple[str, str]:
        return (self.device, self.artifact)

    @property
    def label(self) -> str:
        return f"{Path(self.artifact).name} @ {self.device_name}"

    @property
    def done(self) -> bool:
        return self.result is not None or self.error is not None

    # called from the benchmark's thread
    def add_rows(self, rows: np.ndarray) -> None:
        with self._lock:
            self._pending.append(np.asarray(rows)[:, 1] / 1e3)  # latency column, µs → ms

    def drain(self) -> int:
        """Move new samples into ``latencies_ms``; return how many arrived."""
        with self._lock:
            pending, self._pending = self._pending, []
        if not pending:
            return 0
        new = np.concatenate(pending)
        self.latencies_ms = np.concatenate([self.latencies_ms, new])
        self.received += len(new)
        return len(new)

    def current_stats(self):
        if self.result is not None:
            return self.result.stats
        if self.stats is not None:
            return self.stats
        return compute(self.latencies_ms * 1e3)


def cdf(latencies_ms: np.ndarray, points: int = 400) -> tuple[np.ndarray, np.ndarray]:
    """The empirical CDF at up to ``points`` quantiles: (latency ms, fraction)."""
    if not len(latencies_ms):
        return np.empty(0), np.empty(0)
    fractions = np.linspace(0.0, 1.0, min(points, len(latencies_ms)))
    return np.quantile(latencies_ms, fractions), fractions
