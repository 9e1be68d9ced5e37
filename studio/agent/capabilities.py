"""What the agent tells the studio about where it runs: runtimes, device facts, telemetry.

Each runtime is reported as the implementation that runs it in this process
(:func:`studio.runtimes.implementation`): on a phone's bundle ``.pte`` files run in the
torch-free executorch-numpy-runtime, so the agent reports its ExecuTorch version (1.3.1),
not the desktop's. Operator lists are the profiles shipped beside the agent
(:func:`shipped_profiles_dir`, written on the computer by
:func:`studio.compat.bundled.write_bundle_profiles` when the bundle is built) when one
describes the version that runs here; otherwise the compatibility checker's description
of the installed runtime (:func:`studio.compat.installed.profile_of_installed`, which
needs ``onnx`` for ONNX Runtime), computed once per agent process when a client asks.
Device facts are the same :class:`~studio.devices.facts.DeviceFacts` the studio collects
over adb: on a phone the agent gathers them with the same shell script; on a virtual
device the device passes its own in ``MODEL_STUDIO_DEVICE_FACTS``.
"""

from __future__ import annotations

import json
import logging
import os
import platform
import shutil
import subprocess
import threading
from pathlib import Path

from studio import artifacts
from studio.devices.facts import DeviceFacts, facts_script, parse_facts
from studio.runtimes import implementation

log = logging.getLogger("studio.agent")

FACTS_ENV = "MODEL_STUDIO_DEVICE_FACTS"
PROFILES_ENV = "MODEL_STUDIO_PROFILES_DIR"
SHIPPED_PROFILES = "agent-profiles"  # beside the studio package, in a bundle

# Runtimes the agent serves: those of the artifact formats (not the desktop-only ``eager``).
AGENT_RUNTIMES: tuple[str, ...] = artifacts.RUNTIMES

_profiles: dict[str, dict] = {}
_profiles_lock = threading.Lock()


def runtime_version(runtime: str) -> str | None:
    """The version of the runtime as it runs here, or None when nothing here runs it."""
    chosen = implementation(runtime)
    return chosen.version() if chosen else None


def shipped_profiles_dir() -> Path:
    """Where profiles shipped with the agent lie: ``$MODEL_STUDIO_PROFILES_DIR``, else the
    ``agent-profiles`` folder beside the ``studio`` package."""
    given = os.environ.get(PROFILES_ENV)
    return Path(given) if given else Path(__file__).resolve().parents[2] / SHIPPED_PROFILES


def shipped_profile(runtime: str):
    """The shipped ``<runtime>.json`` profile, if it describes the version that runs here."""
    from studio.compat.profiles import ProfileError, load_profile_file

    path = shipped_profiles_dir() / f"{runtime}.json"
    if not path.is_file():
        return None
    try:
        profile = load_profile_file(path)
    except ProfileError as exc:
        log.warning("ignoring the shipped profile %s: %s", path, exc)
        return None
    running = runtime_version(runtime)
    if profile.family != runtime or profile.runtime_version != running:
        log.warning(
            "ignoring the shipped profile %s: it describes %s %s, this agent runs %s",
            path,
            profile.family,
            profile.runtime_version,
            running,
        )
        return None
    return profile


def runtime_profile(runtime: str) -> dict | None:
    """The runtime's profile (a ``RuntimeProfile`` as a dict), or None when it has none."""
    from studio.compat.installed import INSTALLED, profile_of_installed

    if runtime not in INSTALLED:
        return None
    with _profiles_lock:
        if runtime not in _profiles:
            profile = shipped_profile(runtime) or profile_of_installed(runtime)
            _profiles[runtime] = profile.to_dict()
        return _profiles[runtime]


def runtimes(with_operators: bool) -> list[dict]:
    entries = []
    for name in AGENT_RUNTIMES:
        chosen = implementation(name)
        version = chosen.version() if chosen else None
        entry = {
            "name": name,
            "version": version,
            "available": version is not None,
            "package": chosen.distribution if chosen else None,
            "package_version": chosen.package_version() if chosen else None,
            "suffixes": list(artifacts.suffixes_of(name)),
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


def _kib_field(text: str | None, name: str) -> int | None:
    for line in (text or "").splitlines():
        if line.startswith(name + ":"):
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                return int(parts[1]) * 1024
    return None


def telemetry(facts: DeviceFacts | None = None) -> dict:
    """Memory of the agent, CPU frequencies and temperature, battery — each None if unreadable."""
    from studio.agent import telemetry as sensors

    status = sensors.read_text("/proc/self/status")
    rollup = sensors.read_text("/proc/self/smaps_rollup")
    freqs = [f for f in sensors.cpu_freqs_khz() if f]
    temps = list(sensors.zone_temps(sensors.thermal_zones()).values())
    cell = sensors.battery(sensors.battery_dir())
    battery = cell.get("level")
    if battery is None and facts is not None:
        battery = facts.battery_level
    battery_temp_c = cell.get("temp_c")
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
