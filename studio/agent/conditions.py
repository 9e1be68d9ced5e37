"""Whether a run measured a phone as it usually runs: not charging, not throttled.

    run_conditions(telemetry["clusters"], telemetry["zones"], run_samples)
    -> {"charging": False, "throttled": True, "reason": "big cluster held at 1.96 of 2.80 GHz"}

*Charging*: the battery said ``Charging`` or a USB, mains or wireless supply was online
in any sample of the run (latency on a charging phone is often lower, and warmer).
*Throttled*: a thermal zone reached its trip point, or a cluster that ran at (nearly)
its maximum frequency during the run — the cluster doing the work — later fell below
:data:`THROTTLE_FRACTION` of that maximum in :data:`THROTTLE_SAMPLES` samples in a row.
A cluster that never got near its maximum (the idle little cores of a one-thread
run) says nothing about throttling.
"""

from __future__ import annotations

LOADED_FRACTION = 0.9  # a cluster this close to its maximum does the run's work
THROTTLE_FRACTION = 0.8
THROTTLE_SAMPLES = 2


def cluster_khz(sample: dict, cores: list[int]) -> int | None:
    """The cluster's frequency in ``sample``: its fastest core's (cores share a clock)."""
    freqs = sample.get("cpu_freq_khz") or []
    values = [freqs[c] for c in cores if c < len(freqs) and freqs[c]]
    return max(values) if values else None


def throttled_cluster(cluster: dict, samples: list[dict]) -> str | None:
    top = cluster.get("max_khz") or 0
    if not top:
        return None
    series = [cluster_khz(s, cluster["cores"]) for s in samples]
    loaded = next((i for i, f in enumerate(series) if f and f >= top * LOADED_FRACTION), None)
    if loaded is None:
        return None
    low, lowest = 0, None
    for freq in series[loaded:]:
        if freq and freq < top * THROTTLE_FRACTION:
            low += 1
            lowest = freq if lowest is None else min(lowest, freq)
            if low >= THROTTLE_SAMPLES:
                return (
                    f"{cluster['name']} cluster fell to {lowest / 1e6:.2f} of {top / 1e6:.2f} GHz"
                )
        else:
            low, lowest = 0, None
    return None


def hot_zone(zones: dict, samples: list[dict]) -> str | None:
    for name, zone in zones.items():
        trip = (zone or {}).get("trip_c")
        if trip is None:
            continue
        hottest = max(((s.get("temp_c") or {}).get(name) or -273.0 for s in samples), default=-273)
        if hottest >= trip:
            return f"{name} reached {hottest:.1f} °C (trip point {trip:g} °C)"
    return None


def run_conditions(clusters: list[dict], zones: dict, samples: list[dict]) -> dict:
    """Charging and throttling during the run's ``samples``, with the reason in words."""
    cells = [s.get("battery") or {} for s in samples]
    known = [c for c in cells if c.get("status") is not None or c.get("powered") is not None]
    charging = any(c.get("charging") or c.get("powered") for c in cells) if known else None
    reasons = []
    if charging:
        reasons.append("charging" if any(c.get("charging") for c in cells) else "on external power")
    throttle = [r for r in (throttled_cluster(c, samples) for c in clusters) if r]
    hot = hot_zone(zones or {}, samples)
    if hot:
        throttle.append(hot)
    reasons += throttle
    return {
        "charging": charging,
        "throttled": bool(throttle) if samples else None,
        "reason": "; ".join(reasons),
        "samples": len(samples),
    }
