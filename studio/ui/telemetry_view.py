"""A run's telemetry as the Latency tab plots it: temperature and CPU frequency per cluster.

No Qt here. :class:`RunTelemetry` collects the sensor samples of one run (fed from its
benchmark thread by ``telemetry`` events, replaced by the result's series when the run
ends) and turns them into curves on the latency plot's x axis, the inference number: a
sample's ``t_us`` (the agent's clock, that of the latency samples) is placed between the
inferences that started around it. Samples of the idle baseline before the run have no
inference number and are not drawn.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import numpy as np

from studio.agent.conditions import cluster_khz


@dataclass
class TelemetryCurves:
    """What the plot draws: x is the inference number, shared by every curve."""

    x: np.ndarray
    temperature_c: np.ndarray  # the hottest CPU/SoC zone; NaN where no zone said
    clusters: list[tuple[str, np.ndarray]] = field(default_factory=list)  # (name, GHz)

    @property
    def empty(self) -> bool:
        return not len(self.x)


def inference_numbers(t_us: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Where times fall on the inference axis of ``rows`` ([index, latency_us, t_us]).

    Between inferences by interpolation; after the last one at the run's rate so far.
    Times before the first inference are NaN.
    """
    t_us = np.asarray(t_us, dtype=np.float64)
    if not len(rows):
        return np.full(t_us.shape, np.nan)
    starts, numbers = rows[:, 2], rows[:, 0]
    x = np.interp(t_us, starts, numbers)
    span = starts[-1] - starts[0]
    rate = (numbers[-1] - numbers[0]) / span if span > 0 else 0.0
    later = t_us > starts[-1]
    x[later] = numbers[-1] + (t_us[later] - starts[-1]) * rate
    x[t_us < starts[0]] = np.nan
    return x


class RunTelemetry:
    """The telemetry of one run; written by its benchmark thread, read by the tab."""

    def __init__(self) -> None:
        self.described: dict = {}  # simulated, clusters, zones, interval_s
        self._samples: list[dict] = []
        self._lock = threading.Lock()

    def add(self, telemetry: dict) -> None:
        """A ``telemetry`` event's payload: what is sampled, and one ``sample``."""
        sample = telemetry.get("sample")
        with self._lock:
            if not self.described:
                self.described = {k: v for k, v in telemetry.items() if k != "sample"}
            if sample is not None:
                self._samples.append(sample)

    def replace(self, series: dict) -> None:
        """The run's recorded series (``BenchResult.telemetry``), once it ended."""
        if not series.get("samples"):
            return
        with self._lock:
            self.described = {k: v for k, v in series.items() if k not in ("samples",)}
            self._samples = list(series["samples"])

    def __len__(self) -> int:
        return len(self._samples)

    @property
    def simulated(self) -> bool:
        return bool(self.described.get("simulated"))

    def samples(self) -> list[dict]:
        with self._lock:
            return list(self._samples)

    def curves(self, rows: np.ndarray) -> TelemetryCurves:
        """The samples taken while inferences ran, on the inference axis of ``rows``."""
        samples = [s for s in self.samples() if s.get("phase", "run") == "run"]
        x = inference_numbers(np.array([s.get("t_us", 0) for s in samples]), rows)
        keep = ~np.isnan(x)
        samples = [s for s, k in zip(samples, keep, strict=True) if k]
        x = x[keep]
        temps = np.array(
            [max((s.get("temp_c") or {}).values(), default=np.nan) for s in samples],
            dtype=np.float64,
        )
        clusters = []
        for cluster in self.described.get("clusters") or []:
            khz = [cluster_khz(s, cluster.get("cores") or []) for s in samples]
            ghz = np.array([np.nan if f is None else f / 1e6 for f in khz], dtype=np.float64)
            clusters.append((str(cluster.get("name")), ghz))
        return TelemetryCurves(x, temps, clusters)
