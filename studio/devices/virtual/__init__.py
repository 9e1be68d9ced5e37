"""A simulated Android phone speaking the device side of the ADB protocol over TCP."""

from studio.devices.virtual.device import VirtualDevice
from studio.devices.virtual.profiles import DeviceProfile, load_profile, profile_names
from studio.devices.virtual.shell import CommandTable, Invocation

__all__ = [
    "CommandTable",
    "DeviceProfile",
    "Invocation",
    "VirtualDevice",
    "load_profile",
    "profile_names",
]
