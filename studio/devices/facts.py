"""What a phone is: make, Android version, CPU, memory, storage, battery.

Facts are gathered with one shell command (one round trip) and parsed leniently:
every field may be missing on some phone, and a missing field is ``None``, never an
error.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field

MAX_CPUS = 16
MARK = "@@ms:"
# What a virtual device's ``getprop`` answers "1" to: numbers measured there are not a phone's.
VIRTUAL_PROP = "ro.modelstudio.virtual"


def facts_script() -> str:
    parts = [
        f"echo {MARK}props; getprop",
        f"echo {MARK}cpuinfo; cat /proc/cpuinfo 2>/dev/null",
        f"echo {MARK}meminfo; cat /proc/meminfo 2>/dev/null",
        f"echo {MARK}df; df -k /data 2>/dev/null",
        f"echo {MARK}battery; dumpsys battery 2>/dev/null",
        f"echo {MARK}possible; cat /sys/devices/system/cpu/possible 2>/dev/null",
        "cd /sys/devices/system/cpu",
    ]
    parts += [
        f"echo {MARK}freq{i}; cat cpu{i}/cpufreq/cpuinfo_max_freq 2>/dev/null"
        for i in range(MAX_CPUS)
    ]
    return "; ".join(parts)


@dataclass
class DeviceFacts:
    manufacturer: str | None = None
    brand: str | None = None
    model: str | None = None
    device: str | None = None
    android_version: str | None = None
    sdk: int | None = None
    abis: list[str] = field(default_factory=list)
    soc: str | None = None
    board: str | None = None
    cpu_cores: int | None = None
    cpu_max_freq_khz: list[int] = field(default_factory=list)
    ram_total_bytes: int | None = None
    ram_available_bytes: int | None = None
    storage_total_bytes: int | None = None
    storage_free_bytes: int | None = None
    battery_level: int | None = None
    battery_temperature_c: float | None = None
    virtual: bool = False  # a virtual device on a computer, not a phone

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict) -> DeviceFacts:
        known = {k: v for k, v in doc.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    @property
    def name(self) -> str | None:
        """'Google Pixel 7' — manufacturer and model without repeating the make."""
        if not self.model:
            return None
        make = (self.manufacturer or "").strip()
        if make and not self.model.lower().startswith(make.lower()):
            return f"{make[:1].upper()}{make[1:]} {self.model}"
        return self.model

    def summary(self) -> str:
        parts = []
        if self.name:
            parts.append(self.name + (" (virtual)" if self.virtual else ""))
        if self.android_version:
            sdk = f" (SDK {self.sdk})" if self.sdk else ""
            parts.append(f"Android {self.android_version}{sdk}")
        if self.soc:
            parts.append(self.soc)
        if self.cpu_cores:
            top = max(self.cpu_max_freq_khz) / 1e6 if self.cpu_max_freq_khz else None
            parts.append(f"{self.cpu_cores} cores" + (f" up to {top:.2f} GHz" if top else ""))
        if self.ram_total_bytes:
            parts.append(f"{self.ram_total_bytes / 2**30:.1f} GB RAM")
        if self.storage_free_bytes is not None:
            parts.append(f"{self.storage_free_bytes / 2**30:.1f} GB free")
        if self.battery_level is not None:
            temp = (
                f", {self.battery_temperature_c:.1f} °C"
                if self.battery_temperature_c is not None
                else ""
            )
            parts.append(f"battery {self.battery_level}%{temp}")
        return " · ".join(parts)


def split_sections(output: str) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in output.replace("\r\n", "\n").split("\n"):
        if line.startswith(MARK):
            current = line[len(MARK) :].strip()
            sections[current] = []
        elif current is not None:
            sections[current].append(line)
    return {k: "\n".join(v).strip() for k, v in sections.items()}


def parse_getprop(text: str) -> dict[str, str]:
    props = {}
    for match in re.finditer(r"^\[([^\]]+)\]: \[(.*)\]\s*$", text, re.MULTILINE):
        props[match.group(1)] = match.group(2)
    return props


def _int(text: str | None) -> int | None:
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return None


def _kv_lines(text: str, sep: str = ":") -> dict[str, str]:
    out = {}
    for line in text.splitlines():
        key, found, value = line.partition(sep)
        if found:
            out.setdefault(key.strip().lower(), value.strip())
    return out


def _count_cpus(possible: str, cpuinfo: str) -> int | None:
    match = re.fullmatch(r"\s*(\d+)\s*-\s*(\d+)\s*", possible or "")
    if match:
        return int(match.group(2)) - int(match.group(1)) + 1
    if (possible or "").strip().isdigit():
        return 1
    count = len(re.findall(r"^processor\s*:", cpuinfo or "", re.MULTILINE))
    return count or None


def _meminfo_bytes(meminfo: dict[str, str], key: str) -> int | None:
    match = re.match(r"(\d+)\s*kB", meminfo.get(key, ""), re.IGNORECASE)
    return int(match.group(1)) * 1024 if match else None


def parse_df(text: str) -> tuple[int | None, int | None]:
    """(total, available) bytes from ``df -k`` output (toybox or busybox)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) < 2:
        return None, None
    fields = " ".join(lines[1:]).split()
    numbers = [f for f in fields[1:] if re.fullmatch(r"\d+", f)]
    if len(numbers) < 3:
        return None, None
    return int(numbers[0]) * 1024, int(numbers[2]) * 1024


def parse_facts(output: str) -> DeviceFacts:
    s = split_sections(output)
    props = parse_getprop(s.get("props", ""))
    cpuinfo = _kv_lines(s.get("cpuinfo", ""))
    meminfo = _kv_lines(s.get("meminfo", ""))
    battery = _kv_lines(s.get("battery", ""))

    def prop(*keys: str) -> str | None:
        for key in keys:
            value = props.get(key, "").strip()
            if value:
                return value
        return None

    abis = [a for a in (prop("ro.product.cpu.abilist") or "").split(",") if a]
    if not abis and prop("ro.product.cpu.abi"):
        abis = [prop("ro.product.cpu.abi")]
    soc_make, soc_model = prop("ro.soc.manufacturer"), prop("ro.soc.model")
    if soc_model:
        soc = (
            f"{soc_make} {soc_model}"
            if soc_make and soc_make.lower() not in soc_model.lower()
            else soc_model
        )
    else:
        soc = cpuinfo.get("hardware") or prop("ro.board.platform", "ro.hardware")
    freqs = []
    for i in range(MAX_CPUS):
        value = _int(s.get(f"freq{i}"))
        if value:
            freqs.append(value)
    total, free = parse_df(s.get("df", ""))
    temperature = _int(battery.get("temperature"))
    return DeviceFacts(
        manufacturer=prop("ro.product.manufacturer", "ro.product.vendor.manufacturer"),
        brand=prop("ro.product.brand"),
        model=prop("ro.product.model", "ro.product.vendor.model"),
        device=prop("ro.product.device"),
        android_version=prop("ro.build.version.release"),
        sdk=_int(prop("ro.build.version.sdk")),
        abis=abis,
        soc=soc,
        board=prop("ro.product.board", "ro.board.platform"),
        cpu_cores=_count_cpus(s.get("possible", ""), s.get("cpuinfo", "")),
        cpu_max_freq_khz=freqs,
        ram_total_bytes=_meminfo_bytes(meminfo, "memtotal"),
        ram_available_bytes=_meminfo_bytes(meminfo, "memavailable"),
        storage_total_bytes=total,
        storage_free_bytes=free,
        battery_level=_int(battery.get("level")),
        battery_temperature_c=temperature / 10 if temperature is not None else None,
        virtual=prop(VIRTUAL_PROP) == "1",
    )


def collect_facts(device, timeout: float = 15.0) -> DeviceFacts:
    """Facts of a :class:`~studio.devices.link.DeviceLink` (one shell round trip)."""
    return parse_facts(device.shell(facts_script(), timeout=timeout).out)
