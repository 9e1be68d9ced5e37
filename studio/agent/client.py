"""The studio's side of the agent: reach it on a phone, load a model, stream its latency.

    result = DeviceBench("R58M...", "model.pte", BenchConfig(iterations=500),
                         callback=print).run()
    result.stats.p90_ms; result.export_csv("latency.csv")

:class:`DeviceBench` pushes the artifact (verified, atomic), finds the agent on the
phone or starts it through the shell, forwards a local port to it with ``adb forward``,
loads the model, runs it and hands samples and rolling statistics to a callback.
Callbacks are plain Python, called from the benchmark's own thread; :meth:`stop` may
be called from any thread. :class:`BenchGroup` benchmarks several phones at once.
Low level: :class:`AgentConnection` speaks the protocol to an agent at HOST:PORT.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import logging
import posixpath
import random
import secrets
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.agent import protocol
from studio.agent.budget import Budget, check_budgets
from studio.agent.protocol import Channel, ConnectionClosed, ProtocolError
from studio.agent.stats import LatencyStats, SampleSeries
from studio.errors import (
    AgentError,
    Cancelled,
    InputError,
    InternalError,
    ModelFileError,
    StudioError,
)
from studio.fileio import write_text_atomic

log = logging.getLogger("studio.agent")

AGENT_DIR = "/data/local/tmp/model-studio"  # the agent's root on a phone
AGENT_COMMAND = "model-studio-agent"
STATE_FILE = "agent.json"
CONNECT_TIMEOUT = 10.0
REQUEST_TIMEOUT = 120.0  # a load or a first description of the runtimes can take a while
LOAD_TIMEOUT_MARGIN = 30.0  # waited beyond the agent's own load deadline for its reply
LIVENESS_TIMEOUT = 5.0  # during a run the agent sends something at least every 0.5 s
AGENT_START_TIMEOUT = 150.0
PORT_RANGE = (20000, 60000)


def _raise_for(reply: dict) -> None:
    """Turn an ``error`` reply into the matching StudioError."""
    code, message = reply.get("code"), reply.get("message") or "no message"
    if code == protocol.E_LOAD_FAILED:
        raise ModelFileError(
            f"The agent could not load the model: {message}",
            hint="check the file converts and verifies on this computer",
        )
    if code in (protocol.E_NOT_FOUND, protocol.E_OUTSIDE_ROOT, protocol.E_BAD_REQUEST):
        raise InputError(f"The agent refused the request: {message}")
    if code == protocol.E_UNAUTHENTICATED:
        raise AgentError(
            f"The agent refused the connection: {message}",
            hint="another studio may have started it; stop it and try again",
        )
    if code == protocol.E_PROTOCOL:
        raise AgentError(
            f"The agent speaks another protocol version: {message}",
            hint="update the agent on the phone (and the studio)",
        )
    if code == protocol.E_LOAD_TIMEOUT:
        raise AgentError(
            f"The model took too long to load on the device: {message}",
            hint="check that the model loads on this computer; the next run starts a new agent",
        )
    if code == protocol.E_TOO_MANY_CONNECTIONS:
        raise AgentError(
            f"The agent is busy with other connections: {message}",
            hint="wait for other benchmarks on this device to finish, then try again",
        )
    raise AgentError(f"The agent reported an error ({code}): {message}")


class AgentConnection:
    """One authenticated connection to an agent; ``capabilities`` holds its hello reply."""

    def __init__(
        self,
        host: str,
        port: int,
        token: str,
        operators: bool = False,
        timeout: float = CONNECT_TIMEOUT,
    ):
        self.address = f"{host}:{port}"
        try:
            sock = socket.create_connection((host, port), timeout=timeout)
        except OSError as exc:
            raise AgentError(
                f"No agent answers at {self.address} ({exc.strerror or exc})",
                hint="the agent may not be running",
            ) from None
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.channel = Channel(sock, protocol.MAX_REPLY_BYTES)
        self._closed = False
        hello = {
            "type": protocol.HELLO,
            "protocol": protocol.PROTOCOL_VERSION,
            "token": token,
            "operators": operators,
        }
        try:
            self.capabilities = self.request(
                hello, protocol.CAPABILITIES, REQUEST_TIMEOUT if operators else timeout
            )
        except BaseException:
            self.close()
            raise

    # ----- requests -------------------------------------------------------------------

    def _recv(self, timeout: float | None) -> dict:
        self.channel.sock.settimeout(timeout)
        try:
            return self.channel.recv()
        except TimeoutError:
            raise AgentError(
                f"The agent at {self.address} stopped answering",
                hint="it may have crashed or the phone may be overloaded",
            ) from None
        except ConnectionClosed:
            raise AgentError(
                f"The connection to the agent at {self.address} was lost",
                hint="the agent stopped or the phone was disconnected",
            ) from None
        except ProtocolError as exc:
            raise AgentError(f"The agent sent a bad frame: {exc.message}") from None
        except OSError as exc:
            raise AgentError(
                f"The connection to the agent at {self.address} failed ({exc})",
                hint="the agent stopped or the phone was disconnected",
            ) from None

    def send(self, message: dict) -> None:
        try:
            self.channel.send(message)
        except OSError as exc:
            raise AgentError(
                f"The connection to the agent at {self.address} failed ({exc})",
                hint="the agent stopped or the phone was disconnected",
            ) from None

    def request(self, message: dict, expect: str, timeout: float = REQUEST_TIMEOUT) -> dict:
        """Send a request and return its reply of type ``expect`` (errors raised)."""
        self.send(message)
        deadline = time.monotonic() + timeout
        while True:
            reply = self._recv(max(0.01, deadline - time.monotonic()))
            if reply["type"] == protocol.ERROR:
                _raise_for(reply)
            if reply["type"] == expect:
                return reply
            log.debug("ignoring %s while waiting for %s", reply["type"], expect)

    def load(self, path: str, runtime: str = "auto", threads: int | None = None) -> dict:
        message = {"type": protocol.LOAD, "path": path, "runtime": runtime}
        if threads:
            message["threads"] = int(threads)
        # the agent answers a load that overruns its deadline with load_timeout
        deadline = self.capabilities.get("load_timeout_s")
        if isinstance(deadline, (int, float)) and not isinstance(deadline, bool):
            timeout = min(float(deadline), 24 * 3600.0) + LOAD_TIMEOUT_MARGIN
        else:
            timeout = REQUEST_TIMEOUT
        return self.request(message, protocol.LOADED, timeout)

    def unload(self) -> dict:
        return self.request({"type": protocol.UNLOAD}, protocol.UNLOADED)

    def telemetry(self) -> dict:
        reply = self.request({"type": protocol.TELEMETRY}, protocol.TELEMETRY, CONNECT_TIMEOUT)
        return {k: v for k, v in reply.items() if k not in ("type", "id")}

    def run(
        self,
        on_rows: Callable[[np.ndarray], None],
        warmup: int = 0,
        iterations: int | None = None,
        duration_s: float | None = None,
        inputs: dict | None = None,
        liveness: float = LIVENESS_TIMEOUT,
    ) -> dict:
        """Run and stream: ``on_rows`` gets arrays of [index, latency_us, t_us] rows.

        Returns the summary. A lost or silent agent raises AgentError; the rows delivered
        before stay delivered.
        """
        message = {"type": protocol.RUN, "warmup": int(warmup), "inputs": inputs or {}}
        if iterations is not None:
            message["iterations"] = int(iterations)
        if duration_s is not None:
            message["duration_s"] = float(duration_s)
        self.request(message, protocol.STARTED, CONNECT_TIMEOUT)
        run_error = None
        while True:
            reply = self._recv(liveness)
            kind = reply["type"]
            if kind == protocol.SAMPLES:
                rows = np.asarray(reply.get("samples") or [], dtype=np.float64).reshape(-1, 3)
                if len(rows):
                    on_rows(rows)
            elif kind == protocol.SUMMARY:
                if run_error is not None:
                    reply.setdefault("error", run_error)
                return reply
            elif kind == protocol.ERROR:
                if reply.get("code") != protocol.E_RUN_FAILED:
                    _raise_for(reply)
                run_error = reply.get("message")

    def stop(self) -> None:
        """Ask the agent to end the current run (safe from any thread, and when idle)."""
        with contextlib.suppress(OSError):
            self.channel.send({"type": protocol.STOP})

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self.channel.close()

    def __enter__(self) -> AgentConnection:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# ----- finding and starting the agent on a phone ----------------------------------------


@dataclass
class AgentEndpoint:
    serial: str
    remote_port: int
    local_port: int
    token: str
    started: bool  # True when this call started the agent

    def connect(self, operators: bool = False) -> AgentConnection:
        return AgentConnection("127.0.0.1", self.local_port, self.token, operators=operators)


def _read_state(link) -> dict | None:
    result = link.shell(f"cat {AGENT_DIR}/{STATE_FILE} 2>/dev/null", timeout=15)
    try:
        state = json.loads(result.out)
    except ValueError:
        return None
    if isinstance(state, dict) and isinstance(state.get("port"), int) and state.get("token"):
        return state
    return None


def _connect_with_retry(local_port: int, token: str, timeout: float) -> AgentConnection:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return AgentConnection("127.0.0.1", local_port, token)
        except AgentError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)


def ensure_agent(serial: str, server=None) -> AgentEndpoint:
    """The agent on ``serial``, reached through ``adb forward``; started when not running."""
    from studio.devices.adb import adb_errors, client, resolve_server
    from studio.devices.discovery import find_device
    from studio.devices.transfer import q

    server = resolve_server(server)
    with adb_errors(serial, server):
        link = find_device(serial, server)
        device = client(server).device(serial)
        state = _read_state(link)
        if state is not None:
            local = device.forward_port(f"tcp:{state['port']}")
            try:
                _connect_with_retry(local, state["token"], 1.0).close()
                return AgentEndpoint(serial, state["port"], local, state["token"], False)
            except AgentError:
                log.info("the agent recorded on %s does not answer; starting one", serial)
                with contextlib.suppress(Exception):
                    device.forward_remove(f"tcp:{local}", raise_non_found=False)
        text = ""
        for _attempt in range(3):
            port = random.randint(*PORT_RANGE)
            token = secrets.token_hex(16)
            command = (
                f"mkdir -p {q(AGENT_DIR)} && {q(AGENT_DIR + '/' + AGENT_COMMAND)} "
                f"--port {port} --token {token} --root {q(AGENT_DIR)}"
            )
            result = link.shell(command, timeout=AGENT_START_TIMEOUT)
            text = result.text
            if result.code == 0:
                break
            if result.code == 127 or "not found" in text:
                raise AgentError(
                    f"The phone {serial} has no Model Studio agent",
                    hint="benchmark on a virtual device (`model-studio virtual-device`); "
                    f"the agent for phones is installed as {AGENT_DIR}/{AGENT_COMMAND}",
                    details=text,
                )
            log.info("agent start on port %d failed: %s", port, text)
        else:
            raise AgentError(
                f"The agent did not start on {serial}: {text or 'no output'}", details=text
            )
        local = device.forward_port(f"tcp:{port}")
    try:
        _connect_with_retry(local, token, CONNECT_TIMEOUT).close()
    except AgentError:
        raise AgentError(
            f"The agent started on {serial} but cannot be reached",
            hint="check that `adb forward` works with this phone",
        ) from None
    return AgentEndpoint(serial, port, local, token, True)


def remove_forward(serial: str, local_port: int, server=None) -> None:
    from studio.devices.adb import client

    with contextlib.suppress(Exception):
        client(server, start=False).device(serial).forward_remove(
            f"tcp:{local_port}", raise_non_found=False
        )


def device_runtime_profiles(serial: str, server=None) -> list:
    """The runtime profiles the agent on ``serial`` reports (``RuntimeProfile`` objects)."""
    from studio.compat.profiles import RuntimeProfile

    endpoint = ensure_agent(serial, server)
    try:
        with endpoint.connect(operators=True) as conn:
            caps = conn.capabilities
    finally:
        remove_forward(serial, endpoint.local_port, server)
    profiles = []
    for entry in caps.get("runtimes", []):
        if not entry.get("profile"):
            continue
        profile = RuntimeProfile.from_dict(
            entry["profile"], origin=f"the {entry['name']} profile from {serial}"
        )
        profile.name = f"{serial}/{entry['name']}"
        profile.title = f"{profile.title.split(' (')[0]} on {serial}"
        profile.source = f"the Model Studio agent on {serial}: {profile.source}"
        profiles.append(profile)
    if not profiles:
        raise AgentError(f"The agent on {serial} reported no runtime profiles")
    return profiles


# ----- one benchmark on one phone -------------------------------------------------------


@dataclass
class BenchConfig:
    runtime: str = "auto"
    threads: int | None = None
    warmup: int = 10
    iterations: int | None = None  # default 100 when neither this nor duration_s is set
    duration_s: float | None = None
    budgets: list[Budget] = field(default_factory=list)
    inputs: str | None = None  # a local .npy/.npz file pushed with the model; else random
    seed: int = 0

    def validate(self) -> BenchConfig:
        from studio.agent.capabilities import AGENT_RUNTIMES

        if self.runtime != "auto" and self.runtime not in AGENT_RUNTIMES:
            raise InputError(
                f"unknown runtime {self.runtime!r}",
                hint=f"choose auto or one of {', '.join(AGENT_RUNTIMES)}",
            )
        if self.iterations is not None and self.duration_s is not None:
            raise InputError("give either iterations or a duration, not both")
        if self.iterations is None and self.duration_s is None:
            self.iterations = 100
        if self.iterations is not None and self.iterations < 1:
            raise InputError("iterations must be at least 1")
        if self.duration_s is not None and self.duration_s <= 0:
            raise InputError("the duration must be above zero")
        if self.warmup < 0:
            raise InputError("warmup must not be negative")
        if self.threads is not None and self.threads < 1:
            raise InputError("threads must be at least 1")
        if self.inputs and Path(self.inputs).suffix not in (".npy", ".npz"):
            raise InputError(f"{self.inputs} is not a .npy or .npz tensor file")
        return self


@dataclass
class BenchEvent:
    """What a callback receives. ``kind``: status, samples, stats, done."""

    device: str
    kind: str
    message: str = ""
    rows: np.ndarray | None = None  # samples: [index, latency_us, t_us] rows
    stats: LatencyStats | None = None
    result: BenchResult | None = None


BenchCallback = Callable[[BenchEvent], None]


@dataclass
class BenchResult:
    device: str
    artifact: str
    config: BenchConfig
    runtime: str | None = None
    runtime_version: str | None = None
    load_ms: float | None = None
    series: SampleSeries = field(default_factory=SampleSeries)
    stats: LatencyStats = field(default_factory=LatencyStats)
    budget: dict = field(default_factory=lambda: {"passed": True, "checks": []})
    stopped: bool = False
    error: StudioError | None = None
    device_facts: dict | None = None
    agent_version: str | None = None
    telemetry: dict = field(default_factory=dict)

    @property
    def samples(self) -> int:
        return len(self.series)

    @property
    def ok(self) -> bool:
        return self.error is None

    def to_dict(self, include_samples: bool = False) -> dict:
        doc = {
            "device": self.device,
            "artifact": self.artifact,
            "runtime": self.runtime,
            "runtime_version": self.runtime_version,
            "threads": self.config.threads,
            "warmup": self.config.warmup,
            "samples": self.samples,
            "load_ms": self.load_ms,
            "stats": self.stats.to_dict(),
            "budget": self.budget,
            "stopped": self.stopped,
            "error": self.error.to_dict() if self.error else None,
            "agent_version": self.agent_version,
            "device_facts": self.device_facts,
            "telemetry": self.telemetry,
        }
        if include_samples:
            _index, latency, _t = self.series.arrays()
            doc["latencies_us"] = [round(float(v), 3) for v in latency]
        return doc

    def csv_text(self) -> str:
        index, latency, t = self.series.arrays()
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["device", "index", "latency_ms", "t_ms"])
        t0 = t[0] if len(t) else 0.0
        for i, lat, when in zip(index, latency, t, strict=True):
            writer.writerow([self.device, int(i), f"{lat / 1e3:.6f}", f"{(when - t0) / 1e3:.3f}"])
        return out.getvalue()

    def export_csv(self, path: str | Path) -> Path:
        """One row per sample: device, index, latency (ms), time since the first sample (ms)."""
        write_text_atomic(path, self.csv_text())
        return Path(path)

    def export_json(self, path: str | Path) -> Path:
        write_text_atomic(path, json.dumps(self.to_dict(include_samples=True), indent=1) + "\n")
        return Path(path)


class DeviceBench:
    """Benchmark one artifact on one phone. :meth:`run` blocks; :meth:`stop` from anywhere."""

    def __init__(
        self,
        serial: str,
        artifact: str | Path,
        config: BenchConfig | None = None,
        callback: BenchCallback | None = None,
        server=None,
        stats_interval: float = 0.2,
    ):
        self.serial = serial
        self.artifact = Path(artifact)
        self.config = (config or BenchConfig()).validate()
        self.callback = callback
        self.server = server
        self.stats_interval = stats_interval
        self._stop = threading.Event()
        self._conn: AgentConnection | None = None
        self._lock = threading.Lock()

    def _emit(self, kind: str, **fields) -> None:
        if self.callback is None:
            return
        try:
            self.callback(BenchEvent(self.serial, kind, **fields))
        except Exception:  # a broken callback must not break the measurement
            log.exception("benchmark callback failed")

    def stop(self) -> None:
        """End the run early; the samples so far are kept. Safe from any thread."""
        self._stop.set()
        with self._lock:
            conn = self._conn
        if conn is not None:
            conn.stop()

    def run(self) -> BenchResult:
        """Push, start or find the agent, load, run; errors end up in ``result.error``."""
        result = BenchResult(self.serial, str(self.artifact), self.config)
        try:
            self._run(result)
        except StudioError as exc:
            result.error = exc
        except Exception as exc:  # a bug: keep the samples, report it plainly
            log.exception("benchmark on %s failed", self.serial)
            result.error = InternalError(f"the benchmark failed: {type(exc).__name__}: {exc}")
        result.stats = result.series.stats()
        if self.config.budgets:
            result.budget = check_budgets(self.config.budgets, result.stats)
        self._emit("stats", stats=result.stats)
        self._emit("done", result=result, message=result.error.one_line() if result.error else "")
        return result

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise Cancelled("The benchmark was stopped before it started measuring")

    def _run(self, result: BenchResult) -> None:
        from studio.devices.transfer import push
        from studio.runtimes import runtime_for

        if not self.artifact.is_file():
            raise InputError(f"There is no file {self.artifact}", hint="check the artifact's path")
        if self.config.runtime == "auto":
            runtime_for(self.artifact)  # an unknown kind of file is refused before any transfer
        self._emit("status", message=f"pushing {self.artifact.name}")
        push(
            self.artifact, self.serial, dest=f"{AGENT_DIR}/{self.artifact.name}", server=self.server
        )
        inputs = {"source": "random", "seed": self.config.seed}
        if self.config.inputs:
            pushed = push(
                self.config.inputs,
                self.serial,
                dest=f"{AGENT_DIR}/{Path(self.config.inputs).name}",
                server=self.server,
            )
            inputs = {"source": "file", "path": posixpath.basename(pushed.remote_path)}
        self._check_stop()
        self._emit("status", message="starting the agent")
        endpoint = ensure_agent(self.serial, self.server)
        try:
            conn = endpoint.connect()
            with self._lock:
                self._conn = conn
            try:
                self._measure(conn, result, inputs)
            finally:
                with self._lock:
                    self._conn = None
                conn.close()
        finally:
            remove_forward(self.serial, endpoint.local_port, self.server)

    def _measure(self, conn: AgentConnection, result: BenchResult, inputs: dict) -> None:
        caps = conn.capabilities
        result.agent_version = caps.get("agent_version")
        result.device_facts = caps.get("device")
        self._check_stop()
        self._emit("status", message="loading the model")
        loaded = conn.load(self.artifact.name, self.config.runtime, self.config.threads)
        result.runtime = loaded["runtime"]
        result.runtime_version = loaded.get("runtime_version")
        result.load_ms = loaded.get("load_ms")
        result.telemetry["before"] = conn.telemetry()
        self._check_stop()
        what = (
            f"{self.config.iterations} iterations"
            if self.config.iterations
            else f"{self.config.duration_s:g} s"
        )
        self._emit("status", message=f"running {what} on {result.runtime}")
        last = [0.0]
        stop_sent = [False]

        def on_rows(rows: np.ndarray) -> None:
            if self._stop.is_set() and not stop_sent[0]:  # stop() came before the run began
                stop_sent[0] = True
                conn.stop()
            result.series.add(rows)
            self._emit("samples", rows=rows)
            now = time.monotonic()
            if now - last[0] >= self.stats_interval:
                last[0] = now
                self._emit("stats", stats=result.series.stats())

        summary = conn.run(
            on_rows,
            warmup=self.config.warmup,
            iterations=self.config.iterations,
            duration_s=self.config.duration_s,
            inputs=inputs,
        )
        result.stopped = bool(summary.get("stopped"))
        if summary.get("count") != len(result.series):
            raise AgentError(
                f"{len(result.series)} of the agent's {summary.get('count')} samples arrived"
            )
        if summary.get("error"):
            raise AgentError(f"The model failed while running: {summary['error']}")
        with contextlib.suppress(AgentError):
            result.telemetry["after"] = conn.telemetry()
        with contextlib.suppress(AgentError):
            conn.unload()


class BenchGroup:
    """The same benchmark on several phones at once, each in its own thread."""

    def __init__(
        self,
        serials: list[str],
        artifact: str | Path,
        config: BenchConfig | None = None,
        callback: BenchCallback | None = None,
        server=None,
    ):
        if len(set(serials)) != len(serials):
            raise InputError("a device is named twice")
        self.benches = [DeviceBench(s, artifact, config, callback, server) for s in serials]

    def run(self) -> list[BenchResult]:
        results: dict[str, BenchResult] = {}

        def one(bench: DeviceBench) -> None:
            results[bench.serial] = bench.run()

        threads = [threading.Thread(target=one, args=(b,), daemon=True) for b in self.benches]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return [results[b.serial] for b in self.benches]

    def stop(self) -> None:
        for bench in self.benches:
            bench.stop()


def results_document(results: list[BenchResult]) -> dict:
    """The ``--json`` document of ``model-studio bench``."""
    return {
        "runs": [r.to_dict() for r in results],
        "passed": all(r.ok and r.budget["passed"] for r in results),
    }


def export_results(results: list[BenchResult], path: str | Path) -> Path:
    """All runs in one file: ``.csv`` (one row per sample) or ``.json`` (with samples)."""
    path = Path(path)
    if path.suffix.lower() == ".csv":
        texts = [r.csv_text() for r in results]
        body = texts[0] + "".join(t.split("\n", 1)[1] for t in texts[1:]) if texts else ""
        write_text_atomic(path, body)
    else:
        doc = {"runs": [r.to_dict(include_samples=True) for r in results]}
        write_text_atomic(path, json.dumps(doc, indent=1) + "\n")
    return path


__all__ = [
    "AgentConnection",
    "AgentEndpoint",
    "BenchConfig",
    "BenchEvent",
    "BenchGroup",
    "BenchResult",
    "DeviceBench",
    "device_runtime_profiles",
    "ensure_agent",
    "export_results",
    "results_document",
]
