"""What the agent tells the studio about where it runs: runtimes, device facts, telemetry.

Runtime versions come from package metadata (cheap); operator lists come from the
compatibility checker's description of the installed runtimes
(:func:`studio.compat.installed.profile_of_installed`), computed once per agent
process when a client asks for them. Device facts are the same
:class:`~studio.devices.facts.DeviceFacts` the studio collects over adb: on a phone
the agent gathers them with the same shell script; on a virtual device the device
passes its own in ``MODEL_STUDIO_DEVICE_FACTS``.
"""

from __future__ import annotations

import glob
import json
import logging
import os
import platform
import shutil
import subprocess
import threading
from importlib import metadata

from studio.devices.facts import DeviceFacts, facts_script, parse_facts

log = logging.getLogger("studio.agent")

FACTS_ENV = "MODEL_STUDIO_DEVICE_FACTS"

# Runtimes the agent serves: name -> (distribution that carries it, artifact suffixes)
AGENT_RUNTIMES: dict[str, tuple[str, tuple[str, ...]]] = {
    "executorch": ("executorch", (".pte",)),
    "pytorch-lite": ("torch", (".ptl",)),
    "torchscript": ("torch", (".pt",)),
    "onnxruntime": ("onnxruntime", (".onnx", ".ort")),
}

_profiles: dict[str, dict] = {}
_profiles_lock = threading.Lock()


def runtime_version(runtime: str) -> str | None:
    distribution = AGENT_RUNTIMES[runtime][0]
    try:
        return metadata.version(distribution).split("+")[0]
    except metadata.PackageNotFoundError:
        return None


def runtime_profile(runtime: str) -> dict | None:
    """The runtime's profile (a ``RuntimeProfile`` as a dict), or None when it has none."""
    from studio.compat.installed import INSTALLED, profile_of_installed

    if runtime not in INSTALLED:
        return None
    with _profiles_lock:
        if runtime not in _profiles:
            _profiles[runtime] = profile_of_installed(runtime).to_dict()
        return _profiles[runtime]


def runtimes(with_operators: bool) -> list[dict]:
    entries = []
    for name, (_dist, suffixes) in AGENT_RUNTIMES.items():
        version = runtime_version(name)
        entry = {
            "name": name,
            "version": version,
            "available": version is not None,
            "suffixes": list(suffixes),
            "profile": None,
        }
        if with_operators and version is not None:
            try:
                entry["profile"] = runtime_profile(name)
            except Exception as exc:  # a runtime that cannot describe itself is still usable
                log.warning("no profile for %s: %s", name, exc)
                entry["profile_error"] = str(exc)
        entries.append(entry)
    return entries


def device_facts() -> DeviceFacts:
    """Facts about the device the agent runs on (see the module's docstring)."""
    given = os.environ.get(FACTS_ENV)
    if given:
        try:
            return DeviceFacts.from_dict(json.loads(given))
        except (ValueError, TypeError) as exc:
            log.warning("ignoring malformed %s: %s", FACTS_ENV, exc)
    if shutil.which("getprop"):  # an Android device
        try:
            output = subprocess.run(
                ["sh", "-c", facts_script()], capture_output=True, text=True, timeout=15
            ).stdout
            return parse_facts(output)
        except (OSError, subprocess.SubprocessError) as exc:
            log.warning("could not gather device facts: %s", exc)
    return DeviceFacts(
        manufacturer=platform.system(),
        model=platform.node() or None,
        abis=[platform.machine()] if platform.machine() else [],
        cpu_cores=os.cpu_count(),
    )


# ----- telemetry ------------------------------------------------------------------------


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read()
    except OSError:
        return None


def _kib_field(text: str | None, name: str) -> int | None:
    for line in (text or "").splitlines():
        if line.startswith(name + ":"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1]) * 1024
    return None


def _int_file(path: str) -> int | None:
    text = _read(path)
    try:
        return int(text.strip()) if text else None
    except ValueError:
        return None


def telemetry(facts: DeviceFacts | None = None) -> dict:
    """Memory of the agent, CPU frequencies and temperature, battery — each None if unreadable."""
    status = _read("/proc/self/status")
    rollup = _read("/proc/self/smaps_rollup")
    freqs = []
    for path in sorted(glob.glob("/sys/devices/system/cpu/cpu[0-9]*/cpufreq/scaling_cur_freq")):
        value = _int_file(path)
        if value:
            freqs.append(value)
    temps = []
    for zone in glob.glob("/sys/class/thermal/thermal_zone*"):
        kind = (_read(f"{zone}/type") or "").strip().lower()
        value = _int_file(f"{zone}/temp")
        if value is not None and any(k in kind for k in ("cpu", "soc", "x86_pkg", "tsens")):
            temps.append(value / 1000 if abs(value) > 1000 else float(value))
    battery = _int_file("/sys/class/power_supply/battery/capacity")
    battery_temp = _int_file("/sys/class/power_supply/battery/temp")
    if battery is None and facts is not None:
        battery = facts.battery_level
    battery_temp_c = battery_temp / 10 if battery_temp is not None else None
    if battery_temp_c is None and facts is not None:
        battery_temp_c = facts.battery_temperature_c
    return {
        "rss_bytes": _kib_field(status, "VmRSS"),
        "pss_bytes": _kib_field(rollup, "Pss"),
        "cpu_freq_khz": freqs,
        "cpu_temp_c": max(temps) if temps else None,
        "battery_level": battery,
        "battery_temp_c": battery_temp_c,
    }
