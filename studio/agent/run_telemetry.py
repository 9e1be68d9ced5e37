"""A run's telemetry as the studio records it: the series, the conditions, the energy.

    doc = run_telemetry(observed, rows)   # observed: the summary's "telemetry"
    result.telemetry.update(doc["telemetry"]); result.conditions = doc["conditions"]

``runs[i]["telemetry"]`` keeps ``before``/``after`` (the ``telemetry`` request's replies
around the run) and adds the time series the agent sampled during it::

    {"simulated": false, "interval_s": 0.5, "baseline_s": 3.0,
     "clusters": [{"name": "little", "cores": [0, 1, 2, 3], "max_khz": 1800000}, ...],
     "zones": {"cpu-0-0": {"trip_c": 95.0}, ...},
     "samples": [{"t_us": ..., "phase": "idle" | "run", "cpu_freq_khz": [per core],
                  "temp_c": {zone: °C},
                  "battery": {"level", "temp_c", "current_ma", "voltage_v", "status",
                              "charging", "powered"}}, ...]}

``t_us`` is the agent's clock, that of the latency samples' ``t_us``. Samples of phase
``idle`` are the baseline before the run; those of phase ``run`` taken while inferences
were timed (between the first one's start and the last one's end) are the run's: the
conditions (:mod:`studio.agent.conditions`) and the energy (:mod:`studio.agent.energy`)
come from those.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from studio.agent.conditions import run_conditions
from studio.agent.energy import energy_per_inference

if TYPE_CHECKING:
    import numpy as np

SERIES_KEYS = ("simulated", "interval_s", "baseline_s", "clusters", "zones", "samples")


def measured_window(rows: np.ndarray) -> tuple[float, float] | None:
    """From the first inference's start to the last one's end (µs, the agent's clock)."""
    if not len(rows):
        return None
    return float(rows[0, 2]), float(rows[-1, 2] + rows[-1, 1])


def split(samples: list[dict], rows: np.ndarray) -> tuple[list[dict], list[dict]]:
    """The idle baseline's samples and those taken while the run measured."""
    idle = [s for s in samples if s.get("phase") == "idle"]
    window = measured_window(rows)
    if window is None:
        return idle, []
    low, high = window
    run = [s for s in samples if s.get("phase") == "run" and low <= s.get("t_us", -1) <= high]
    return idle, run


def run_telemetry(observed: dict | None, rows: np.ndarray) -> dict:
    """The series to keep, the run's conditions and its energy per inference."""
    if not isinstance(observed, dict):
        return {"telemetry": {}, "conditions": None, "energy": None}
    series = {k: observed.get(k) for k in SERIES_KEYS}
    series["samples"] = list(observed.get("samples") or [])
    idle, run = split(series["samples"], rows)
    window = measured_window(rows)
    span_s = (window[1] - window[0]) / 1e6 if window else 0.0
    conditions = run_conditions(series["clusters"] or [], series["zones"] or {}, run)
    energy = energy_per_inference(idle, run, len(rows), span_s)
    return {"telemetry": series, "conditions": conditions, "energy": energy}


def conditions_line(conditions: dict | None, energy: dict | None) -> str:
    """'conditions: not charging, not throttled; energy 1.84 ± 0.12 mJ per inference'."""
    parts = []
    if conditions:
        charging, throttled = conditions.get("charging"), conditions.get("throttled")
        words = [
            "charging unknown" if charging is None else "charging" if charging else "not charging",
            "throttling unknown"
            if throttled is None
            else "throttled"
            if throttled
            else "not throttled",
        ]
        reason = conditions.get("reason")
        parts.append(", ".join(words) + (f" ({reason})" if reason else ""))
    if energy:
        if energy.get("mj_per_inference") is None:
            parts.append(f"energy {energy.get('reason')}")
        else:
            parts.append(
                f"energy {energy['mj_per_inference']:.3g} ± {energy['uncertainty_mj']:.2g} mJ "
                "per inference above idle"
            )
    return "conditions: " + "; ".join(parts) if parts else ""


def telemetry_request(config, virtual: bool) -> dict:
    """The run request's ``telemetry``: the config's interval and idle baseline."""
    from studio.agent.telemetry import BASELINE_S, VIRTUAL_BASELINE_S

    baseline = config.baseline_s
    if baseline is None:
        baseline = VIRTUAL_BASELINE_S if virtual else BASELINE_S
    return {"interval_s": float(config.telemetry_interval_s), "baseline_s": float(baseline)}


def record_telemetry(result, observed: dict | None) -> None:
    """Keep a run's telemetry in ``result`` (a BenchResult): series, conditions, energy."""
    doc = run_telemetry(observed, result.series.view())
    result.telemetry.update(doc["telemetry"])
    result.conditions = doc["conditions"]
    result.energy = doc["energy"]
