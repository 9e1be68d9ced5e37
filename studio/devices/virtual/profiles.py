"""Device profiles of the virtual device: what a simulated phone says it is.

A profile is data (``studio/resources/device-profiles/NAME.json``): the system properties
``getprop`` answers, the CPU cores and their frequencies, memory, free storage,
battery and the installed packages. Any field may be overridden when a virtual
device is created (for example a small ``data_free_bytes`` to test a full phone).
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from pathlib import Path

from studio.errors import InputError
from studio.paths import resource

DEFAULT_PROFILE = "pixel-7"


def profiles_dir() -> Path:
    return resource("device-profiles")


def profile_names() -> list[str]:
    return sorted(p.stem for p in profiles_dir().glob("*.json"))


@dataclass
class Package:
    name: str
    debuggable: bool = False


@dataclass
class DeviceProfile:
    name: str
    description: str = ""
    props: dict[str, str] = field(default_factory=dict)
    cpu_hardware: str = ""
    max_freq_khz: list[int] = field(default_factory=list)
    min_freq_khz: list[int] = field(default_factory=list)
    cpu_parts: list[str] = field(default_factory=list)
    mem_total_kb: int = 4 * 1024 * 1024
    mem_available_kb: int = 2 * 1024 * 1024
    data_total_bytes: int = 64 * 1024**3
    data_free_bytes: int = 32 * 1024**3
    battery_level: int = 80
    battery_temperature_tenths_c: int = 300
    battery_status: int = 3
    usb_powered: bool = True
    packages: list[Package] = field(default_factory=list)

    @property
    def cores(self) -> int:
        return max(1, len(self.max_freq_khz))

    def prop(self, key: str, default: str = "") -> str:
        return self.props.get(key, default)

    def package(self, name: str) -> Package | None:
        return next((p for p in self.packages if p.name == name), None)

    @classmethod
    def from_dict(cls, doc: dict) -> DeviceProfile:
        cpu = doc.get("cpu", {})
        memory = doc.get("memory", {})
        storage = doc.get("storage", {})
        battery = doc.get("battery", {})
        base = cls(name=str(doc.get("name", "custom")))
        return cls(
            name=base.name,
            description=str(doc.get("description", "")),
            props={str(k): str(v) for k, v in doc.get("props", {}).items()},
            cpu_hardware=str(cpu.get("hardware", "")),
            max_freq_khz=[int(f) for f in cpu.get("max_freq_khz", [])],
            min_freq_khz=[int(f) for f in cpu.get("min_freq_khz", [])],
            cpu_parts=[str(p) for p in cpu.get("implementer_parts", [])],
            mem_total_kb=int(memory.get("total_kb", base.mem_total_kb)),
            mem_available_kb=int(memory.get("available_kb", base.mem_available_kb)),
            data_total_bytes=int(storage.get("data_total_bytes", base.data_total_bytes)),
            data_free_bytes=int(storage.get("data_free_bytes", base.data_free_bytes)),
            battery_level=int(battery.get("level", base.battery_level)),
            battery_temperature_tenths_c=int(
                battery.get("temperature_tenths_c", base.battery_temperature_tenths_c)
            ),
            battery_status=int(battery.get("status", base.battery_status)),
            usb_powered=bool(battery.get("usb_powered", base.usb_powered)),
            packages=[
                Package(str(p["name"]), bool(p.get("debuggable", False)))
                for p in doc.get("packages", [])
            ],
        )

    def copy(self) -> DeviceProfile:
        return copy.deepcopy(self)


def load_profile(name_or_path: str | Path = DEFAULT_PROFILE) -> DeviceProfile:
    """A profile by name (see :func:`profile_names`) or from a JSON file."""
    path = Path(name_or_path)
    if path.suffix != ".json":
        path = profiles_dir() / f"{name_or_path}.json"
    if not path.is_file():
        raise InputError(
            f"There is no virtual device profile named {name_or_path!r}",
            hint=f"choose one of: {', '.join(profile_names())}, or give a profile .json file",
        )
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return DeviceProfile.from_dict(doc)
    except (ValueError, KeyError, TypeError) as exc:
        raise InputError(
            f"The device profile {path} is not valid ({exc})",
            hint=f"compare it with the bundled profiles in {profiles_dir()}",
        ) from None
