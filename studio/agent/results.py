"""What a benchmark is asked to do and what it measured: config, events, results, export."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.agent.budget import Budget
from studio.agent.stats import LatencyStats, SampleSeries
from studio.errors import InputError, StudioError
from studio.fileio import write_text_atomic
from studio.progress import ProgressEvent


@dataclass
class BenchConfig:
    runtime: str = "auto"
    threads: int | None = None
    warmup: int = 10
    iterations: int | None = None  # default 100 when neither this nor duration_s is set
    duration_s: float | None = None
    budgets: list[Budget] = field(default_factory=list)
    inputs: str | None = None  # a local .npy/.npz file pushed with the model; else random
    seed: int = 0

    def validate(self) -> BenchConfig:
        from studio.agent.capabilities import AGENT_RUNTIMES

        if self.runtime != "auto" and self.runtime not in AGENT_RUNTIMES:
            raise InputError(
                f"unknown runtime {self.runtime!r}",
                hint=f"choose auto or one of {', '.join(AGENT_RUNTIMES)}",
            )
        if self.iterations is not None and self.duration_s is not None:
            raise InputError("give either iterations or a duration, not both")
        if self.iterations is None and self.duration_s is None:
            self.iterations = 100
        if self.iterations is not None and self.iterations < 1:
            raise InputError("iterations must be at least 1")
        if self.duration_s is not None and self.duration_s <= 0:
            raise InputError("the duration must be above zero")
        if self.warmup < 0:
            raise InputError("warmup must not be negative")
        if self.threads is not None and self.threads < 1:
            raise InputError("threads must be at least 1")
        if self.inputs and Path(self.inputs).suffix not in (".npy", ".npz"):
            raise InputError(f"{self.inputs} is not a .npy or .npz tensor file")
        return self


@dataclass
class BenchEvent:
    """What a callback receives. ``kind``: status, progress, samples, stats, done."""

    device: str
    kind: str
    message: str = ""
    rows: np.ndarray | None = None  # samples: [index, latency_us, t_us] rows
    stats: LatencyStats | None = None
    result: BenchResult | None = None
    progress: ProgressEvent | None = None  # progress: installing the agent on the phone


BenchCallback = Callable[[BenchEvent], None]


@dataclass
class BenchResult:
    device: str
    artifact: str
    config: BenchConfig
    runtime: str | None = None
    runtime_version: str | None = None
    load_ms: float | None = None
    series: SampleSeries = field(default_factory=SampleSeries)
    stats: LatencyStats = field(default_factory=LatencyStats)
    budget: dict = field(default_factory=lambda: {"passed": True, "checks": []})
    stopped: bool = False
    error: StudioError | None = None
    device_facts: dict | None = None
    agent_version: str | None = None
    telemetry: dict = field(default_factory=dict)
    # where it ran: machine, runtime, runtime_version, bundle (the phone bundle's id, or
    # None for an agent running as a process of this computer), bundle_pushed_bytes
    agent: dict = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return len(self.series)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self, include_samples: bool = False) -> dict:
        doc = {
            "device": self.device,
            "artifact": self.artifact,
            "runtime": self.runtime,
            "runtime_version": self.runtime_version,
            "threads": self.config.threads,
            "warmup": self.config.warmup,
            "samples": self.samples,
            "load_ms": self.load_ms,
            "stats": self.stats.to_dict(),
            "budget": self.budget,
            "stopped": self.stopped,
            "error": self.error.to_dict() if self.error else None,
            "agent_version": self.agent_version,
            "device_facts": self.device_facts,
            "telemetry": self.telemetry,
            "agent": self.agent,
        }
        if include_samples:
            _index, latency, _t = self.series.arrays()
            doc["latencies_us"] = [round(float(v), 3) for v in latency]
        return doc

    def csv_text(self) -> str:
        index, latency, t = self.series.arrays()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["device", "index", "latency_ms", "t_ms"])
        t0 = t[0] if len(t) else 0.0
        for i, lat, when in zip(index, latency, t, strict=True):
            writer.writerow([self.device, int(i), f"{lat / 1e3:.6f}", f"{(when - t0) / 1e3:.3f}"])
        return out.getvalue()

    def export_csv(self, path: str | Path) -> Path:
        """One row per sample: device, index, latency (ms), time since the first sample (ms)."""
        write_text_atomic(path, self.csv_text())
        return Path(path)

    def export_json(self, path: str | Path) -> Path:
        write_text_atomic(path, json.dumps(self.to_dict(include_samples=True), indent=1) + "\n")
        return Path(path)


def results_document(results: list[BenchResult]) -> dict:
    """The ``--json`` document of ``model-studio bench``."""
    return {
        "runs": [r.to_dict() for r in results],
        "passed": all(r.ok and r.budget["passed"] for r in results),
    }


def export_results(results: list[BenchResult], path: str | Path) -> Path:
    """All runs in one file: ``.csv`` (one row per sample) or ``.json`` (with samples)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        texts = [r.csv_text() for r in results]
        body = texts[0] + "".join(t.split("\n", 1)[1] for t in texts[1:]) if texts else ""
        write_text_atomic(path, body)
    else:
        doc = {"runs": [r.to_dict(include_samples=True) for r in results]}
        write_text_atomic(path, json.dumps(doc, indent=1) + "\n")
    return path
