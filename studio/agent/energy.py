"""Energy per inference from a run's battery samples, above an idle baseline.

    energy_per_inference(idle, run, inferences=500, span_s=4.2)
    -> {"mj_per_inference": 1.84, "uncertainty_mj": 0.12, ...}

Power is the battery's current times its voltage (``current_ma`` × ``voltage_v``, the
current drawn from the battery: :mod:`studio.agent.telemetry`). The idle baseline is
the mean power of the samples taken before the run with no inference; the run's is the
mean of the samples taken while it measured. Then

    mJ per inference = (P_run − P_idle) × span / inferences

and its uncertainty is one standard error: each mean's standard error (the spread of
its samples / √n) combined in quadrature, scaled the same way. Fuel gauges average the
current over a second or so, so neighbouring samples are not independent and the figure
is a lower bound of the true uncertainty; longer runs and baselines narrow it.

A battery that is charging (or a phone on external power) does not supply what the
phone draws, so nothing is measurable then; nor without a readable current. Then the
result says so: ``{"mj_per_inference": None, "reason": "not measurable: charging"}``.
No numpy: the same arithmetic could run on the phone.
"""

from __future__ import annotations

import math

CHARGING = "not measurable: charging"
POWERED = "not measurable: on external power"
UNREADABLE = "not measurable: battery current unreadable"
NO_BASELINE = "not measurable: no idle baseline"
TOO_SHORT = "not measurable: the run was shorter than two telemetry samples"
NOTHING_RUN = "not measurable: no inference ran"


def power_mw(sample: dict) -> float | None:
    """The power the battery supplied at ``sample`` (mW), None when it does not say."""
    cell = sample.get("battery") or {}
    current, volts = cell.get("current_ma"), cell.get("voltage_v")
    if current is None or volts is None:
        return None
    return float(current) * float(volts)


def mean_and_error(values: list[float]) -> tuple[float, float]:
    """The mean and its standard error (sample standard deviation / √n)."""
    n = len(values)
    mean = sum(values) / n
    if n < 2:
        return mean, 0.0
    variance = sum((v - mean) ** 2 for v in values) / (n - 1)
    return mean, math.sqrt(variance / n)


def not_measurable(idle: list[dict], run: list[dict]) -> str | None:
    """Why energy cannot be measured from these samples, or None when it can."""
    cells = [s.get("battery") or {} for s in idle + run]
    if any(c.get("charging") for c in cells):
        return CHARGING
    if any(c.get("powered") for c in cells):
        return POWERED
    idle_power = [p for p in map(power_mw, idle) if p is not None]
    run_power = [p for p in map(power_mw, run) if p is not None]
    if not idle_power and not run_power:
        return UNREADABLE
    if len(idle_power) < 2:
        return NO_BASELINE
    if len(run_power) < 2:
        return TOO_SHORT
    return None


def energy_per_inference(idle: list[dict], run: list[dict], inferences: int, span_s: float):
    """mJ per inference above the idle baseline, with its uncertainty; or why not."""
    reason = not_measurable(idle, run)
    if reason is None and (inferences <= 0 or span_s <= 0):
        reason = NOTHING_RUN
    if reason is not None:
        return {"mj_per_inference": None, "reason": reason}
    idle_mean, idle_error = mean_and_error([p for p in map(power_mw, idle) if p is not None])
    run_power = [p for p in map(power_mw, run) if p is not None]
    run_mean, run_error = mean_and_error(run_power)
    scale = span_s / inferences  # mW × s = mJ
    return {
        "mj_per_inference": round((run_mean - idle_mean) * scale, 6),
        "uncertainty_mj": round(math.hypot(run_error, idle_error) * scale, 6),
        "run_power_mw": round(run_mean, 3),
        "idle_power_mw": round(idle_mean, 3),
        "run_samples": len(run_power),
        "idle_samples": len([s for s in idle if power_mw(s) is not None]),
        "span_s": round(span_s, 6),
        "inferences": inferences,
        "reason": None,
    }
