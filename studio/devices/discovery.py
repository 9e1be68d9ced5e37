"""Which phones are attached: on this computer's adb server and on remote ones.

:func:`scan` lists the devices of the local server (started when none runs) and of
each remote server given, with their facts when they are ready. A device that is not
ready carries guidance ("unauthorized: unlock the phone and accept the USB debugging
prompt"). :class:`DeviceWatcher` reports devices as they come and go.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from studio.devices.adb import (
    AdbServer,
    adb_errors,
    default_server,
    ensure_server,
    guidance_for,
    resolve_server,
)
from studio.devices.facts import DeviceFacts, collect_facts
from studio.devices.link import DeviceLink, list_devices, open_host_stream, read_block
from studio.errors import Action, DeviceError

log = logging.getLogger("studio.devices")


@dataclass
class DeviceEntry:
    serial: str
    state: str
    server: str
    model: str | None = None
    product: str | None = None
    device: str | None = None
    transport: str = "usb"
    facts: DeviceFacts | None = None
    facts_error: str | None = None

    @property
    def ready(self) -> bool:
        return self.state == "device"

    @property
    def guidance(self) -> str | None:
        return None if self.ready else f"{self.state}: {guidance_for(self.state)}"

    @property
    def name(self) -> str:
        if self.facts and self.facts.name:
            return self.facts.name
        return (self.model or self.serial).replace("_", " ")

    def to_dict(self) -> dict:
        return {
            "serial": self.serial,
            "state": self.state,
            "ready": self.ready,
            "guidance": self.guidance,
            "server": self.server,
            "transport": self.transport,
            "model": (self.facts.model if self.facts and self.facts.model else self.model),
            "product": self.product,
            "device": self.device,
            "facts": self.facts.to_dict() if self.facts else None,
            "facts_error": self.facts_error,
        }


@dataclass
class ServerStatus:
    address: str
    ok: bool
    error: str | None = None

    def to_dict(self) -> dict:
        return {"address": self.address, "ok": self.ok, "error": self.error}


@dataclass
class ScanResult:
    devices: list[DeviceEntry] = field(default_factory=list)
    servers: list[ServerStatus] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "devices": [d.to_dict() for d in self.devices],
            "servers": [s.to_dict() for s in self.servers],
        }


def _transport(serial: str) -> str:
    if serial.startswith("emulator-"):
        return "emulator"
    host, sep, port = serial.rpartition(":")
    if sep and port.isdigit() and host:
        return "tcp"
    if "._adb-tls-connect._tcp" in serial:
        return "tcp"
    return "usb"


def list_server(
    server: AdbServer | str | None = None, with_facts: bool = True
) -> list[DeviceEntry]:
    """The devices on one adb server (a local one is started when none runs)."""
    server = resolve_server(server)
    ensure_server(server)
    with adb_errors(None, server):
        infos = list_devices(server)
    entries = []
    for info in infos:
        entry = DeviceEntry(
            serial=info.serial,
            state=info.state,
            server=server.address,
            model=info.tags.get("model"),
            product=info.tags.get("product"),
            device=info.tags.get("device"),
            transport=_transport(info.serial),
        )
        if with_facts and entry.ready:
            try:
                with adb_errors(info.serial, server):
                    entry.facts = collect_facts(DeviceLink(server, info.serial, info.transport_id))
            except DeviceError as exc:
                entry.facts_error = exc.one_line()
        entries.append(entry)
    return entries


def scan(
    remote_servers: list[AdbServer | str] | None = None,
    with_facts: bool = True,
    include_local: bool = True,
) -> ScanResult:
    """Devices of the local server and of every remote server; unreachable ones noted."""
    servers: list[AdbServer] = [default_server()] if include_local else []
    for remote in remote_servers or []:
        resolved = resolve_server(remote)
        if resolved not in servers:
            servers.append(resolved)
    result = ScanResult()
    for server in servers:
        try:
            result.devices.extend(list_server(server, with_facts=with_facts))
            result.servers.append(ServerStatus(server.address, True))
        except DeviceError as exc:
            result.servers.append(ServerStatus(server.address, False, exc.one_line()))
    return result


def find_device(serial: str, server: AdbServer | str | None = None) -> DeviceLink:
    """The ready device ``serial`` on ``server``, or a DeviceError that says why not."""
    server = resolve_server(server)
    ensure_server(server)
    with adb_errors(serial, server):
        infos = list_devices(server)
    info = next((i for i in infos if i.serial == serial), None)
    state = info.state if info else None
    if state is None:
        known = ", ".join(i.serial for i in infos) or "none"
        raise DeviceError(
            f"There is no phone {serial} on the adb server {server.address}",
            hint=f"connected serials: {known}; check the cable, or run `model-studio devices`",
            action=Action.DEVICE_LIST,
        )
    if state != "device":
        raise DeviceError(f"The phone {serial} is {state}", hint=guidance_for(state))
    return DeviceLink(server, serial, info.transport_id)


# ----- live updates -----------------------------------------------------------------------


@dataclass(frozen=True)
class DeviceChange:
    serial: str
    state: str  # "absent" when it went away
    server: str

    @property
    def guidance(self) -> str | None:
        if self.state in ("device", "absent"):
            return None
        return f"{self.state}: {guidance_for(self.state)}"


class DeviceWatcher:
    """Calls ``on_change(DeviceChange)`` as devices appear, change state or go away.

    Runs ``host:track-devices`` on a background thread; :meth:`stop` ends it.
    """

    def __init__(
        self, on_change: Callable[[DeviceChange], None], server: AdbServer | str | None = None
    ):
        self.on_change = on_change
        self.server = resolve_server(server)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.error: str | None = None

    def start(self) -> DeviceWatcher:
        ensure_server(self.server)  # starts the local server; fails early when unreachable
        with adb_errors(None, self.server):
            self._sock = open_host_stream(self.server, "host:track-devices")
        self._thread = threading.Thread(target=self._run, daemon=True, name="device-watcher")
        self._thread.start()
        return self

    def _run(self) -> None:
        known: dict[str, str] = {}
        try:
            while not self._stop.is_set():
                text = read_block(self._sock)
                current = {}
                for line in text.splitlines():
                    serial, _, state = line.strip().partition("\t")
                    if serial:
                        current[serial] = state.strip()
                for serial in known.keys() - current.keys():
                    self.on_change(DeviceChange(serial, "absent", self.server.address))
                for serial, state in current.items():
                    if known.get(serial) != state:
                        self.on_change(DeviceChange(serial, state, self.server.address))
                known = current
        except Exception as exc:
            if not self._stop.is_set():
                self.error = f"lost the adb server at {self.server.address}: {exc}"
                log.info("device watcher stopped: %s", self.error)

    def stop(self) -> None:
        self._stop.set()
        with contextlib.suppress(OSError):
            self._sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self._sock.close()
        if self._thread is not None:
            self._thread.join(timeout=5)
