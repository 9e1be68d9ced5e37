"""A worker that is stopped, stuck or told to exit is noticed, reported and replaced; one
that is busy but alive is left alone. All on the real worker process."""

from __future__ import annotations

import os
import signal
import time

import pytest
from hostile_arch import busy_python, hold_the_interpreter, inspect_params
from ui_helpers import wait_done

from studio.errors import WorkerLost
from studio.paths import resource

REPORTED_WITHIN_MS = 10_000


def ready_pid(qtbot, worker) -> int:
    """The pid of a worker that has imported the model stack and answers."""
    job = wait_done(qtbot, worker.submit("versions"))
    assert job.error is None, job.error
    return worker.pid


def running(qtbot, worker, job: str, params: dict):
    """Submit a job and wait until the worker says it started."""
    handle = worker.submit(job, params)
    with qtbot.waitSignal(handle.progress, timeout=60_000):
        pass
    return handle


def assert_lost_and_replaced(qtbot, worker, handle, old_pid: int, started: float) -> None:
    wait_done(qtbot, handle, timeout=REPORTED_WITHIN_MS)
    print(f"reported {time.monotonic() - started:.1f} s after the worker went silent")
    assert isinstance(handle.error, WorkerLost)
    assert "stopped responding" in handle.error.message
    assert "restarted" in handle.error.message
    assert str(old_pid) in handle.error.details
    qtbot.waitUntil(lambda: worker.pid not in (None, old_pid), timeout=30_000)
    assert ready_pid(qtbot, worker) != old_pid


@pytest.mark.slow
def test_a_stopped_worker_is_reported_and_replaced(qtbot, worker, tmp_path):
    pid = ready_pid(qtbot, worker)
    handle = running(qtbot, worker, "inspect", inspect_params(tmp_path, build=busy_python(60)))
    started = time.monotonic()
    os.kill(pid, signal.SIGSTOP)
    try:
        assert_lost_and_replaced(qtbot, worker, handle, pid, started)
    finally:
        try:
            os.kill(pid, signal.SIGCONT)  # only if it still exists: the client kills it
        except ProcessLookupError:
            pass


@pytest.mark.slow
def test_a_job_stuck_in_native_code_is_reported_and_the_worker_replaced(qtbot, worker, tmp_path):
    pid = ready_pid(qtbot, worker)
    params = inspect_params(tmp_path, build=hold_the_interpreter(120))
    handle = running(qtbot, worker, "inspect", params)
    assert_lost_and_replaced(qtbot, worker, handle, pid, time.monotonic())


def test_a_factory_that_calls_sys_exit_fails_the_job_and_the_worker_goes_on(
    qtbot, worker, tmp_path
):
    pid = ready_pid(qtbot, worker)
    job = wait_done(qtbot, worker.submit("inspect", inspect_params(tmp_path, build="sys.exit(0)")))
    assert job.error is not None and not isinstance(job.error, WorkerLost)
    assert "SystemExit" in job.error.message
    assert ready_pid(qtbot, worker) == pid


@pytest.mark.slow
def test_a_long_conversion_that_heartbeats_is_left_alone(qtbot, worker, tmp_path, monkeypatch):
    pid = ready_pid(qtbot, worker)
    monkeypatch.setattr(worker, "silence_ms", 3000)
    recipe = {
        "model": {"path": str(resource("samples", "digits_cnn.safetensors"))},
        "convert": {"targets": ["pte"]},
        "verify": {"enabled": False},
        "output": {"folder": str(tmp_path)},
    }
    lost = []
    worker.crashed.connect(lost.append)
    try:
        started = time.monotonic()
        job = wait_done(qtbot, worker.submit("convert", {"recipe": recipe}))
        seconds = time.monotonic() - started
    finally:
        worker.crashed.disconnect(lost.append)
    assert job.error is None, job.error
    assert seconds > worker.silence_ms / 1000, "the conversion must outlast the window"
    assert lost == [] and worker.pid == pid
