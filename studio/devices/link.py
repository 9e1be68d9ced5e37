"""A direct line to one ready phone on an adb server.

Each request is one TCP connection to the server (``host:transport-id:N`` then the
service), without the extra round trips and pauses of a general client: pushes and
shell commands in a row stay fast. Shell commands use shell protocol v2 (separate
stdout and stderr, exit code) when the phone offers it.
"""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass

from studio.devices.adb import AdbRefusal, AdbServer
from studio.devices.adbproto import (
    ID_STAT,
    SHELL_EXIT,
    SHELL_HEADER,
    SHELL_STDERR,
    SHELL_STDOUT,
    STAT_V1,
    sync_request,
)
from studio.errors import DeviceError

EXIT_MARK = "@@ms-exit:"


@dataclass
class ShellResult:
    code: int
    out: str
    err: str

    @property
    def text(self) -> str:
        return (self.err or self.out).strip()


def recv_exact(sock: socket.socket, n: int) -> bytes:
    """Exactly ``n`` bytes, or EOFError when the other side closes first."""
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError(f"connection closed after {len(buf)} of {n} bytes")
        buf += chunk
    return bytes(buf)


def recv_all(sock: socket.socket) -> bytes:
    parts = []
    for chunk in iter(lambda: sock.recv(1 << 16), b""):
        parts.append(chunk)
    return b"".join(parts)


def _request(sock: socket.socket, text: str) -> None:
    data = text.encode("utf-8")
    sock.sendall(b"%04x" % len(data) + data)
    status = recv_exact(sock, 4)
    if status == b"OKAY":
        return
    if status == b"FAIL":
        raise AdbRefusal(read_block(sock))
    raise DeviceError(f"unexpected answer from the adb server: {status!r}")


def read_block(sock: socket.socket) -> str:
    length = int(recv_exact(sock, 4), 16)
    return recv_exact(sock, length).decode("utf-8", "replace")


def open_host_stream(server: AdbServer, service: str, timeout: float = 30.0) -> socket.socket:
    """A socket on which the server answered OKAY to ``service`` (``host:track-devices``)."""
    sock = socket.create_connection((server.host, server.port), timeout=timeout)
    try:
        _request(sock, service)
    except BaseException:
        sock.close()
        raise
    sock.settimeout(None)
    return sock


def host_request(server: AdbServer, service: str, timeout: float = 30.0) -> str:
    """A ``host:`` request answered with one length-prefixed text (``host:devices-l``)."""
    with socket.create_connection((server.host, server.port), timeout=timeout) as sock:
        _request(sock, service)
        return read_block(sock)


@dataclass
class DeviceLine:
    serial: str
    state: str
    tags: dict[str, str]

    @property
    def transport_id(self) -> int | None:
        value = self.tags.get("transport_id", "")
        return int(value) if value.isdigit() else None


def list_devices(server: AdbServer) -> list[DeviceLine]:
    """The server's ``devices -l`` list: serial, state and tags (model, transport_id...)."""
    lines = []
    for line in host_request(server, "host:devices-l").splitlines():
        serial, _, rest = line.partition(" ")
        parts = rest.split()
        if not serial or not parts:
            continue
        # states may contain a space ("no permissions (...)"): tags are the key:value words
        tags = dict(p.split(":", 1) for p in parts if ":" in p and not p.startswith("("))
        state_words = []
        for p in parts:
            if ":" in p and not p.startswith("("):
                break
            state_words.append(p)
        state = " ".join(state_words)
        if state.startswith("no permissions"):
            state = "no permissions"
        lines.append(DeviceLine(serial, state, tags))
    return lines


class DeviceLink:
    def __init__(self, server: AdbServer, serial: str, transport_id: int | None):
        self.server = server
        self.serial = serial
        self.transport_id = transport_id
        self._features: set[str] | None = None

    def _target(self) -> str:
        if self.transport_id is not None:
            return f"host:transport-id:{self.transport_id}"
        return f"host:transport:{self.serial}"

    def _connect(self, timeout: float) -> socket.socket:
        sock = socket.create_connection((self.server.host, self.server.port), timeout=timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock

    def open(self, service: str, timeout: float = 30.0) -> socket.socket:
        """A socket connected to ``service`` on the phone (e.g. ``sync:``, ``shell,v2:ls``)."""
        sock = self._connect(timeout)
        try:
            _request(sock, self._target())
            _request(sock, service)
        except BaseException:
            sock.close()
            raise
        return sock

    def features(self) -> set[str]:
        if self._features is None:
            prefix = (
                f"host-transport-id:{self.transport_id}"
                if self.transport_id is not None
                else f"host-serial:{self.serial}"
            )
            text = host_request(self.server, f"{prefix}:features")
            self._features = {f.strip() for f in text.split(",") if f.strip()}
        return self._features

    def shell(self, command: str, timeout: float = 60.0) -> ShellResult:
        if "shell_v2" in self.features():
            return self._shell_v2(command, timeout)
        return self._shell_v1(command, timeout)

    def _shell_v2(self, command: str, timeout: float) -> ShellResult:
        out, err = bytearray(), bytearray()
        code = 255
        with contextlib.closing(self.open(f"shell,v2,raw:{command}", timeout)) as sock:
            while True:
                try:
                    header = recv_exact(sock, SHELL_HEADER.size)
                except EOFError:
                    break
                ident, length = SHELL_HEADER.unpack(header)
                data = recv_exact(sock, length) if length else b""
                if ident == SHELL_STDOUT:
                    out += data
                elif ident == SHELL_STDERR:
                    err += data
                elif ident == SHELL_EXIT:
                    code = data[0] if data else 255
                    break
        return ShellResult(code, out.decode("utf-8", "replace"), err.decode("utf-8", "replace"))

    def _shell_v1(self, command: str, timeout: float) -> ShellResult:
        with contextlib.closing(self.open(f"shell:{command}; echo {EXIT_MARK}$?", timeout)) as sock:
            text = recv_all(sock).decode("utf-8", "replace")
        body, found, tail = text.rpartition(EXIT_MARK)
        if not found:
            return ShellResult(255, text, "")
        try:
            code = int(tail.strip())
        except ValueError:
            code = 255
        return ShellResult(code, body, "")

    def stat(self, path: str) -> tuple[int, int] | None:
        """(mode, size) of a path on the phone, or None when it does not exist."""
        with contextlib.closing(self.open("sync:")) as sock:
            sock.sendall(sync_request(ID_STAT, path.encode("utf-8")))
            ident, mode, size, _mtime = STAT_V1.unpack(recv_exact(sock, STAT_V1.size))
            with contextlib.suppress(OSError):
                sock.sendall(sync_request(b"QUIT", b""))
        if ident != ID_STAT or mode == 0:
            return None
        return mode, size
