"""A simulated Android phone that an adb server connects to over TCP.

    device = VirtualDevice(profile="pixel-7").start()   # listens, then `adb connect`
    device.serial                                      # "127.0.0.1:41234"
    device.host_path("/data/local/tmp/model.pte")      # where its files really are
    device.stop()

Everything the studio does with a phone (listing, facts, push, pull, shell,
``adb forward``) works against it through the real adb server.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import socket
import tempfile
import threading
from pathlib import Path

from studio.devices.facts import VIRTUAL_PROP
from studio.devices.virtual.agent_command import NAME as AGENT_COMMAND
from studio.devices.virtual.commands import default_commands
from studio.devices.virtual.fs import SandboxFS
from studio.devices.virtual.profiles import DEFAULT_PROFILE, DeviceProfile, load_profile
from studio.devices.virtual.services import (
    message_service,
    shell_service,
    sync_service,
    tcp_service,
)
from studio.devices.virtual.shell import Handler, Shell
from studio.devices.virtual.transport import Connection
from studio.errors import InputError

log = logging.getLogger("studio.devices.virtual")

# The adb server probes these loopback ports for emulators; a device there would be
# registered twice (as emulator-N and as HOST:PORT).
EMULATOR_PORTS = range(5555, 5586)
ARCHS = ("host", "arm64")
FEATURES = ("shell_v2", "stat_v2", "fixed_push_mkdir")


def _banner_value(text: str) -> str:
    return re.sub(r"[:;=\s]", "_", text.strip()) or "unknown"


class VirtualDevice:
    def __init__(
        self,
        profile: str | DeviceProfile = DEFAULT_PROFILE,
        sandbox: str | Path | None = None,
        port: int = 0,
        host: str = "127.0.0.1",
        data_free_bytes: int | None = None,
        adb_server=None,
        register: bool = True,
        authorized: bool = True,
        arch: str = "host",
    ):
        """
        profile: a profile name, a .json path, or a :class:`DeviceProfile`.
        sandbox: the folder holding the device's files (default: a temporary folder,
            removed by :meth:`stop`).
        port: TCP port to listen on (0: any free one; never 5555-5585).
        data_free_bytes: overrides the profile's free space on /data.
        adb_server: the adb server to register with (an ``AdbServer`` or "HOST:PORT";
            default: the local one, honouring ANDROID_ADB_SERVER_PORT).
        register: run ``adb connect`` on start and ``adb disconnect`` on stop.
        authorized: False to start as a phone whose user has not accepted the USB
            debugging prompt yet (adb shows it "unauthorized"); see :meth:`authorize`.
        arch: "host" (the default): ``model-studio-agent`` starts the agent as a process
            of this computer. "arm64": the device runs its own program files for real, as
            a phone does, as aarch64 code under qemu-user (see :mod:`.arm64`; root only).
        """
        if arch not in ARCHS:
            raise InputError(f"Unknown architecture {arch!r}", hint=f"one of {', '.join(ARCHS)}")
        if port in EMULATOR_PORTS:
            raise InputError(
                f"Port {port} is reserved: the adb server probes 5555-5585 for emulators",
                hint="choose another port, or 0 for any free one",
            )
        self.profile = (
            profile if isinstance(profile, DeviceProfile) else load_profile(profile)
        ).copy()
        if data_free_bytes is not None:
            self.profile.data_free_bytes = int(data_free_bytes)
        self.profile.props[VIRTUAL_PROP] = "1"  # what it measures is not a phone's
        self._own_sandbox = sandbox is None
        self.sandbox = Path(sandbox or tempfile.mkdtemp(prefix=f"virtual-{self.profile.name}-"))
        self.sandbox.mkdir(parents=True, exist_ok=True)
        self.fs = SandboxFS(self.sandbox, self.profile)
        self.fs.create_skeleton()
        self.commands = default_commands()
        self.shell = Shell(self.fs, self.commands)
        self.arch = arch
        if arch == "arm64":
            abi = self.profile.prop("ro.product.cpu.abi", "")
            if abi != "arm64-v8a":
                raise InputError(
                    f"The profile {self.profile.name} is a {abi or 'unknown'} phone, not arm64-v8a",
                    hint="choose an arm64 profile (see --list-profiles)",
                )
            self.commands.unregister(AGENT_COMMAND)  # the pushed launcher runs instead
        self.host = host
        self.requested_port = port
        self.adb_server = adb_server
        self.register_with_adb = register
        self._listener: socket.socket | None = None
        self._connections: set[Connection] = set()
        self._lock = threading.Lock()
        self._stopped = threading.Event()
        self.port: int | None = None
        self.authorized = authorized

    # ----- identity -----------------------------------------------------------------

    @property
    def serial(self) -> str:
        """The serial the adb server knows this device by: ``HOST:PORT``."""
        if self.port is None:
            raise RuntimeError("the virtual device is not started")
        return f"{self.host}:{self.port}"

    def banner(self) -> bytes:
        props = self.profile.props
        return (
            "device::"
            f"ro.product.name={_banner_value(props.get('ro.product.name', 'virtual'))};"
            f"ro.product.model={_banner_value(props.get('ro.product.model', 'Virtual'))};"
            f"ro.product.device={_banner_value(props.get('ro.product.device', 'virtual'))};"
            f"features={','.join(FEATURES)}"
        ).encode()

    @property
    def bytes_received(self) -> int:
        """File bytes pushed to this device (over sync) since it started."""
        return self.fs.bytes_received

    def host_path(self, device_path: str) -> Path:
        """Where a device path lives in the sandbox on this computer."""
        return self.fs.host_path(device_path)

    def register_command(self, name: str, handler: Handler) -> None:
        """Teach the device's shell another command (see :mod:`.shell`)."""
        self.commands.register(name, handler)

    # ----- services -----------------------------------------------------------------

    def open_service(self, service: str):
        if service.startswith(("shell:", "shell,", "exec:")):
            return shell_service(self.shell, service)
        if service == "sync:":
            return sync_service(self.fs)
        if service.startswith("tcp:"):
            return tcp_service(service, self.shell.listens)
        if service == "root:":
            return message_service("adbd cannot run as root in production builds\n")
        if service == "unroot:":
            return message_service("adbd not running as root\n")
        log.info("virtual device refuses service %r", service)
        return None

    # ----- lifecycle ----------------------------------------------------------------

    def listen(self) -> str:
        """Start accepting connections (without registering); returns ``HOST:PORT``."""
        if self.arch == "arm64" and self.shell.programs is None:
            from studio.devices.virtual.arm64 import Arm64Root

            self.shell.programs = Arm64Root(self.fs)
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        port = self.requested_port
        for _attempt in range(20):
            try:
                listener.bind((self.host, port))
            except OSError as exc:
                if self.requested_port:
                    listener.close()
                    raise InputError(
                        f"Cannot listen on {self.host}:{self.requested_port} ({exc.strerror})",
                        hint="choose another --port, or leave it out to pick a free one",
                    ) from None
                continue
            if listener.getsockname()[1] not in EMULATOR_PORTS:
                break
            listener.close()
            listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.listen(8)
        self._listener = listener
        self.port = listener.getsockname()[1]
        threading.Thread(target=self._accept_loop, daemon=True, name="virtual-device").start()
        return self.serial

    def start(self) -> str:
        """Listen and register with the adb server; returns the serial."""
        self.listen()
        if self.register_with_adb:
            from studio.devices.adb import connect_device, resolve_server

            try:
                connect_device(self.serial, resolve_server(self.adb_server), wait=self.authorized)
            except Exception:
                self.stop()
                raise
        log.info("virtual device %s (%s) serving %s", self.serial, self.profile.name, self.sandbox)
        return self.serial

    def _accept_loop(self) -> None:
        listener = self._listener
        while not self._stopped.is_set() and listener is not None:
            try:
                sock, _addr = listener.accept()
            except OSError:
                break
            conn = Connection(sock, self.banner(), self.open_service, lambda: self.authorized)
            with self._lock:
                self._connections.add(conn)
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()

    def _serve(self, conn: Connection) -> None:
        try:
            conn.serve()
        finally:
            with self._lock:
                self._connections.discard(conn)

    def authorize(self) -> None:
        """The user accepts the debugging prompt: waiting hosts see the device come online."""
        self.authorized = True
        with self._lock:
            waiting = [c for c in self._connections if c.awaiting_user]
        for conn in waiting:
            with contextlib.suppress(Exception):
                conn.accept()

    def drop_connections(self) -> None:
        """Cut every adb connection at once, as a pulled cable would."""
        with self._lock:
            conns = list(self._connections)
        for conn in conns:
            conn.close()

    def stop(self) -> None:
        if self._stopped.is_set():
            return
        self._stopped.set()
        if self.register_with_adb and self.port is not None:
            from studio.devices.adb import disconnect_device, resolve_server

            with contextlib.suppress(Exception):
                disconnect_device(self.serial, resolve_server(self.adb_server))
        if self._listener is not None:
            # shutdown wakes the thread blocked in accept(); close alone would leave the
            # port listening until the next connection arrives
            with contextlib.suppress(OSError):
                self._listener.shutdown(socket.SHUT_RDWR)
            with contextlib.suppress(OSError):
                self._listener.close()
        self.shell.kill_all()
        if self.shell.programs is not None:
            self.shell.programs.close()
        self.drop_connections()
        if self._own_sandbox:
            shutil.rmtree(self.sandbox, ignore_errors=True)

    def __enter__(self) -> VirtualDevice:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    def serve_forever(self) -> None:
        self._stopped.wait()
