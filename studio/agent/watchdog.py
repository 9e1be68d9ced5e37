"""The deadline of model loads, kept by a small process beside the agent.

A load that never ends (a TorchScript ``__setstate__`` that loops forever, a runtime
stuck in native code) cannot be stopped from inside the agent: the thread cannot be
killed, and while it holds the GIL no other Python code of the agent runs at all — not
the accept loop, not a timer. So the agent forks this watchdog when it starts, before
it serves anyone. Around each load the agent hands the watchdog a duplicate of the
client's socket, the deadline and the ready-made ``load_timeout`` reply, and takes them
back when the load returns. When a deadline passes first, the watchdog writes that
reply to the client and kills the agent, which the studio then starts afresh.

The watchdog only makes system calls (no threads, no logging, no imports) and exits
when the agent closes its end of the pair. Where ``fork`` or ``AF_UNIX`` sequenced
packets are missing (Windows, macOS), :func:`start` returns None and loads have no
deadline; phones and Linux have both.
"""

from __future__ import annotations

import contextlib
import logging
import os
import select
import signal
import socket
import struct
import threading
import time
import warnings

ARM = b"A"  # + key, seconds, reply frame; the client's socket as SCM_RIGHTS
DISARM = b"D"  # + key; answered with DONE
DONE = b"K"
_KEY = struct.Struct(">Q")
_SECONDS = struct.Struct(">d")
_PACKET = 4096

log = logging.getLogger("studio.agent")  # the agent's side only


class Watchdog:
    """The agent's end of the watchdog: :meth:`guard` a load; thread-safe."""

    def __init__(self, conn: socket.socket, pid: int):
        self._conn = conn
        self.pid = pid
        self._lock = threading.Lock()
        self._keys = 0

    @contextlib.contextmanager
    def guard(self, client: socket.socket, seconds: float, frame: bytes):
        """Within the block, ``frame`` goes to ``client`` and the agent dies after ``seconds``.

        A watchdog that has gone (someone killed it) leaves the load without a deadline.
        """
        with self._lock:
            self._keys += 1
            key = _KEY.pack(self._keys)
            try:
                packet = ARM + key + _SECONDS.pack(seconds) + frame
                socket.send_fds(self._conn, [packet], [client.fileno()])
            except OSError as exc:
                log.warning("the load watchdog is gone (%s): this load has no deadline", exc)
                key = None
        try:
            yield
        finally:
            if key is not None:
                self._disarm(key)

    def _disarm(self, key: bytes) -> None:
        # The load's reply goes out only after the watchdog has let go of it, so the
        # client never gets both that reply and the timeout.
        with self._lock:
            try:
                self._conn.sendall(DISARM + key)
                done = self._conn.recv(_PACKET) == DONE
            except OSError:
                done = False
        if not done:
            log.warning("the load watchdog is gone")

    def close(self) -> None:
        self._conn.close()
        with contextlib.suppress(ChildProcessError):
            for _ in range(50):
                if os.waitpid(self.pid, os.WNOHANG)[0]:
                    return
                time.sleep(0.01)


def start() -> Watchdog | None:
    """Fork the watchdog; None where this system cannot run one."""
    if not hasattr(os, "fork") or not hasattr(socket, "SOCK_SEQPACKET"):
        return None
    try:
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    except OSError as exc:  # macOS has no sequenced packets on AF_UNIX
        log.warning("loads have no deadline here: %s", exc)
        return None
    agent = os.getpid()
    with warnings.catch_warnings():
        # the child runs system calls only, so the threads of the agent cannot deadlock it
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the watchdog
        try:
            ours.close()
            _detach(theirs.fileno())
            _watch(theirs, agent)
        finally:
            os._exit(0)
    theirs.close()
    return Watchdog(ours, pid)


def _detach(keep: int) -> None:
    """Let go of everything the agent had open: its standard streams, sockets, files."""
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):
        os.dup2(null, fd)
    try:
        fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        fds = list(range(3, 1024))
    for fd in fds:
        if fd > 2 and fd != keep:
            with contextlib.suppress(OSError):
                os.close(fd)


def _watch(conn: socket.socket, agent: int) -> None:
    armed: dict[bytes, tuple[float, int, bytes]] = {}  # key -> (deadline, client fd, frame)
    while True:
        timeout = None
        if armed:
            timeout = max(0.0, min(d for d, _, _ in armed.values()) - time.monotonic())
        if select.select([conn], [], [], timeout)[0]:
            packet, fds, _flags, _addr = socket.recv_fds(conn, _PACKET, 1)
            if not packet:
                return  # the agent has gone
            kind, key = packet[:1], packet[1 : 1 + _KEY.size]
            if kind == ARM and fds:
                (seconds,) = _SECONDS.unpack_from(packet, 1 + _KEY.size)
                frame = packet[1 + _KEY.size + _SECONDS.size :]
                armed[key] = (time.monotonic() + seconds, fds[0], frame)
            elif kind == DISARM:
                entry = armed.pop(key, None)
                if entry is not None:
                    os.close(entry[1])
                conn.sendall(DONE)
            continue
        now = time.monotonic()
        for deadline, fd, frame in armed.values():
            if deadline <= now:
                _expire(fd, frame, agent)
                return


def _expire(fd: int, frame: bytes, agent: int) -> None:
    with contextlib.suppress(OSError):
        os.set_blocking(fd, True)
        os.write(fd, frame)
    with contextlib.suppress(OSError):
        os.kill(agent, signal.SIGKILL)
