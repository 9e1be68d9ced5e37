"""Which CPU cores a benchmark runs on: ``--cores big|little|all|0,4-7``.

The studio resolves a choice into core numbers from the device facts' per-core maximum
frequencies (a cluster is the cores sharing one; ``big`` is the fastest, ``little`` the
slowest), and sends them with the ``load`` request. The agent pins the thread that
loads the model, so that the threads a runtime starts then (ONNX Runtime's and
XNNPACK's pools) inherit the set, and the thread that times the run; it reads the set
back with ``os.sched_getaffinity`` and reports it. A virtual device runs its agent on
this computer, whose cores are not the profile's: there the requested cores are mapped
onto the computer's, and the run says so.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from studio.errors import InputError

CHOICES = ("big", "little", "all")
MAX_CORE = 1023
_LIST = re.compile(r"^\d+(-\d+)?(,\d+(-\d+)?)*$")


def parse_cores(text: str) -> str | list[int]:
    """``big``, ``little``, ``all``, or a sorted list of core numbers from ``0,4-7``."""
    value = (text or "").strip().lower().replace(" ", "")
    if value in CHOICES:
        return value
    if not _LIST.match(value):
        raise InputError(
            f"--cores {text!r} is not big, little, all or a list of cores",
            hint="for example --cores big, or --cores 0,4-7",
        )
    cores: set[int] = set()
    for part in value.split(","):
        low, _, high = part.partition("-")
        first, last = int(low), int(high or low)
        if first > last:
            raise InputError(f"--cores {text!r}: the range {part} runs backwards")
        if last > MAX_CORE:
            raise InputError(f"--cores {text!r}: core {last} is beyond {MAX_CORE}")
        cores.update(range(first, last + 1))
    return sorted(cores)


def format_cores(cores) -> str:
    """``[0, 1, 2, 4]`` -> ``"0-2,4"``."""
    out, run = [], []
    for core in sorted(cores):
        if run and core == run[-1] + 1:
            run.append(core)
            continue
        if run:
            out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
        run = [core]
    if run:
        out.append(f"{run[0]}-{run[-1]}" if len(run) > 1 else str(run[0]))
    return ",".join(out)


def clusters(max_freq_khz: list[int]) -> list[list[int]]:
    """The cores grouped by maximum frequency, slowest cluster first."""
    by_freq: dict[int, list[int]] = {}
    for core, freq in enumerate(max_freq_khz):
        by_freq.setdefault(freq, []).append(core)
    return [by_freq[f] for f in sorted(by_freq)]


@dataclass
class CoreChoice:
    """A ``--cores`` choice resolved on one device."""

    requested: str  # as given: big, little, all or the list
    cpus: list[int]  # the device's core numbers
    cluster: str | None  # big, little, all, or None for a list that is not one cluster

    def to_dict(self) -> dict:
        return {"requested": self.requested, "cpus": self.cpus, "cluster": self.cluster}


def resolve_cores(text: str, facts: dict | None) -> CoreChoice:
    """A ``--cores`` choice as core numbers of the device whose facts are given."""
    choice = parse_cores(text)
    facts = facts or {}
    freqs = [f for f in facts.get("cpu_max_freq_khz") or [] if isinstance(f, int)]
    count = len(freqs) or facts.get("cpu_cores") or 0
    groups = clusters(freqs) if freqs else []
    if choice == "all":
        if not count:
            raise InputError("the device does not say how many CPU cores it has")
        return CoreChoice("all", list(range(count)), "all")
    if isinstance(choice, str):
        if not groups:
            raise InputError(
                f"the device does not report its cores' frequencies, so it has no {choice} cores",
                hint="give core numbers instead, for example --cores 0-3",
            )
        cpus = groups[-1] if choice == "big" else groups[0]
        return CoreChoice(choice, cpus, choice if len(groups) > 1 else "all")
    if count and choice[-1] >= count:
        raise InputError(
            f"--cores {text}: the device has cores 0-{count - 1}",
            hint="see the device's cores with model-studio devices",
        )
    cluster = None
    if groups and choice in groups:
        cluster = "big" if choice == groups[-1] else "little" if choice == groups[0] else "mid"
    elif count and choice == list(range(count)):
        cluster = "all"
    return CoreChoice(text.strip(), choice, cluster)


def device_cores(config, facts: dict | None) -> CoreChoice | None:
    """A benchmark config's ``cores`` resolved on the device whose facts are given."""
    return None if config.cores is None else resolve_cores(config.cores, facts)


def run_cores(
    choice: CoreChoice | None, loaded: dict, summary: dict, telemetry: dict | None = None, rows=None
) -> dict:
    """A run's ``cores``: the choice, the set the agent's timing thread had and, from the
    run's telemetry (``rows``: its samples), the frequencies those cores ran at."""
    asked = choice.to_dict() if choice else {"requested": None, "cpus": None, "cluster": None}
    doc = {
        **asked,
        "allowed": summary.get("cores"),
        "mapped": bool((loaded.get("cores") or {}).get("mapped")),
    }
    cores = asked["cpus"] or doc["allowed"] or []
    if telemetry and rows is not None:
        doc["freq_khz"] = ran_at(cores, telemetry, rows)
    return doc


def ran_at(cores: list[int], telemetry: dict, rows) -> dict | None:
    """Per core: the lowest, median and highest frequency (kHz) sampled while the run
    measured (the device's core numbers: a virtual device's telemetry is its profile's)."""
    from studio.agent.run_telemetry import split

    _idle, run = split(telemetry.get("samples") or [], rows)
    out = {}
    for core in cores:
        seen = sorted(
            s["cpu_freq_khz"][core]
            for s in run
            if core < len(s.get("cpu_freq_khz") or []) and s["cpu_freq_khz"][core]
        )
        if seen:
            out[str(core)] = {"min": seen[0], "median": seen[len(seen) // 2], "max": seen[-1]}
    return out or None


# ----- in the agent ------------------------------------------------------------------


def can_pin() -> bool:
    return hasattr(os, "sched_setaffinity") and hasattr(os, "sched_getaffinity")


def process_cores() -> list[int]:
    """The cores this process may use (its main thread's set, never pinned by a run)."""
    return sorted(os.sched_getaffinity(os.getpid()))


def map_cores(requested: list[int], virtual: bool) -> list[int]:
    """The cores to pin to for ``requested``: themselves, or on a virtual device the
    computer's cores in turn. A core the agent cannot use raises ValueError."""
    available = process_cores()
    if virtual:
        return sorted({available[core % len(available)] for core in requested})
    missing = [core for core in requested if core not in available]
    if missing:
        raise ValueError(
            f"core {format_cores(missing)} is not available to the agent "
            f"(it may use {format_cores(available)})"
        )
    return sorted(requested)


def pin_thread(cores: list[int]) -> list[int]:
    """Pin the calling thread to ``cores``; the set it got, read back."""
    os.sched_setaffinity(0, cores)
    return sorted(os.sched_getaffinity(0))


def thread_cores() -> list[int] | None:
    """The calling thread's cores, or None where that cannot be read."""
    if not can_pin():
        return None
    return sorted(os.sched_getaffinity(0))
