"""What a benchmark is asked to do and what it measured: config, events, results.

Files of results are written by :mod:`studio.agent.export`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.agent.budget import Budget, BudgetReport
from studio.agent.stats import LatencyStats, SampleSeries
from studio.errors import InputError, StudioError
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
    verify: bool = False  # also run the reference's inputs and judge the outputs
    reference: str | None = None  # the conversion's report.json; None: the one beside
    cores: str | None = None  # big, little, all or a list such as 0,4-7; None: not pinned
    telemetry_interval_s: float = 0.5  # how often the agent samples the sensors in a run
    baseline_s: float | None = None  # idle seconds sampled first; None: 3 s, 0.5 s if virtual

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
        if self.cores is not None:
            from studio.agent.cores import parse_cores

            parse_cores(self.cores)
        from studio.agent import telemetry

        if not telemetry.MIN_INTERVAL_S <= self.telemetry_interval_s <= telemetry.MAX_INTERVAL_S:
            raise InputError(
                f"the telemetry interval must be {telemetry.MIN_INTERVAL_S:g} to "
                f"{telemetry.MAX_INTERVAL_S:g} s"
            )
        if self.baseline_s is not None and not 0 <= self.baseline_s <= telemetry.MAX_BASELINE_S:
            raise InputError(f"the idle baseline must be 0 to {telemetry.MAX_BASELINE_S:g} s")
        return self


@dataclass
class BenchEvent:
    """What a callback receives. ``kind``: status, progress, samples, telemetry, stats, done."""

    device: str
    kind: str
    message: str = ""
    rows: np.ndarray | None = None  # samples: [index, latency_us, t_us] rows
    stats: LatencyStats | None = None
    result: BenchResult | None = None
    progress: ProgressEvent | None = None  # progress: installing the agent on the phone
    # telemetry: one sensor sample ("sample") and what the agent samples ("clusters", ...)
    telemetry: dict | None = None


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
    budget: BudgetReport = field(default_factory=BudgetReport)
    stopped: bool = False
    error: StudioError | None = None
    device_facts: dict | None = None
    agent_version: str | None = None
    telemetry: dict = field(default_factory=dict)
    # where it ran: machine, runtime, runtime_version, bundle (the phone bundle's id, or
    # None for an agent running as a process of this computer), bundle_pushed_bytes
    agent: dict = field(default_factory=dict)
    # bench --verify: the device's outputs judged against the conversion's reference
    # (verdict, cosine, max_abs_error, top1_agreement, samples, reference, reasons, ...)
    verification: dict | None = None
    # run together with other models (studio.agent.together): its alone series, and the
    # alone stats, slowdowns, window and overlap; ``series`` is then the together series
    alone_series: SampleSeries | None = None
    together: dict | None = None
    # where it ran: requested (--cores as given, or None), cpus (the device's cores it
    # names), cluster, allowed (the set the timed thread had, read back on the device),
    # mapped (a virtual device's agent ran on this computer's cores instead)
    cores: dict | None = None
    # charging / throttled during the run, and why (studio.agent.conditions)
    conditions: dict | None = None
    # mJ per inference above the idle baseline, or why not (studio.agent.energy)
    energy: dict | None = None

    @property
    def samples(self) -> int:
        return len(self.series)

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def verified(self) -> bool:
        """Not failed on-device verification (true when it was not asked for)."""
        return (self.verification or {}).get("verdict") != "fail"

    @property
    def device_name(self) -> str:
        """What the device says it is ('Google Pixel 7'), else its serial."""
        from studio.devices.facts import DeviceFacts

        return DeviceFacts.from_dict(self.device_facts or {}).name or self.device

    @property
    def virtual(self) -> bool:
        """Measured on a virtual device of a computer: the numbers are not a phone's."""
        return bool((self.device_facts or {}).get("virtual"))

    def to_dict(self, include_samples: bool = False) -> dict:
        from studio import __version__

        doc = {
            "device": self.device,
            "device_name": self.device_name,
            "virtual": self.virtual,
            "artifact": self.artifact,
            "runtime": self.runtime,
            "runtime_version": self.runtime_version,
            "threads": self.config.threads,
            "warmup": self.config.warmup,
            "samples": self.samples,
            "load_ms": self.load_ms,
            "stats": self.stats.to_dict(),
            "budget": self.budget.to_dict(),
            "stopped": self.stopped,
            "error": self.error.to_dict() if self.error else None,
            "agent_version": self.agent_version,
            "device_facts": self.device_facts,
            "telemetry": self.telemetry,
            "agent": self.agent,
            "verification": self.verification,
            "cores": self.cores,
            "conditions": self.conditions,
            "energy": self.energy,
            "studio_version": __version__,
        }
        if self.together is not None:
            doc["together"] = self.together
        if include_samples:
            _index, latency, _t = self.series.arrays()
            doc["latencies_us"] = [round(float(v), 3) for v in latency]
            if self.alone_series is not None:
                alone = self.alone_series.arrays()[1]
                doc["alone_latencies_us"] = [round(float(v), 3) for v in alone]
        return doc


def results_document(results: list[BenchResult]) -> dict:
    """The ``--json`` document of ``model-studio bench``."""
    return {
        "runs": [r.to_dict() for r in results],
        "passed": all(r.ok and r.budget.passed and r.verified for r in results),
    }
