"""The window's side of the worker process: start it, send jobs, route replies to handles.

Each :meth:`WorkerClient.submit` returns a :class:`JobHandle` whose signals say how the
job goes. A worker that dies, or that sends nothing (not even its heartbeat) for
``silence_ms``, is reported (``crashed``) and replaced: its running job fails with a
:class:`~studio.errors.WorkerLost` error, the jobs queued behind it are sent again.
Cancel asks the job to stop; if it has not stopped after a grace period, the process is
killed and a fresh one started.
"""

from __future__ import annotations

import logging
import time
from collections import deque
from typing import Any

from PySide6.QtCore import QObject, QProcess, QTimer, Signal

from studio.errors import Cancelled, InternalError, StudioError, WorkerLost, as_studio_error
from studio.jobs import protocol
from studio.jobs.results import result_from_dict
from studio.launcher import studio_command

log = logging.getLogger("studio.ui")

CANCEL_GRACE_MS = 3000
MAX_FAILED_STARTS = 3  # workers that die before saying "ready", in a row, before giving up
SILENCE_MS = 6000  # a ready worker that sends nothing for this long is stopped or stuck
START_SILENCE_MS = 60_000  # from process start to "ready" (a frozen bundle unpacks first)
LIVENESS_CHECK_MS = 500


def worker_command() -> tuple[str, list[str]]:
    """How to start ``model-studio worker`` with this interpreter or this frozen bundle."""
    program, *args = studio_command("worker")
    return program, args


class JobHandle(QObject):
    progress = Signal(dict)  # a ProgressEvent's fields
    succeeded = Signal(object)  # the job's result type (studio.jobs.results), else its dict
    failed = Signal(object)  # the StudioError, rebuilt as its own class
    finished = Signal()

    def __init__(self, job_id: int, job: str, params: dict, parent=None):
        super().__init__(parent)
        self.id = job_id
        self.job = job
        self.params = params
        self.result: Any = None
        self.error: StudioError | None = None
        self.done = False
        self.cancel_requested = False

    def _finish(self, result: Any = None, error: StudioError | None = None) -> None:
        if self.done:
            return
        self.done = True
        self.result, self.error = result, error
        if error is not None:
            self.failed.emit(error)
        else:
            self.succeeded.emit(result)
        self.finished.emit()


class WorkerClient(QObject):
    started = Signal(int)  # pid of a worker ready for requests
    crashed = Signal(str)  # a plain message about a worker that died
    busy_changed = Signal(bool)

    def __init__(self, parent=None):
        super().__init__(parent)
        self._process: QProcess | None = None
        self._buffer = b""
        self._stderr_tail: deque[str] = deque(maxlen=40)
        self._pending: dict[int, JobHandle] = {}  # in the order they were sent
        self._next_id = 1
        self._started = False
        self._stopping = False
        self._expected_exit = False
        self.restarts = 0
        self.failed_starts = 0
        self._ready = False
        self.pid: int | None = None
        self.silence_ms = SILENCE_MS
        self._heard = self._checked = time.monotonic()
        self._liveness = QTimer(self)
        self._liveness.setInterval(LIVENESS_CHECK_MS)
        self._liveness.timeout.connect(self._check_liveness)

    # --- process -------------------------------------------------------------------------

    def start(self) -> None:
        program, args = worker_command()
        process = QProcess(self)
        process.setProgram(program)
        process.setArguments(args)
        process.readyReadStandardOutput.connect(self._read_stdout)
        process.readyReadStandardError.connect(self._read_stderr)
        process.started.connect(self._on_started)
        process.finished.connect(self._on_finished)
        process.errorOccurred.connect(self._on_error)
        self._process = process
        self._buffer = b""
        self._started = False
        self._ready = False
        self._expected_exit = False
        self._heard = self._checked = time.monotonic()
        self._liveness.start()
        process.start()

    @property
    def process(self) -> QProcess | None:
        return self._process

    @property
    def busy(self) -> bool:
        return bool(self._pending)

    def stop(self, timeout_ms: int = 2000) -> None:
        """End the worker: close its input, then kill it if it does not leave."""
        self._stopping = True
        self._liveness.stop()
        process = self._process
        if process is None:
            return
        self._expected_exit = True
        if process.state() != QProcess.ProcessState.NotRunning:
            process.closeWriteChannel()
            if not process.waitForFinished(timeout_ms if not self._pending else 0):
                process.kill()
                process.waitForFinished(1000)

    def _on_started(self) -> None:
        self._started = True
        self.pid = int(self._process.processId())
        for handle in self._pending.values():
            self._write(protocol.request(handle.id, handle.job, handle.params))
        self.started.emit(self.pid)

    def _on_error(self, error: QProcess.ProcessError) -> None:
        if error == QProcess.ProcessError.FailedToStart and not self._stopping:
            message = self.tr("The worker process could not be started: %1").replace(
                "%1", self._process.errorString()
            )
            self._fail_all(InternalError(message))
            self.crashed.emit(message)

    def _on_finished(self, code: int, status: QProcess.ExitStatus) -> None:
        if self._stopping:
            return
        expected = self._expected_exit
        self._expected_exit = False
        tail = "".join(self._stderr_tail)
        if not expected:
            message = self.tr("The model work ended unexpectedly (exit code %1) and was restarted.")
            hint = self.tr("A native library may have crashed on this model.")
            self._report_lost(message.replace("%1", str(code)), hint, tail)
        self.failed_starts = 0 if self._ready else self.failed_starts + 1
        if self.failed_starts >= MAX_FAILED_STARTS:
            message = self.tr("The worker process cannot start; model work is unavailable.")
            self._fail_all(InternalError(message, details=tail))
            self.crashed.emit(message)
            self._process = None
            self._liveness.stop()
            self.busy_changed.emit(False)
            return
        self.restarts += 1
        self.start()
        self.busy_changed.emit(self.busy)

    # --- jobs ----------------------------------------------------------------------------

    def submit(self, job: str, params: dict | None = None) -> JobHandle:
        handle = JobHandle(self._next_id, job, params or {}, self)
        self._next_id += 1
        self._pending[handle.id] = handle
        if self._process is None:
            self.start()
        elif self._started:
            self._write(protocol.request(handle.id, job, handle.params))
        self.busy_changed.emit(True)
        return handle

    def cancel(self, handle: JobHandle) -> None:
        """Ask the job to stop; kill the worker if it has not stopped after a grace period."""
        if handle.done or handle.cancel_requested:
            return
        handle.cancel_requested = True
        self._write({"cancel": handle.id})
        QTimer.singleShot(CANCEL_GRACE_MS, lambda: self._kill_if_running(handle))

    def _kill_if_running(self, handle: JobHandle) -> None:
        if handle.done or self._process is None:
            return
        log.info("job %s did not stop; restarting the worker", handle.id)
        self._pending.pop(handle.id, None)
        handle._finish(error=Cancelled(self.tr("Cancelled")))
        self._replace()

    def _replace(self) -> None:
        """Kill the worker; _on_finished starts a new one and sends it the queued jobs."""
        self._expected_exit = True
        self._started = False  # jobs submitted meanwhile wait for the new worker
        self._process.kill()

    def _check_liveness(self) -> None:
        """Replace a worker that has sent nothing, not even a heartbeat, for too long."""
        now = time.monotonic()
        stalled = now - self._checked > 4 * LIVENESS_CHECK_MS / 1000
        self._checked = now
        if stalled:  # this window did not run its timers: give the worker a fresh start
            self._heard = now
        if self._stopping or self._process is None or not self._started:
            return
        silent_ms = (now - self._heard) * 1000
        if silent_ms <= (self.silence_ms if self._ready else START_SILENCE_MS):
            return
        message = self.tr("The model work stopped responding and was restarted.")
        hint = self.tr(
            "The job that was running was stopped. Try it again; if it hangs again, "
            "try another target or capture method."
        )
        details = f"no message from worker process {self.pid} for {silent_ms / 1000:.1f} s"
        self._report_lost(message, hint, details + "\n" + "".join(self._stderr_tail))
        self._replace()

    def _report_lost(self, message: str, hint: str, details: str) -> None:
        """The worker is gone: fail its running job and tell the window."""
        log.warning("%s %s", message, details[-2000:])
        running = next(iter(self._pending.values()), None)
        if running is not None:
            self._pending.pop(running.id)
            running._finish(error=WorkerLost(message, hint=hint, details=details))
        self.crashed.emit(message)

    def _write(self, message: dict) -> None:
        if self._process is not None and self._started:
            self._process.write(protocol.encode(message))

    def _fail_all(self, error: StudioError) -> None:
        for handle in list(self._pending.values()):
            handle._finish(error=error)
        self._pending.clear()

    # --- replies -------------------------------------------------------------------------

    def _read_stderr(self) -> None:
        text = bytes(self._process.readAllStandardError()).decode("utf-8", errors="replace")
        self._stderr_tail.append(text)

    def _read_stdout(self) -> None:
        self._heard = time.monotonic()
        self._buffer += bytes(self._process.readAllStandardOutput())
        *lines, self._buffer = self._buffer.split(b"\n")
        for line in lines:
            if not line.strip():
                continue
            try:
                message = protocol.decode(line)
            except ValueError:
                log.warning("worker wrote a line that is not a message: %r", line[:200])
                continue
            self._dispatch(message)

    def _dispatch(self, message: dict) -> None:
        event = message.get("event")
        if event == protocol.READY:
            self._ready = True
            self.failed_starts = 0
            return
        handle = self._pending.get(message.get("id"))
        if handle is None:
            return
        if event == protocol.PROGRESS:
            handle.progress.emit(message)
        elif event == protocol.RESULT:
            self._pending.pop(handle.id, None)
            try:
                result = result_from_dict(handle.job, message.get("result") or {})
            except (KeyError, TypeError, ValueError) as exc:  # a reply this window cannot read
                log.warning(
                    "job %s sent a result this window cannot read", handle.job, exc_info=True
                )
                handle._finish(error=as_studio_error(exc))
            else:
                handle._finish(result=result)
        elif event == protocol.ERROR:
            self._pending.pop(handle.id, None)
            handle._finish(error=StudioError.from_dict(message.get("error") or {}))
        if not self._pending:
            self.busy_changed.emit(False)
