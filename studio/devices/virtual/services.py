"""Services the virtual device offers on its streams: shell, sync, tcp forwarding."""

from __future__ import annotations

import contextlib
import errno
import io
import logging
import posixpath
import socket
import stat
import threading
from collections.abc import Callable

from studio.devices.adbproto import (
    DENT_V1,
    ID_DATA,
    ID_DENT,
    ID_DONE,
    ID_LIST,
    ID_LST2,
    ID_OKAY,
    ID_QUIT,
    ID_RECV,
    ID_SEND,
    ID_STA2,
    ID_STAT,
    SHELL_CLOSE_STDIN,
    SHELL_EXIT,
    SHELL_HEADER,
    SHELL_STDERR,
    SHELL_STDIN,
    SHELL_STDOUT,
    STAT_V1,
    STAT_V2,
    SYNC_HEADER,
    SYNC_MAX_DATA,
    shell_packet,
    sync_fail,
)
from studio.devices.virtual.fs import SandboxFS, SandboxWriter
from studio.devices.virtual.shell import Output, Shell
from studio.devices.virtual.transport import Stream, StreamClosed

log = logging.getLogger("studio.devices.virtual")

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1")


class StdinPipe(io.RawIOBase):
    """Standard input of a shell command, fed by a thread that drains the stream."""

    def __init__(self) -> None:
        self._chunks: list[bytes] = []
        self._cond = threading.Condition()
        self._eof = False

    def feed(self, data: bytes) -> None:
        with self._cond:
            self._chunks.append(data)
            self._cond.notify_all()

    def end(self) -> None:
        with self._cond:
            self._eof = True
            self._cond.notify_all()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        with self._cond:
            while not self._chunks and not self._eof:
                self._cond.wait()
            if size is None or size < 0:
                while not self._eof:
                    self._cond.wait()
                data, self._chunks = b"".join(self._chunks), []
                return data
            data = b"".join(self._chunks)
            self._chunks = [data[size:]] if len(data) > size else []
            return data[:size]

    def readline(self, size: int = -1) -> bytes:
        line = bytearray()
        while not line.endswith(b"\n"):
            ch = self.read(1)
            if not ch:
                break
            line += ch
        return bytes(line)


# ----- shell ----------------------------------------------------------------------------


def shell_service(shell: Shell, service: str) -> Callable[[Stream], None]:
    """``shell:CMD``, ``shell,v2,...:CMD`` or ``exec:CMD``."""
    head, _, command = service.partition(":")
    args = head.split(",")[1:]
    v2 = "v2" in args
    exec_mode = head == "exec"
    pty = not exec_mode and ("pty" in args or (not v2 and not command and "raw" not in args))

    def run(stream: Stream) -> None:
        stdin = StdinPipe()
        if v2:
            out = Output(lambda d: stream.write(shell_packet(SHELL_STDOUT, d)))
            err = Output(lambda d: stream.write(shell_packet(SHELL_STDERR, d)))
        else:
            out = Output(stream.write)
            err = Output(lambda d: None) if exec_mode else out
        threading.Thread(target=_drain_stdin, args=(stream, stdin, v2), daemon=True).start()
        cancelled = stream.closed
        if pty:  # a terminal turns "\n" into "\r\n" (onlcr)
            out, err = _onlcr(out), (_onlcr(err) if err is not out else _onlcr(out))
        if command.strip():
            status = shell.run_line(command, stdin, out, err, cancelled=cancelled)
        else:
            status = _interactive(shell, stdin, out, err, cancelled, echo=pty)
        if v2:
            stream.write(shell_packet(SHELL_EXIT, bytes([status & 0xFF])))

    return run


def _onlcr(out: Output) -> Output:
    return Output(lambda data: out.write(data.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")))


def _drain_stdin(stream: Stream, stdin: StdinPipe, v2: bool) -> None:
    try:
        if not v2:
            for data in iter(stream.recv, b""):
                stdin.feed(data)
            return
        while True:
            header = stream.read_exact(SHELL_HEADER.size)
            if header is None:
                return
            ident, length = SHELL_HEADER.unpack(header)
            data = stream.read_exact(length) if length else b""
            if data is None:
                return
            if ident == SHELL_STDIN:
                stdin.feed(data)
            elif ident == SHELL_CLOSE_STDIN:
                stdin.end()
    finally:
        stdin.end()


def _interactive(
    shell: Shell, stdin: StdinPipe, out: Output, err: Output, cancelled: threading.Event, echo: bool
) -> int:
    """A plain line-by-line session for ``adb shell`` without a command."""
    fs = shell.fs
    # a shell without a terminal reads commands silently, as mksh does
    prompt = f"{fs.profile.prop('ro.product.device', 'device')}:/ $ " if echo else ""
    env: dict[str, str] = {}
    status = 0
    out.write(prompt)
    line = bytearray()
    while not cancelled.is_set():
        ch = stdin.read(1)
        if not ch:
            break
        if ch in (b"\r", b"\n"):
            if echo:
                out.write(b"\r\n")
            text = line.decode("utf-8", "replace").strip()
            line.clear()
            if text in ("exit", "logout"):
                break
            if text:
                status = shell.run_line(text, io.BytesIO(), out, err, cancelled=cancelled, env=env)
            out.write(prompt)
        elif ch in (b"\x7f", b"\x08"):
            if line:
                line.pop()
                if echo:
                    out.write(b"\b \b")
        elif ch == b"\x04" and not line:
            break
        elif ch == b"\x03":
            line.clear()
            out.write(b"^C\r\n" + prompt.encode())
        else:
            line += ch
            if echo:
                out.write(ch)
    return status


# ----- sync -------------------------------------------------------------------------------


def sync_service(fs: SandboxFS) -> Callable[[Stream], None]:
    def run(stream: Stream) -> None:
        while True:
            header = stream.read_exact(SYNC_HEADER.size)
            if header is None:
                return
            ident, length = SYNC_HEADER.unpack(header)
            if ident == ID_QUIT:
                return
            if length > 1024:
                stream.write(sync_fail("path too long"))
                return
            arg = stream.read_exact(length) if length else b""
            if arg is None:
                return
            path = arg.decode("utf-8", "replace")
            if ident == ID_STAT:
                stream.write(_stat_v1(fs, path))
            elif ident in (ID_STA2, ID_LST2):
                stream.write(_stat_v2(fs, path, ident))
            elif ident == ID_LIST:
                stream.write(_list(fs, path))
            elif ident == ID_SEND:
                if not _receive_file(fs, stream, path):
                    return
            elif ident == ID_RECV:
                _send_file(fs, stream, path)
            else:
                stream.write(sync_fail(f"unknown sync command {ident!r}"))
                return

    return run


def _stat_v1(fs: SandboxFS, path: str) -> bytes:
    try:
        e = fs.stat(path)
        return STAT_V1.pack(ID_STAT, e.mode, min(e.size, 0xFFFFFFFF), e.mtime)
    except OSError:
        return STAT_V1.pack(ID_STAT, 0, 0, 0)


def _stat_v2(fs: SandboxFS, path: str, ident: bytes) -> bytes:
    try:
        e = fs.stat(path)
    except OSError as exc:
        return STAT_V2.pack(ident, exc.errno or errno.ENOENT, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    return STAT_V2.pack(
        ident, 0, 0xFD2D, e.ino, e.mode, e.nlink, e.uid, e.gid, e.size, e.mtime, e.mtime, e.mtime
    )


def _list(fs: SandboxFS, path: str) -> bytes:
    parts = []
    try:
        names = fs.listdir(path)
    except OSError:
        names = []
    for name in names:
        try:
            e = fs.stat(posixpath.join(path, name))
        except OSError:
            continue
        raw = name.encode("utf-8")
        parts.append(
            DENT_V1.pack(ID_DENT, e.mode, min(e.size, 0xFFFFFFFF), e.mtime, len(raw)) + raw
        )
    parts.append(DENT_V1.pack(ID_DONE, 0, 0, 0, 0))
    return b"".join(parts)


def _receive_file(fs: SandboxFS, stream: Stream, spec: str) -> bool:
    """SEND: DATA... DONE, then OKAY or FAIL. False when the stream ended mid-file."""
    path, _, mode_text = spec.rpartition(",")
    if not path:
        path, mode_text = spec, "33188"
    try:
        mode = int(mode_text)
    except ValueError:
        mode = 0o100644
    failure: str | None = None
    writer: SandboxWriter | None = None
    try:
        if stat.S_ISLNK(mode):
            raise OSError(errno.EPERM, "symlinks are not supported")
        writer = fs.create(path, mode=mode & 0o777, make_parents=True, digest="sha256")
    except OSError as exc:
        failure = f"couldn't create file: {exc.strerror or exc}"
    try:
        while True:
            header = stream.read_exact(SYNC_HEADER.size)
            if header is None:
                return False
            ident, length = SYNC_HEADER.unpack(header)
            if ident == ID_DATA:
                if length > SYNC_MAX_DATA:
                    failure = failure or "data packet too large"
                data = stream.read_exact(length)
                if data is None:
                    return False
                fs.count_received(len(data))
                if failure is None and writer is not None:
                    try:
                        writer.write(data)
                    except OSError as exc:
                        failure = f"write failed: {exc.strerror or exc}"
                        writer.abort()
                        writer = None
            elif ident == ID_DONE:
                if failure is None and writer is not None:
                    writer.close()
                    fs.set_mtime(path, length)
                    fs.remember_digest(path, "sha256", writer.digest.hexdigest())
                    writer = None
                    stream.write(SYNC_HEADER.pack(ID_OKAY, 0))
                else:
                    stream.write(sync_fail(failure or "failed"))
                return True
            else:
                stream.write(sync_fail(f"invalid data message {ident!r}"))
                return False
    finally:
        if writer is not None:  # the stream ended mid-file: leave nothing half-written
            writer.abort()


def _send_file(fs: SandboxFS, stream: Stream, path: str) -> None:
    try:
        source = fs.open_read(path)
    except OSError as exc:
        stream.write(sync_fail(exc.strerror or str(exc)))
        return
    batch = max(SYNC_MAX_DATA, stream.conn.max_payload)
    with source:
        pending = bytearray()
        for chunk in iter(lambda: source.read(SYNC_MAX_DATA), b""):
            pending += SYNC_HEADER.pack(ID_DATA, len(chunk)) + chunk
            if len(pending) >= batch:
                stream.write(bytes(pending))
                pending.clear()
        pending += SYNC_HEADER.pack(ID_DONE, 0)
        stream.write(bytes(pending))


# ----- tcp forwarding -----------------------------------------------------------------------


def tcp_service(service: str, listens: Callable[[int], bool]) -> Callable[[Stream], None] | None:
    """``tcp:PORT`` or ``tcp:HOST:PORT``: a relay to a port on this computer's loopback.

    Only to a port that one of the device's own programs listens on (``listens``);
    any other is refused, as a phone refuses a port where nothing of its own listens.
    """
    parts = service.split(":")
    host, port_text = ("127.0.0.1", parts[1]) if len(parts) == 2 else (parts[1], parts[-1])
    if host not in LOOPBACK_NAMES or not port_text.isdigit() or not listens(int(port_text)):
        log.info(
            "virtual device refuses a forward to %r: none of its programs listens there", service
        )
        return None
    try:
        sock = socket.create_connection(("127.0.0.1", int(port_text)), timeout=3)
    except OSError:
        return None
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def run(stream: Stream) -> None:
        stream.on_close(lambda: _close_socket(sock))

        def pump_out() -> None:
            try:
                while True:
                    data = sock.recv(256 * 1024)
                    if not data:
                        break
                    stream.write(data)
            except (OSError, StreamClosed):
                pass
            stream.close()

        pumper = threading.Thread(target=pump_out, daemon=True)
        pumper.start()
        try:
            for data in iter(stream.recv, b""):
                sock.sendall(data)
        except OSError:
            pass
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_WR)
        pumper.join()
        _close_socket(sock)

    return run


def _close_socket(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()


def message_service(text: str) -> Callable[[Stream], None]:
    def run(stream: Stream) -> None:
        stream.write(text.encode())

    return run
