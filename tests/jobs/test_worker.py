"""The worker process speaks JSON lines: progress, then one result or error per request."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from itertools import pairwise

import pytest
from hostile_arch import busy_python, hold_the_interpreter, inspect_params

from studio.paths import resource


class WorkerProcess:
    def __init__(self):
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "studio", "worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.read()["event"] == "ready"

    def send(self, message) -> None:
        text = message if isinstance(message, str) else json.dumps(message)
        self.proc.stdin.write(text + "\n")
        self.proc.stdin.flush()

    def read(self, heartbeats: bool = False) -> dict:
        """The next message; heartbeats are skipped unless asked for."""
        while True:
            line = self.proc.stdout.readline()
            assert line, "the worker closed its output"
            message = json.loads(line)
            if heartbeats or message.get("event") != "heartbeat":
                return message

    def until_done(self, job_id) -> tuple[list[dict], dict]:
        progress = []
        while True:
            message = self.read()
            if message.get("id") != job_id:
                continue
            if message["event"] == "progress":
                progress.append(message)
            else:
                return progress, message

    def close(self) -> int:
        self.proc.stdin.close()
        return self.proc.wait(timeout=60)


@pytest.fixture(scope="module")
def worker():
    process = WorkerProcess()
    yield process
    process.proc.kill()


def test_inspect_reports_progress_then_the_description(worker):
    worker.send(
        {
            "id": 1,
            "job": "inspect",
            "params": {"path": str(resource("samples", "digits_cnn.safetensors"))},
        }
    )
    progress, reply = worker.until_done(1)
    assert [p["stage"] for p in progress] == ["load", "describe"]
    assert reply["event"] == "result"
    assert reply["result"]["architecture"] == "digits_cnn"
    assert reply["result"]["runnable"] is True
    assert reply["result"]["input_spec"]["tensors"][0]["shape"] == [1, 1, 32, 32]


def test_classify_uses_the_open_model(worker, tmp_path):
    loads = tmp_path / "loads.txt"  # the model's factory writes a line each time it runs
    model = inspect_params(tmp_path, build=f"open({str(loads)!r}, 'a').write('load\\n')")
    worker.send({"id": 2, "job": "inspect", "params": model})
    _, reply = worker.until_done(2)
    assert reply["event"] == "result", reply
    assert loads.read_text().splitlines() == ["load"]

    image = resource("samples", "digits", "7", "digit7_0.png")
    worker.send({"id": 10, "job": "classify", "params": {"model": model, "image": str(image)}})
    _, reply = worker.until_done(10)
    assert reply["event"] == "result", reply
    top = reply["result"]["top"]
    assert len(top) == 5 and top[0]["index"] == 7
    assert sum(t["probability"] for t in top) <= 1.0 + 1e-6
    assert loads.read_text().splitlines() == ["load"]  # not loaded again


def test_classify_names_the_classes_of_the_sample(worker):
    image = resource("samples", "digits", "7", "digit7_0.png")
    model = {"path": str(resource("samples", "digits_cnn.safetensors"))}
    worker.send({"id": 11, "job": "classify", "params": {"model": model, "image": str(image)}})
    _, reply = worker.until_done(11)
    top = reply["result"]["top"]
    assert len(top) == 5 and top[0]["label"] == "7"


def test_errors_are_studio_errors_and_the_worker_lives_on(worker, tmp_path):
    worker.send({"id": 3, "job": "inspect", "params": {"path": str(tmp_path / "none.pt")}})
    _, reply = worker.until_done(3)
    assert reply["event"] == "error"
    assert reply["error"]["type"] in ("ModelFileError", "InputError")
    assert reply["error"]["exit_code"] == 2

    worker.send({"id": 4, "job": "teleport"})
    _, reply = worker.until_done(4)
    assert "unknown job" in reply["error"]["message"]

    worker.send("this is not json")
    reply = worker.read()
    assert reply["event"] == "error" and "unreadable request" in reply["error"]["message"]

    worker.send(
        {
            "id": 5,
            "job": "classify",
            "params": {
                "model": {"path": str(resource("samples", "digits_cnn.safetensors"))},
                "image": str(tmp_path / "no.png"),
            },
        }
    )
    _, reply = worker.until_done(5)
    assert reply["error"]["type"] == "InputError"


# How long a cancelled job may take to end: a deadline, not a performance target.
CANCEL_DEADLINE_S = 30


def test_a_running_job_is_cancelled_and_leaves_nothing(worker, tmp_path):
    out = tmp_path / "out"
    recipe = {
        "model": {"path": str(resource("samples", "digits_cnn.safetensors"))},
        "convert": {"targets": ["pte"]},
        "output": {"folder": str(out)},
    }
    worker.send({"id": 6, "job": "convert", "params": {"recipe": recipe}})
    running = worker.read()
    assert running["id"] == 6 and running["event"] == "progress", running  # it has started
    worker.send({"cancel": 6})
    asked = time.monotonic()
    _, reply = worker.until_done(6)
    assert reply["event"] == "error" and reply["error"]["type"] == "Cancelled", reply
    assert time.monotonic() - asked < CANCEL_DEADLINE_S
    assert not [p for p in out.rglob("*") if p.suffix == ".pte"]

    worker.send({"id": 12, "job": "versions", "params": {}})  # the worker serves the next job
    _, reply = worker.until_done(12)
    assert reply["event"] == "result", reply


def test_ctrl_c_in_the_terminal_is_the_windows_not_the_workers():
    import signal

    process = WorkerProcess()
    process.proc.send_signal(signal.SIGINT)
    process.send({"id": 7, "job": "versions", "params": {}})
    _, reply = process.until_done(7)
    assert reply["event"] == "result"
    assert process.close() == 0


def test_the_worker_ends_when_its_input_closes():
    process = WorkerProcess()
    assert process.close() == 0


def test_convert_then_verify_an_artifact(worker, tmp_path):
    sample = str(resource("samples", "digits_cnn.safetensors"))
    recipe = {
        "model": {"path": sample},
        "convert": {"targets": ["pte"]},
        "verify": {"enabled": False},
        "output": {"folder": str(tmp_path)},
    }
    worker.send({"id": 7, "job": "convert", "params": {"recipe": recipe}})
    progress, reply = worker.until_done(7)
    assert reply["event"] == "result", reply
    stages = [p["stage"] for p in progress]
    assert stages[0] == "load" and "build pte" in stages and stages[-1] == "publish"
    artifact = reply["result"]["artifacts"][0]["path"]
    assert artifact.endswith(".pte")

    worker.send(
        {"id": 8, "job": "verify", "params": {"model": {"path": sample}, "artifact": artifact}}
    )
    _, reply = worker.until_done(8)
    assert reply["event"] == "result", reply
    assert reply["result"]["verdict"] == "pass"
    assert reply["result"]["cosine"] > 0.999


def arrivals_until_done(worker, job_id) -> tuple[list[float], dict]:
    """When each message arrived (heartbeats included) until the job's reply, and the reply."""
    times = [time.monotonic()]
    while True:
        message = worker.read(heartbeats=True)
        times.append(time.monotonic())
        if message.get("id") == job_id and message["event"] in ("result", "error"):
            return times, message


def gaps(times: list[float]) -> list[float]:
    return [b - a for a, b in pairwise(times)]


@pytest.mark.parametrize(
    "code, name",
    [
        ("sys.exit(0)", "SystemExit"),
        ("raise KeyboardInterrupt", "KeyboardInterrupt"),
        ("raise BaseException('stop')", "BaseException"),
    ],
)
def test_a_job_that_tries_to_end_the_program_gets_an_error_and_the_worker_goes_on(
    worker, tmp_path, code, name
):
    worker.send({"id": 20, "job": "inspect", "params": inspect_params(tmp_path, forward=code)})
    _, reply = worker.until_done(20)
    assert reply["event"] == "error"
    assert reply["error"]["type"] == "InternalError"
    assert "end the program" in reply["error"]["message"] and name in reply["error"]["message"]
    assert "Traceback" in reply["error"]["details"]

    worker.read(heartbeats=True)  # the jobs thread lives: heartbeats go on
    worker.send({"id": 21, "job": "inspect", "params": inspect_params(tmp_path)})
    _, reply = worker.until_done(21)
    assert reply["event"] == "result", reply


@pytest.mark.slow
def test_heartbeats_go_on_through_a_long_job(worker, tmp_path):
    params = inspect_params(tmp_path, build=busy_python(4))
    worker.send({"id": 22, "job": "inspect", "params": params})
    times, reply = arrivals_until_done(worker, 22)
    assert reply["event"] == "result", reply
    assert times[-1] - times[0] > 4
    assert max(gaps(times)) < 3  # a heartbeat a second, however busy the job keeps Python


@pytest.mark.slow
def test_native_code_that_holds_the_interpreter_silences_the_heartbeat(worker, tmp_path):
    params = inspect_params(tmp_path, build=hold_the_interpreter(4))
    worker.send({"id": 23, "job": "inspect", "params": params})
    times, reply = arrivals_until_done(worker, 23)
    assert reply["event"] == "result", reply
    assert max(gaps(times)) > 3.5  # what the window takes for a stuck worker
