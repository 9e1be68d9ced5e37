"""The worker process: reads requests on stdin, runs one job at a time, answers on stdout.

The protocol owns the real stdout; anything a library prints goes to stderr instead, so
a stray ``print`` in a toolchain cannot corrupt a reply. A job runs on its own thread
while the main thread keeps reading, so a ``cancel`` request reaches the job's
:class:`~studio.progress.CancelToken` while it runs. A third thread sends a heartbeat
every second while the jobs thread lives, so the window can tell a long job from a dead,
stopped or stuck worker. A job that raises anything, ``SystemExit`` included, gets an
``error`` reply and the worker goes on.
"""

from __future__ import annotations

import logging
import os
import queue
import signal
import sys
import threading
from typing import BinaryIO

from studio.jobs import protocol
from studio.jobs.handlers import HANDLERS
from studio.progress import CancelToken, ProgressEvent

log = logging.getLogger("studio.jobs")


class Worker:
    def __init__(self, out: BinaryIO):
        self._out = out
        self._lock = threading.Lock()
        self._jobs: queue.Queue = queue.Queue()
        self._tokens: dict[int, CancelToken] = {}

    def send(self, message: dict) -> None:
        data = protocol.encode(message)
        with self._lock:
            self._out.write(data)
            self._out.flush()

    def handle_line(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            message = protocol.decode(line)
        except ValueError as exc:
            self.send(
                {
                    "event": protocol.ERROR,
                    "error": protocol.error_dict(ValueError(f"unreadable request: {exc}")),
                }
            )
            return
        if "cancel" in message:
            token = self._tokens.get(message["cancel"])
            if token is not None:
                token.cancel()
            return
        job_id = message.get("id")
        token = CancelToken()
        self._tokens[job_id] = token
        self._jobs.put((job_id, message.get("job"), message.get("params") or {}, token))

    def run_jobs(self) -> None:
        warm_up()
        while True:
            item = self._jobs.get()
            if item is None:
                return
            self.run_one(*item)

    def run_one(self, job_id, job: str, params: dict, token: CancelToken) -> None:
        def progress(event: ProgressEvent) -> None:
            self.send({"id": job_id, "event": protocol.PROGRESS, **event.to_dict()})

        try:
            handler = HANDLERS.get(job)
            if handler is None:
                from studio.errors import InputError

                raise InputError(f"unknown job {job!r}", hint=f"jobs: {', '.join(HANDLERS)}")
            token.check()  # cancelled while it waited
            log.info("job %s: %s", job_id, job)
            result = handler(params, progress, token)
            self.send({"id": job_id, "event": protocol.RESULT, "result": result})
        except BaseException as exc:  # SystemExit from user code must not end the jobs thread
            log.info("job %s (%s) failed", job_id, job, exc_info=True)
            error = protocol.error_dict(exc)
            if error.get("type") == "InternalError":
                import traceback

                error["details"] = "".join(traceback.format_exception(exc))
            self.send({"id": job_id, "event": protocol.ERROR, "error": error})
        finally:
            self._tokens.pop(job_id, None)

    def serve(self, stdin: BinaryIO) -> None:
        runner = threading.Thread(target=self.run_jobs, name="jobs", daemon=True)
        runner.start()
        self.send({"event": protocol.READY, "pid": os.getpid()})
        threading.Thread(
            target=self.heartbeat, args=(runner,), name="heartbeat", daemon=True
        ).start()
        for line in stdin:
            self.handle_line(line)
        self._jobs.put(None)  # stdin closed: the window is gone; finish the current job
        runner.join()

    def heartbeat(self, runner: threading.Thread) -> None:
        """Say the worker is alive every HEARTBEAT_S for as long as its jobs thread runs."""
        runner.join(protocol.HEARTBEAT_S)
        while runner.is_alive():
            try:
                self.send({"event": protocol.HEARTBEAT})
            except OSError:  # the window closed the pipe
                return
            runner.join(protocol.HEARTBEAT_S)


def warm_up() -> None:
    """Import the model stack before the first request needs it (the window is already up)."""
    try:
        import studio.model.loader  # noqa: F401  (imports torch)
    except BaseException:  # a broken install is reported by the job that needs it
        log.info("warm-up import failed", exc_info=True)


def protocol_stdout() -> BinaryIO:
    """Keep the real stdout for the protocol and point file descriptor 1 at stderr."""
    sys.stdout.flush()
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, "wb", buffering=0)


def main() -> int:
    # Ctrl+C in the terminal that started the window reaches the worker too: it is the
    # window's to handle; the worker ends when the window closes its input
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = protocol_stdout()
    Worker(out).serve(sys.stdin.buffer)
    return 0
