"""What the device's sensors say during a run: CPU frequencies, temperatures, battery.

Runs on the phone (no torch, no numpy). :class:`Sampler` is a thread that, every
``interval_s`` (0.5 s unless asked otherwise), reads what the kernel exposes and hands
one sample to ``send``; it sleeps on an Event between samples and is never the thread
that times inferences. A sample reads about twenty small sysfs files (well under a
millisecond on a phone). Its ``t_us`` is the agent's monotonic clock
(``time.perf_counter_ns() // 1000``), the clock of the latency samples' ``t_us``, so both
plot on one axis.

What is read:

- CPU frequency per core: ``/sys/devices/system/cpu/cpu*/cpufreq/scaling_cur_freq``
  (kHz); cores are grouped into clusters by ``cpuinfo_max_freq`` (the device facts'
  maximum frequencies when sysfs does not say), slowest first: ``little``, ``mid``,
  ``big`` (one cluster is ``cpu``).
- Temperatures: the thermal zones whose ``type`` names the CPU or SoC (``cpu``, ``soc``,
  ``tsens``, ``cpuss``, ``mtktscpu``, ``x86_pkg``…), at most :data:`MAX_ZONES`, by
  their type; each zone's first ``passive``/``hot`` trip point is kept as its threshold.
- Battery (``/sys/class/power_supply/*``): ``capacity`` (%), ``temp`` (tenths of a
  degree), ``voltage_now`` (µV; a value below 100 000 is taken as mV), ``current_now``
  and ``status``, and whether a ``USB``/``Mains``/``Wireless`` supply is ``online``.

**The sign of** ``current_now`` differs between phones: the kernel's documented
convention is negative while discharging, yet many phones (Samsung, older Pixels, most
MediaTek) report the drain as positive, and a few report mA instead of µA. The sample's
``current_ma`` is always *the current drawn from the battery* (positive while it
discharges): while ``status`` is ``Discharging`` its magnitude is taken, while
``Charging`` its negated magnitude; with any other status the kernel's convention is
assumed. A magnitude below :data:`MA_BELOW` is read as mA (no phone runs on less than
10 mA measured in µA, no phone draws 10 A).

On a virtual device the agent is a process of the computer, whose sysfs says nothing
about the phone it stands for: :class:`SimulatedSensors` models the device profile's
CPU and battery instead (``"simulated": true``).
"""

from __future__ import annotations

import glob
import json
import math
import os
import random
import threading
import time
from collections.abc import Callable

from studio.agent import protocol
from studio.agent.cores import clusters

INTERVAL_S = 0.5
MIN_INTERVAL_S = 0.05
MAX_INTERVAL_S = 2.0  # below the client's liveness bound: samples keep a baseline alive
BASELINE_S = 3.0  # idle seconds sampled before a run on a phone, for energy per inference
VIRTUAL_BASELINE_S = 0.5  # on a virtual device, whose idle power is its model's
BASELINE_SAMPLES = 5
MAX_BASELINE_S = 60.0
MAX_ZONES = 8
MA_BELOW = 10_000  # |current_now| below this is in mA, not µA
SIMULATED_ENV = "MODEL_STUDIO_SIMULATED_TELEMETRY"
CPU = "/sys/devices/system/cpu"
THERMAL = "/sys/class/thermal"
POWER = "/sys/class/power_supply"
ZONE_KINDS = ("cpu", "soc", "tsens", "cpuss", "mtktscpu", "x86_pkg", "apc", "big", "little")
EXTERNAL_SUPPLIES = ("usb", "mains", "ac", "wireless")


# ----- reading sysfs --------------------------------------------------------------------


def read_text(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def read_int(path: str) -> int | None:
    text = read_text(path)
    try:
        return int(text.strip()) if text else None
    except ValueError:
        return None


def core_count() -> int:
    return len(glob.glob(f"{CPU}/cpu[0-9]*/"))


def cpu_freqs_khz(cores: int | None = None) -> list[int | None]:
    """The current frequency of each core (kHz), None for a core that does not say."""
    cores = core_count() if cores is None else cores
    return [read_int(f"{CPU}/cpu{i}/cpufreq/scaling_cur_freq") or None for i in range(cores)]


def cpu_max_freqs_khz(cores: int | None = None) -> list[int]:
    cores = core_count() if cores is None else cores
    return [read_int(f"{CPU}/cpu{i}/cpufreq/cpuinfo_max_freq") or 0 for i in range(cores)]


def named_clusters(max_freq_khz: list[int]) -> list[dict]:
    """The cores grouped by maximum frequency, slowest first, named and with that maximum."""
    groups = clusters(max_freq_khz)
    names = (
        ["cpu"]
        if len(groups) == 1
        else ["little", "big"]
        if len(groups) == 2
        else ["little"]
        + [f"mid{i}" if len(groups) > 3 else "mid" for i in range(1, len(groups) - 1)]
        + ["big"]
    )
    return [
        {"name": name, "cores": cores, "max_khz": max_freq_khz[cores[0]]}
        for name, cores in zip(names, groups, strict=True)
    ]


def _celsius(value: int) -> float:
    """A thermal zone's reading: millidegrees on most kernels, degrees on a few."""
    return value / 1000 if abs(value) > 1000 else float(value)


def thermal_zones() -> dict[str, dict]:
    """The CPU/SoC thermal zones: their name (type) -> {"path", "trip_c"}."""
    found: dict[str, dict] = {}
    for zone in sorted(glob.glob(f"{THERMAL}/thermal_zone*")):
        kind = (read_text(f"{zone}/type") or "").strip()
        if not kind or not any(k in kind.lower() for k in ZONE_KINDS):
            continue
        if read_int(f"{zone}/temp") is None:
            continue
        name = kind if kind not in found else f"{kind}-{zone.rsplit('zone', 1)[-1]}"
        found[name] = {"path": f"{zone}/temp", "trip_c": _trip_c(zone)}
        if len(found) >= MAX_ZONES:
            break
    return found


def _trip_c(zone: str) -> float | None:
    for i in range(12):
        kind = (read_text(f"{zone}/trip_point_{i}_type") or "").strip()
        if not kind:
            return None
        if kind in ("passive", "hot"):
            value = read_int(f"{zone}/trip_point_{i}_temp")
            return _celsius(value) if value else None
    return None


def zone_temps(zones: dict[str, dict]) -> dict[str, float]:
    temps = {}
    for name, zone in zones.items():
        value = read_int(zone["path"])
        if value is not None:
            temps[name] = round(_celsius(value), 1)
    return temps


def battery_dir() -> str | None:
    for path in sorted(glob.glob(f"{POWER}/*")):
        if (read_text(f"{path}/type") or "").strip().lower() == "battery":
            return path
    return f"{POWER}/battery" if os.path.isdir(f"{POWER}/battery") else None


def external_supplies() -> list[str]:
    """The USB, mains and wireless supplies the kernel lists."""
    found = []
    for path in sorted(glob.glob(f"{POWER}/*")):
        kind = (read_text(f"{path}/type") or "").strip().lower()
        if any(k in kind for k in EXTERNAL_SUPPLIES):
            found.append(path)
    return found


def external_power(supplies: list[str] | None = None) -> bool | None:
    """Whether a USB, mains or wireless supply is online; None when none is listed."""
    supplies = external_supplies() if supplies is None else supplies
    if not supplies:
        return None
    return any(read_int(f"{path}/online") for path in supplies)


def current_ma(raw: int | None, status: str | None) -> float | None:
    """``current_now`` as the current drawn from the battery, mA (see the module's notes)."""
    if raw is None:
        return None
    value = raw / 1000 if abs(raw) >= MA_BELOW else float(raw)
    if status == "Discharging":
        return abs(value)
    if status == "Charging":
        return -abs(value)
    return -value  # the kernel's convention: negative while discharging


def battery(path: str | None, supplies: list[str] | None = None) -> dict:
    """Level, temperature, current, voltage and charging state of the battery at ``path``
    (``supplies``: the external supplies, :func:`external_supplies`, when known)."""
    if path is None:
        return {}
    status = (read_text(f"{path}/status") or "").strip() or None
    level = read_int(f"{path}/capacity")
    temp = read_int(f"{path}/temp")
    volts = read_int(f"{path}/voltage_now")
    powered = external_power(supplies)
    return {
        "level": level,
        "temp_c": temp / 10 if temp is not None else None,
        "current_ma": current_ma(read_int(f"{path}/current_now"), status),
        "voltage_v": (volts / 1e3 if volts < 100_000 else volts / 1e6) if volts else None,
        "status": status,
        "charging": status == "Charging",
        "powered": powered,
    }


# ----- sensors: the real ones, or a model of a virtual device's ---------------------------


class SysfsSensors:
    """The device's own sysfs, as read on a phone."""

    simulated = False

    def __init__(self, facts=None):
        self.cores = core_count() or (facts.cpu_cores if facts and facts.cpu_cores else 0)
        max_khz = cpu_max_freqs_khz(self.cores)
        if not any(max_khz) and facts is not None:
            max_khz = list(facts.cpu_max_freq_khz)
        self.clusters = named_clusters(max_khz) if any(max_khz) else []
        self.zones = thermal_zones()
        self.battery_path = battery_dir()
        self.supplies = external_supplies()

    def describe(self) -> dict:
        return {
            "simulated": False,
            "clusters": self.clusters,
            "zones": {name: {"trip_c": z["trip_c"]} for name, z in self.zones.items()},
        }

    def read(self, loaded: bool) -> dict:
        return {
            "cpu_freq_khz": cpu_freqs_khz(self.cores),
            "temp_c": zone_temps(self.zones),
            "battery": battery(self.battery_path, self.supplies),
        }


class SimulatedSensors:
    """A plausible phone for a virtual device: its profile's CPU and battery under load.

    Under load every core's frequency ramps to its maximum within about a second and
    falls back towards the minimum when idle; the SoC's temperature approaches
    ambient + 14 °C under load with a time constant of 90 s (the battery's follows at a
    third of that rise); above the trip point the fastest cluster is held at 70 %. The
    battery supplies idle + load power (0.35 W + 1.6 W, with 3 % noise) at a voltage
    falling with its level; while charging it takes 500 mA beyond what the phone draws.
    Sessions of one agent share the model's state (one device).
    """

    simulated = True
    IDLE_W = 0.35
    LOAD_W = 1.6
    RISE_C = 14.0
    TAU_S = 90.0
    RAMP_S = 0.8
    TRIP_C = 85.0
    CHARGE_MA = 500.0

    _shared: dict = {}
    _shared_lock = threading.Lock()

    def __init__(self, spec: dict):
        self.max_khz = [int(f) for f in spec.get("max_freq_khz") or []] or [2_000_000]
        mins = [int(f) for f in spec.get("min_freq_khz") or []]
        self.min_khz = [
            mins[i] if i < len(mins) and mins[i] else f // 4 for i, f in enumerate(self.max_khz)
        ]
        self.clusters = named_clusters(self.max_khz)
        self.level = spec.get("battery_level")
        self.ambient_c = float(spec.get("battery_temp_c") or 30.0)
        self.charging = bool(spec.get("charging"))
        self.powered = bool(spec.get("usb_powered")) or self.charging
        key = json.dumps(spec, sort_keys=True)
        with self._shared_lock:
            self.state = self._shared.setdefault(
                key,
                {
                    "t": time.monotonic(),
                    "soc_c": self.ambient_c + 3.0,
                    "load": 0.0,
                    "lock": threading.Lock(),
                },
            )
        self.random = random.Random(len(self.max_khz) * 7919 + int(self.ambient_c * 10))

    def describe(self) -> dict:
        return {
            "simulated": True,
            "clusters": self.clusters,
            "zones": {"soc": {"trip_c": self.TRIP_C}, "cpu": {"trip_c": self.TRIP_C}},
        }

    def read(self, loaded: bool) -> dict:
        state = self.state
        with state["lock"]:
            now = time.monotonic()
            dt = max(0.0, now - state["t"])
            state["t"] = now
            target = 1.0 if loaded else 0.0
            state["load"] += (target - state["load"]) * min(1.0, dt / self.RAMP_S)
            load = state["load"]
            hot = self.ambient_c + 3.0 + self.RISE_C * load
            state["soc_c"] += (hot - state["soc_c"]) * (1 - math.exp(-dt / self.TAU_S))
            soc = state["soc_c"]
        throttled = soc >= self.TRIP_C
        big = set(self.clusters[-1]["cores"])
        freqs = []
        for core, (low, high) in enumerate(zip(self.min_khz, self.max_khz, strict=True)):
            top = high * 0.7 if throttled and core in big else high
            jitter = 1 + self.random.uniform(-0.01, 0.01)
            freqs.append(int((low + (top - low) * load) * jitter) // 1000 * 1000)
        level = self.level if isinstance(self.level, (int, float)) else 80
        volts = 3.6 + 0.6 * min(max(level, 0), 100) / 100
        watts = (self.IDLE_W + self.LOAD_W * load) * (1 + self.random.gauss(0, 0.03))
        drawn = watts / volts * 1000
        if self.charging:  # the charger feeds the phone and the battery
            drawn = -self.CHARGE_MA
        return {
            "cpu_freq_khz": freqs,
            "temp_c": {"soc": round(soc, 1), "cpu": round(soc + 1.5 * load, 1)},
            "battery": {
                "level": self.level,
                "temp_c": round(self.ambient_c + (soc - self.ambient_c - 3.0) / 3, 1),
                "current_ma": round(drawn, 1),
                "voltage_v": round(volts, 3),
                "status": "Charging" if self.charging else "Discharging",
                "charging": self.charging,
                "powered": self.powered,
            },
        }


def simulated_spec(facts) -> dict:
    """What the virtual device passed about its profile, else what its facts say."""
    given = os.environ.get(SIMULATED_ENV)
    if given:
        try:
            spec = json.loads(given)
            if isinstance(spec, dict):
                return spec
        except ValueError:
            pass
    return {
        "max_freq_khz": list(facts.cpu_max_freq_khz) if facts else [],
        "battery_level": facts.battery_level if facts else None,
        "battery_temp_c": facts.battery_temperature_c if facts else None,
    }


def sensors(facts=None):
    """The sensors of the device the agent runs on (a model of them on a virtual device)."""
    if facts is not None and facts.virtual:
        return SimulatedSensors(simulated_spec(facts))
    return SysfsSensors(facts)


# ----- the sampler ----------------------------------------------------------------------


class Sampler(threading.Thread):
    """Samples ``sensors`` every ``interval_s`` and gives each sample to ``send``.

    ``phase`` is ``idle`` until :meth:`loaded` (the baseline, sampled at least
    :data:`BASELINE_SAMPLES` times however short), then ``run``; a last sample is taken
    when a run's sampler finishes, so even a short run has one at its start and its end.
    ``send`` raising OSError (the client is gone) ends the sampler.
    """

    def __init__(
        self,
        sensors,
        send: Callable[[dict], None],
        interval_s: float = INTERVAL_S,
        baseline_s: float = 0.0,
    ):
        super().__init__(daemon=True, name="agent-telemetry")
        self.sensors = sensors
        self.send = send
        self.interval_s = interval_s
        self.idle_interval_s = (
            min(interval_s, baseline_s / BASELINE_SAMPLES) if baseline_s > 0 else interval_s
        )
        self.phase = "idle"
        self.count = 0
        self._done = threading.Event()

    def loaded(self) -> None:
        self.phase = "run"

    def run(self) -> None:
        try:
            self._sample()
            while not self._done.wait(
                self.idle_interval_s if self.phase == "idle" else self.interval_s
            ):
                self._sample()
            if self.phase == "run":
                self._sample()
        except OSError:
            pass

    def _sample(self) -> None:
        phase = self.phase
        doc = {"type": protocol.TELEMETRY_SAMPLE, "t_us": time.perf_counter_ns() // 1000}
        doc["phase"] = phase
        doc.update(self.sensors.read(phase == "run"))
        self.count += 1
        self.send(doc)

    def finish(self) -> None:
        """Stop; once it returns no sample is sent any more."""
        self._done.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join()
