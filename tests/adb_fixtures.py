"""Pytest fixtures for anything that needs a phone: a real adb server and virtual devices.

Registered for the whole suite from ``tests/conftest.py``. ``adb_server`` is one adb
server per test session on a free port (``ANDROID_ADB_SERVER_PORT`` is set for the
session, the server is killed at the end); the adb program is the one the studio
would use (``MODEL_STUDIO_ADB`` / ``ADBUTILS_ADB_PATH`` select another, e.g. Debian's
adb 29). ``virtual_device`` is a fresh simulated phone attached to it;
``make_virtual_device(**kwargs)`` makes more (other profiles, little free space,
another adb server).
"""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_adb_server(port: int | None = None):
    from studio.devices.adb import AdbServer, start_server

    return start_server(AdbServer("127.0.0.1", port or free_port()))


def stop_adb_server(server) -> None:
    from studio.devices.adb import kill_server, server_running

    kill_server(server)
    deadline = time.monotonic() + 10
    while server_running(server, timeout=0.2) and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture(scope="session")
def adb_server():
    """The session's adb server (its address is also in ANDROID_ADB_SERVER_PORT)."""
    port = free_port()
    previous = os.environ.get("ANDROID_ADB_SERVER_PORT")
    os.environ["ANDROID_ADB_SERVER_PORT"] = str(port)
    server = start_adb_server(port)
    try:
        yield server
    finally:
        stop_adb_server(server)
        if previous is None:
            os.environ.pop("ANDROID_ADB_SERVER_PORT", None)
        else:
            os.environ["ANDROID_ADB_SERVER_PORT"] = previous


@pytest.fixture
def make_virtual_device(adb_server, tmp_path_factory):
    """Factory: ``make_virtual_device(profile=..., data_free_bytes=..., adb_server=...)``."""
    from studio.devices.virtual import VirtualDevice

    devices = []

    def make(**kwargs):
        kwargs.setdefault("adb_server", adb_server)
        kwargs.setdefault("sandbox", tmp_path_factory.mktemp("phone"))
        device = VirtualDevice(**kwargs)
        device.start()
        devices.append(device)
        return device

    yield make
    for device in devices:
        device.stop()


@pytest.fixture
def virtual_device(make_virtual_device):
    """A fresh virtual Pixel 7 attached to the session's adb server."""
    return make_virtual_device()


@pytest.fixture(scope="session")
def adb(adb_server):
    """Run the adb command line against the session's server: ``adb("-s", serial, "shell", "ls")``."""
    from studio.devices.adb import adb_command

    def run(*args: str, timeout: float = 60, check: bool = False, **kwargs):
        return subprocess.run(
            adb_command(adb_server, *args),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=check,
            **kwargs,
        )

    return run
