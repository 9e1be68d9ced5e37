"""Deadlines for work that may never come back: a model file's own code spinning forever.

Opening a TorchScript file runs the ``__setstate__`` code stored in it, inside torch's
interpreter, holding Python's GIL: a file whose code loops forever can be stopped by
no thread of the process that opened it. So the command line runs such commands in a
child process (``fork``, before torch is imported) and stays behind as its supervisor:
the child arms a deadline around each risky step (:func:`deadline`), and when one
passes the supervisor ends the child and prints a plain error with exit code 2.

Without a supervisor (the desktop app's worker, which the window watches through its
heartbeat; tests; Windows, which has no fork) :func:`deadline` does nothing. The agent
keeps its own load deadlines (:mod:`studio.agent.watchdog`): it must answer its client
before it ends, which a supervisor of the command line has no need for.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import sys
from collections.abc import Callable, Iterator

from studio.errors import EXIT_BAD_INPUT

# How long opening one file may take: generous for a large model on a slow disk.
DEFAULT_SECONDS = 120.0
SECONDS_VARIABLE = "MODEL_STUDIO_LOAD_SECONDS"
# Commands that open files a user was given.
SUPERVISED_COMMANDS = ("inspect", "check", "convert")

_channel: int | None = None  # the child's end of the pipe to its supervisor


def limit_seconds() -> float:
    try:
        return max(0.1, float(os.environ.get(SECONDS_VARIABLE, DEFAULT_SECONDS)))
    except ValueError:
        return DEFAULT_SECONDS


@contextlib.contextmanager
def deadline(what: str, seconds: float | None = None) -> Iterator[None]:
    """Ask the supervisor, if there is one, to end this process if the block outlasts
    ``seconds``; ``what`` says in the error what did not finish."""
    if _channel is None:
        yield
        return
    _send({"arm": seconds or limit_seconds(), "what": what})
    try:
        yield
    finally:
        _send({"disarm": True})


def _send(message: dict) -> None:
    with contextlib.suppress(OSError):
        os.write(_channel, (json.dumps(message) + "\n").encode())


def wanted(argv: list[str]) -> bool:
    """Whether ``argv`` is a command to supervise, on a system that can."""
    command = next((a for a in argv if not a.startswith("-")), None)
    return command in SUPERVISED_COMMANDS and hasattr(os, "fork")


def supervise(run: Callable[[], int]) -> int:
    """Run ``run`` in a forked child; return its exit code, or 2 when a deadline passed.

    Called in the child, ``run``'s result ends the child through ``SystemExit``, so the
    child never returns from here.
    """
    global _channel
    read_end, write_end = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child does the work
        os.close(read_end)
        _channel = write_end
        _die_with(parent)
        signal.signal(signal.SIGINT, _interrupt_once)
        sys.exit(run())
    os.close(write_end)
    # Signals meant for the command go to the child that does its work. Ctrl+C in a
    # terminal reaches both processes; the child takes the two as one (_interrupt_once).
    previous = signal.signal(signal.SIGINT, lambda *_: _forward(pid, signal.SIGINT))
    signal.signal(signal.SIGTERM, lambda *_: _forward(pid, signal.SIGTERM))
    try:
        expired = _watch(read_end)
        if expired is not None:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(read_end)
        signal.signal(signal.SIGINT, previous)
    if expired is not None:
        what, seconds = expired
        print(
            f"error: {what} did not finish within {seconds:g} s: the file runs code of its own "
            "when it is opened, and that code does not end. Do not use this file; ask its "
            "author for a state_dict or safetensors file instead.",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code  # killed by a signal: the shell's convention


def _forward(pid: int, signum: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signum)


_last_interrupt = [0.0]


def _interrupt_once(signum, frame) -> None:
    """KeyboardInterrupt, but once for a Ctrl+C that arrives twice (terminal + supervisor)."""
    import time

    now = time.monotonic()
    if now - _last_interrupt[0] < 1.0:
        return
    _last_interrupt[0] = now
    raise KeyboardInterrupt


def _die_with(parent: int) -> None:
    """End this child when its supervisor is killed (SIGKILL cannot be forwarded)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(1, signal.SIGKILL, 0, 0, 0) == 0:  # PR_SET_PDEATHSIG (Linux)
            if os.getppid() != parent:  # the supervisor died before prctl took effect
                os._exit(EXIT_BAD_INPUT)
            return
    except (OSError, AttributeError):
        pass
    import threading
    import time

    def watch() -> None:  # elsewhere: look for a new parent once a second
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(EXIT_BAD_INPUT)

    threading.Thread(target=watch, name="supervisor-watch", daemon=True).start()


def _watch(read_end: int) -> tuple[str, float] | None:
    """Follow the child's messages until it closes the pipe; (what, seconds) on expiry."""
    import time

    armed: tuple[str, float, float] | None = None  # what, seconds, monotonic end
    pending = b""
    while True:
        timeout = None if armed is None else max(0.0, armed[2] - time.monotonic())
        ready, _, _ = select.select([read_end], [], [], timeout)
        if not ready:
            return armed[0], armed[1]
        chunk = os.read(read_end, 4096)
        if not chunk:
            return None  # the child ended
        pending += chunk
        *lines, pending = pending.split(b"\n")
        for line in lines:
            try:
                message = json.loads(line)
            except ValueError:
                continue
            if "arm" in message:
                seconds = float(message["arm"])
                armed = (str(message.get("what", "the work")), seconds, time.monotonic() + seconds)
            elif message.get("disarm"):
                armed = None
