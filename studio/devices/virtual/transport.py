"""The device side of one ADB connection: handshake, streams, flow control.

The host (an adb server) sends CNXN; we answer with our banner. It then opens
streams (OPEN with a service name); each accepted stream runs its service in its own
thread. Data from the host arrives as WRTE packets and is acknowledged with OKAY
once the service has taken it, which is the protocol's flow control; data to the
host is sent as WRTE packets no larger than the host's maximum payload, each waiting
for the host's OKAY.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import queue
import socket
import threading
from collections.abc import Callable

from studio.devices.adbproto import (
    A_AUTH,
    A_CLSE,
    A_CNXN,
    A_OKAY,
    A_OPEN,
    A_STLS,
    A_VERSION,
    A_WRTE,
    HEADER,
    MAX_PAYLOAD,
)

log = logging.getLogger("studio.devices.virtual")

AUTH_TOKEN = 1
AUTH_SIGNATURE = 2
AUTH_RSAPUBLICKEY = 3

# A service: given the name the host opened, either None (refused) or a function run
# with the accepted stream. The opener may do blocking work (a tcp: connect) first.
ServiceOpener = Callable[[str], "Callable[[Stream], None] | None"]


class StreamClosed(Exception):
    """The host closed the stream or the connection went away."""


class Stream:
    def __init__(self, conn: Connection, local_id: int, remote_id: int):
        self.conn = conn
        self.local_id = local_id
        self.remote_id = remote_id
        self.closed = threading.Event()
        self._incoming: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._can_send = threading.Event()
        self._can_send.set()
        self._buf = bytearray()
        self._on_close: list[Callable[[], None]] = []

    # ----- host → device ------------------------------------------------------

    def _deliver(self, data: bytes) -> None:
        self._incoming.put(data)

    def recv(self) -> bytes:
        """The next WRTE payload from the host (acknowledged), or b"" once closed."""
        if self._buf:
            data, self._buf = bytes(self._buf), bytearray()
            return data
        item = self._incoming.get()
        if item is None:
            self._incoming.put(None)
            return b""
        if not self.closed.is_set():
            with contextlib.suppress(StreamClosed):
                self.conn.send(A_OKAY, self.local_id, self.remote_id)
        return item

    def read_exact(self, n: int) -> bytes | None:
        """Exactly ``n`` bytes reassembled across WRTEs, or None at end of stream."""
        while len(self._buf) < n:
            chunk = self.recv_into_buffer()
            if not chunk:
                return None
        data = bytes(self._buf[:n])
        del self._buf[:n]
        return data

    def recv_into_buffer(self) -> bool:
        item = self._incoming.get()
        if item is None:
            self._incoming.put(None)
            return False
        if not self.closed.is_set():
            with contextlib.suppress(StreamClosed):
                self.conn.send(A_OKAY, self.local_id, self.remote_id)
        self._buf += item
        return True

    # ----- device → host ------------------------------------------------------

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        limit = self.conn.max_payload
        for start in range(0, len(view), limit):
            while not self._can_send.wait(1.0):
                if self.closed.is_set():
                    break
            if self.closed.is_set():
                raise StreamClosed()
            self._can_send.clear()
            self.conn.send(A_WRTE, self.local_id, self.remote_id, view[start : start + limit])

    def _okay(self) -> None:
        self._can_send.set()

    # ----- closing --------------------------------------------------------------

    def on_close(self, callback: Callable[[], None]) -> None:
        self._on_close.append(callback)

    def close(self) -> None:
        """Close from our side (the host answers with its own CLSE, which we ignore)."""
        if self._mark_closed():
            with contextlib.suppress(StreamClosed):
                self.conn.send(A_CLSE, self.local_id, self.remote_id)

    def _remote_closed(self, reply: bool) -> None:
        if self._mark_closed() and reply:
            with contextlib.suppress(StreamClosed):
                self.conn.send(A_CLSE, self.local_id, self.remote_id)

    def _mark_closed(self) -> bool:
        if self.closed.is_set():
            return False
        self.closed.set()
        self.conn._forget(self)
        self._incoming.put(None)
        self._can_send.set()
        for callback in self._on_close:
            with contextlib.suppress(Exception):
                callback()
        return True


class Connection:
    """One TCP connection from an adb server, served on its own thread."""

    def __init__(
        self,
        sock: socket.socket,
        banner: bytes,
        opener: ServiceOpener,
        authorized: Callable[[], bool] = lambda: True,
    ):
        self.sock = sock
        self.banner = banner
        self.opener = opener
        self.authorized = authorized
        self.awaiting_user = False  # the host asked; the "user" has not accepted yet
        self.max_payload = 4096
        self._send_lock = threading.Lock()
        self._streams: dict[int, Stream] = {}
        self._streams_lock = threading.Lock()
        self._ids = itertools.count(1)
        self._dead = False
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def send(self, command: int, arg0: int, arg1: int, data=b"") -> None:
        if self._dead:
            raise StreamClosed()
        header = HEADER.pack(command, arg0, arg1, len(data), 0, command ^ 0xFFFFFFFF)
        try:
            with self._send_lock:
                if len(data) > 65536:
                    self.sock.sendall(header)
                    self.sock.sendall(data)
                else:
                    self.sock.sendall(header + bytes(data))
        except OSError:
            self._dead = True
            raise StreamClosed() from None

    def _forget(self, stream: Stream) -> None:
        with self._streams_lock:
            self._streams.pop(stream.local_id, None)

    def close(self) -> None:
        self._dead = True
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        with contextlib.suppress(OSError):
            self.sock.close()

    def serve(self) -> None:
        reader = self.sock.makefile("rb", buffering=256 * 1024)
        try:
            while True:
                header = reader.read(HEADER.size)
                if len(header) < HEADER.size:
                    break
                command, arg0, arg1, length, _check, magic = HEADER.unpack(header)
                if magic != command ^ 0xFFFFFFFF or length > MAX_PAYLOAD:
                    log.warning("bad packet header from host; dropping the connection")
                    break
                data = reader.read(length) if length else b""
                if len(data) < length:
                    break
                self._dispatch(command, arg0, arg1, data)
        except OSError:
            pass
        finally:
            self._dead = True
            with self._streams_lock:
                streams = list(self._streams.values())
            for stream in streams:
                stream._remote_closed(reply=False)
            with contextlib.suppress(OSError):
                reader.close()
            self.close()

    def _dispatch(self, command: int, arg0: int, arg1: int, data: bytes) -> None:
        if command == A_CNXN:
            self.max_payload = max(4096, min(arg1 or 4096, MAX_PAYLOAD))
            if self.authorized():
                self.accept()
            else:  # ask for a signature we will not accept: the host shows "unauthorized"
                self.send(A_AUTH, AUTH_TOKEN, 0, os.urandom(20))
        elif command == A_AUTH:
            if self.authorized():
                self.accept()
            elif arg0 == AUTH_SIGNATURE:
                self.send(A_AUTH, AUTH_TOKEN, 0, os.urandom(20))
            else:  # the host's public key: the phone now shows the prompt
                self.awaiting_user = True
        elif command == A_OPEN:
            service = data.rstrip(b"\0").decode("utf-8", "replace")
            threading.Thread(
                target=self._open, args=(arg0, service), daemon=True, name=f"adb-{service[:20]}"
            ).start()
        elif command in (A_WRTE, A_OKAY, A_CLSE):
            with self._streams_lock:
                stream = self._streams.get(arg1)
            if stream is None:
                if command == A_WRTE:  # a stream we no longer know: tell the host
                    with contextlib.suppress(StreamClosed):
                        self.send(A_CLSE, 0, arg0)
                return
            if command == A_WRTE:
                stream._deliver(data)
            elif command == A_OKAY:
                stream._okay()
            else:
                stream._remote_closed(reply=True)
        elif command == A_STLS:
            log.debug("ignoring STLS from host")

    def accept(self) -> None:
        """Answer the host's CNXN: the device is online."""
        self.awaiting_user = False
        self.send(A_CNXN, A_VERSION, MAX_PAYLOAD, self.banner)

    def _open(self, remote_id: int, service: str) -> None:
        try:
            run = self.opener(service)
        except Exception:
            log.exception("opening service %r failed", service)
            run = None
        if run is None:
            with contextlib.suppress(StreamClosed):
                self.send(A_CLSE, 0, remote_id)
            return
        stream = Stream(self, next(self._ids), remote_id)
        with self._streams_lock:
            self._streams[stream.local_id] = stream
        try:
            self.send(A_OKAY, stream.local_id, remote_id)
            run(stream)
        except StreamClosed:
            pass
        except Exception:
            log.exception("service %r failed", service)
        finally:
            stream.close()
