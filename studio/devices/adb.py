"""The adb server: which binary, which address, starting it, and talking to it.

The studio talks to an adb server through ``adbutils``. On this computer it starts
the server when none runs, with the ``adb`` binary inside the adbutils wheel unless
the user chose another (``MODEL_STUDIO_ADB`` or ``ADBUTILS_ADB_PATH``); it honours
``ANDROID_ADB_SERVER_PORT`` (and ``ANDROID_ADB_SERVER_HOST``) as adb does. Remote
servers (a device lab) are given as ``HOST:PORT`` and never started by us.
"""

from __future__ import annotations

import contextlib
import functools
import logging
import os
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from studio.errors import Action, DeviceError, InputError, StudioError

log = logging.getLogger("studio.devices")

DEFAULT_PORT = 5037
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


@dataclass(frozen=True)
class AdbServer:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def is_local(self) -> bool:
        return self.host in LOCAL_HOSTS

    def __str__(self) -> str:
        return self.address


def default_server() -> AdbServer:
    """The local server as adb itself would find it (ANDROID_ADB_SERVER_PORT/HOST)."""
    host = os.environ.get("ANDROID_ADB_SERVER_HOST") or "127.0.0.1"
    port_text = os.environ.get("ANDROID_ADB_SERVER_PORT") or str(DEFAULT_PORT)
    try:
        port = int(port_text)
    except ValueError:
        raise InputError(
            f"ANDROID_ADB_SERVER_PORT is not a port number: {port_text!r}",
            hint="set it to a number such as 5037, or unset it",
        ) from None
    return AdbServer(host, port)


def parse_server(text: str) -> AdbServer:
    """``HOST:PORT``, ``HOST`` (port 5037) or ``:PORT``."""
    text = text.strip()
    host, sep, port_text = text.rpartition(":")
    if not sep:
        host, port_text = text, str(DEFAULT_PORT)
    host = host.strip("[]") or "127.0.0.1"
    if not port_text.isdigit() or not 0 < int(port_text) < 65536 or not host:
        raise InputError(
            f"Not an adb server address: {text!r}",
            hint="give it as HOST:PORT, for example lab-pc.local:5037",
        )
    return AdbServer(host, int(port_text))


def resolve_server(server: AdbServer | str | None) -> AdbServer:
    if server is None:
        return default_server()
    if isinstance(server, AdbServer):
        return server
    return parse_server(server)


def bundled_adb() -> Path:
    from adbutils._utils import _get_bin_dir

    return Path(_get_bin_dir()) / ("adb.exe" if os.name == "nt" else "adb")


def adb_binary() -> str:
    """The adb program: $MODEL_STUDIO_ADB, else $ADBUTILS_ADB_PATH, else adbutils' own."""
    for variable in ("MODEL_STUDIO_ADB", "ADBUTILS_ADB_PATH"):
        chosen = os.environ.get(variable)
        if chosen:
            if not Path(chosen).is_file():
                raise InputError(
                    f"{variable} points to {chosen}, which is not a file",
                    hint=f"set {variable} to the path of an adb program, or unset it",
                )
            return chosen
    path = bundled_adb()
    if not path.is_file():
        raise DeviceError(
            "The adb program that comes with adbutils is missing",
            hint="reinstall adbutils, or set MODEL_STUDIO_ADB to an adb program",
        )
    return str(path)


def server_running(server: AdbServer, timeout: float = 1.0) -> bool:
    try:
        with socket.create_connection((server.host, server.port), timeout=timeout):
            return True
    except OSError:
        return False


def adb_command(server: AdbServer, *args: str) -> list[str]:
    """An ``adb`` command line aimed at ``server``."""
    return [adb_binary(), "-H", server.host, "-P", str(server.port), *args]


def ensure_server(server: AdbServer | None = None) -> AdbServer:
    """Make sure an adb server answers at ``server``.

    Only this computer's own server (the default address) is started when it is not
    running; a server given by address (a device lab) must already run.
    """
    server = server or default_server()
    if server_running(server):
        return server
    if not server.is_local or server != default_server():
        raise DeviceError(
            f"No adb server answers at {server.address}",
            hint="check the address, and that the server there was started with "
            "`adb -a -P PORT server nodaemon` so it accepts connections from other computers",
        )
    return start_server(server)


def start_server(server: AdbServer) -> AdbServer:
    """Start an adb server on this computer at ``server.port`` (no-op when one answers)."""
    if server_running(server):
        return server
    binary = adb_binary()
    log.info("starting adb server %s on port %d", binary, server.port)
    # The server is a daemon that may keep inherited pipes open: log to a file instead.
    with tempfile.TemporaryFile() as output:
        try:
            proc = subprocess.run(
                [binary, "-P", str(server.port), "start-server"],
                stdin=subprocess.DEVNULL,
                stdout=output,
                stderr=output,
                timeout=30,
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise DeviceError(
                f"Could not start the adb server ({exc})",
                hint="set MODEL_STUDIO_ADB to a working adb program",
            ) from None
        output.seek(0)
        text = output.read().decode("utf-8", "replace").strip()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if server_running(server, timeout=0.5):
            return server
        time.sleep(0.1)
    raise DeviceError(
        f"The adb server did not start on port {server.port}"
        + (f" (exit code {proc.returncode})" if proc.returncode else ""),
        hint="another program may hold the port; set ANDROID_ADB_SERVER_PORT to another one",
        details=text,
    )


def kill_server(server: AdbServer | None = None) -> None:
    """Ask the server at ``server`` to exit (nothing happens when none runs)."""
    server = server or default_server()
    if not server_running(server):
        return
    with contextlib.suppress(Exception):
        client(server, start=False).server_kill()


def client(server: AdbServer | str | None = None, start: bool = True):
    """An ``adbutils.AdbClient`` for ``server`` (started first when local and ``start``).

    Unlike a plain ``AdbClient`` it never starts a server behind our back (adbutils
    would start whatever ``adb`` is on PATH when a connection fails).
    """
    server = resolve_server(server)
    if start:
        ensure_server(server)
    return _client_class()(host=server.host, port=server.port, socket_timeout=30)


@functools.cache
def _client_class():
    import adbutils
    from adbutils.errors import AdbConnectionError

    class Client(adbutils.AdbClient):
        def make_connection(self, timeout=None):
            if not server_running(AdbServer(self.host, self.port)):
                raise AdbConnectionError(f"no adb server at {self.host}:{self.port}")
            return super().make_connection(timeout)

    return Client


# ----- talking to the server: errors in plain language ------------------------------------

STATE_GUIDANCE = {
    "device": "ready",
    "unauthorized": "unlock the phone and accept the USB debugging prompt",
    "authorizing": "unlock the phone and accept the USB debugging prompt",
    "offline": "reconnect the cable (for Wi-Fi: check the phone is on the same network, "
    "then connect again)",
    "connecting": "the adb server is still connecting to it; wait a few seconds",
    "no permissions": "this user may not open the USB device: install Android's udev rules "
    "(for example the android-sdk-platform-tools-common package) and reconnect the cable",
    "bootloader": "the phone is in its bootloader; restart it normally",
    "recovery": "the phone is in recovery mode; restart it normally",
    "rescue": "the phone is in rescue mode; restart it normally",
    "sideload": "the phone is waiting for a sideload; restart it normally",
    "host": "this is another computer, not a phone",
    "detached": "the phone is detached from adb; attach it again",
}


def guidance_for(state: str) -> str:
    return STATE_GUIDANCE.get(state, "the phone is not ready; reconnect it")


class AdbRefusal(Exception):
    """The adb server answered FAIL to a request; the text is the server's."""


@contextlib.contextmanager
def adb_errors(serial: str | None, server: AdbServer) -> Iterator[None]:
    """Turn adb, adbutils and socket errors into :class:`DeviceError` with a plain message."""
    try:
        yield
    except StudioError:
        raise
    except Exception as exc:
        plain = _plain_error(exc, serial, server)
        if plain is None:
            raise
        raise plain from None


def _plain_error(exc: Exception, serial: str | None, server: AdbServer) -> DeviceError | None:
    who = f"The phone {serial}" if serial else "The adb server"
    text = str(exc)
    lowered = text.lower()
    adbutils_error = type(exc).__module__.startswith("adbutils")
    if isinstance(exc, TimeoutError) or type(exc).__name__ == "AdbTimeout":
        return DeviceError(
            f"{who} did not answer in time", hint="reconnect it and try again", details=text
        )
    if isinstance(exc, AdbRefusal) or adbutils_error:
        if "no adb server" in lowered or "connect to adb server" in lowered:
            return DeviceError(
                f"No adb server answers at {server.address}",
                hint="start it, or check the address",
                details=text,
            )
        if "not found" in lowered:
            return DeviceError(
                f"There is no phone {serial} on the adb server {server.address}",
                hint="check the cable or run `model-studio devices` to see the serials",
                action=Action.DEVICE_LIST,
                details=text,
            )
        for state in ("unauthorized", "offline", "no permissions", "authorizing"):
            if state in lowered:
                return DeviceError(f"{who} is {state}", hint=guidance_for(state), details=text)
        return DeviceError(f"{who} refused the request: {text}", details=text)
    if isinstance(exc, (EOFError, OSError)):
        return DeviceError(
            f"The connection to {serial or server.address} was lost",
            hint="check the cable or network and try again",
            details=repr(exc),
        )
    return None


WIFI_HINT = (
    "check that the phone is on the same network as this computer, that Wireless debugging "
    "is on (Settings → Developer options), and that the port is the one the phone shows "
    "under Wireless debugging"
)


def _no_answer(address: str, server: AdbServer, details: str) -> DeviceError:
    """The phone at ``address`` did not answer; the adb server forgets it, so that no offline
    row is left behind."""
    with contextlib.suppress(Exception):
        client(server, start=False).disconnect(address)
    return DeviceError(f"The phone at {address} did not answer", hint=WIFI_HINT, details=details)


def connect_device(
    address: str, server: AdbServer | None = None, wait: bool = True, timeout: float = 10.0
) -> str:
    """``adb connect HOST:PORT``; with ``wait``, until the device is ready. Returns the serial."""
    server = server or default_server()
    address = address.strip()
    if ":" not in address:
        address += ":5555"
    c = client(server)
    with adb_errors(None, server):
        try:
            reply = c.connect(address, timeout=timeout)
        except Exception as exc:  # the server waited for the phone, not the other way round
            if isinstance(exc, TimeoutError) or type(exc).__name__ == "AdbTimeout":
                raise _no_answer(address, server, str(exc)) from None
            raise
    lowered = reply.lower()
    if "authenticate" in lowered:  # reached, but the phone has not accepted this computer
        if not wait:
            return address
        raise DeviceError(f"{address} is unauthorized", hint=guidance_for("unauthorized"))
    if "connected to" not in lowered:
        raise _no_answer(address, server, reply.strip())
    if wait:
        deadline = time.monotonic() + timeout
        state = ""
        while time.monotonic() < deadline:
            with adb_errors(address, server):
                state = next((d.state for d in c.list() if d.serial == address), "")
            if state == "device":
                return address
            time.sleep(0.05)
        if state in ("", "offline"):
            raise _no_answer(address, server, f"still {state or 'gone'} after {timeout:.0f} s")
        raise DeviceError(f"{address} connected but is {state}", hint=guidance_for(state))
    return address


def disconnect_device(address: str, server: AdbServer | None = None) -> str:
    """``adb disconnect HOST:PORT``."""
    server = server or default_server()
    if ":" not in address:
        address += ":5555"
    c = client(server, start=False)
    with adb_errors(None, server):
        reply = c.disconnect(address, raise_error=True) or ""
    return reply.strip()
