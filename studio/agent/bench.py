"""Benchmark orchestration: one artifact on one phone, or on several phones at once.

    result = DeviceBench("R58M...", "model.pte", BenchConfig(iterations=500),
                         callback=print).run()
    result.stats.p90_ms; write_results([result], "latency.csv")  # studio.agent.export

:class:`DeviceBench` makes sure the agent runs on the phone
(:mod:`studio.agent.deployment`), pushes the artifact (verified, atomic), loads the model, runs it and hands
samples and rolling statistics to a callback. Callbacks are plain Python, called from
the benchmark's own thread; :meth:`DeviceBench.stop` may be called from any thread.
"""

from __future__ import annotations

import contextlib
import logging
import posixpath
import threading
import time
from pathlib import Path

import numpy as np

from studio.agent.budget import check_budgets
from studio.agent.connection import AgentConnection
from studio.agent.cores import device_cores, run_cores
from studio.agent.deployment import AGENT_DIR, ensure_agent, remove_forward
from studio.agent.results import BenchCallback, BenchConfig, BenchEvent, BenchResult
from studio.agent.run_telemetry import record_telemetry, telemetry_request
from studio.errors import AgentError, Cancelled, InputError, InternalError, StudioError
from studio.progress import CancelToken, ProgressEvent, progress_line

log = logging.getLogger("studio.agent")


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
        self._cancel = CancelToken()
        self._conn: AgentConnection | None = None
        self._lock = threading.Lock()
        self._verifier = None  # bench --verify: studio.agent.device_verify

    def _emit(self, kind: str, **fields) -> None:
        if self.callback is None:
            return
        try:
            self.callback(BenchEvent(self.serial, kind, **fields))
        except Exception:  # a broken callback must not break the measurement
            log.exception("benchmark callback failed")

    def _progress(self, event: ProgressEvent) -> None:
        self._emit("progress", message=progress_line(event), progress=event)

    def stop(self) -> None:
        """End the run early; the samples so far are kept. Safe from any thread."""
        self._stop.set()
        self._cancel.cancel()
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
        if self.config.verify:  # no reference: refused before anything is pushed
            from studio.agent.device_verify import DeviceVerification

            self._verifier = DeviceVerification(self.artifact, self.config.reference)
        # the agent first: a phone that cannot run it (another ABI, no space for the
        # bundle) is refused before the model is copied to it
        self._emit("status", message="starting the agent")
        endpoint = ensure_agent(self.serial, self.server, self._progress, self._cancel)
        self._check_stop()
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
        if self._verifier is not None:
            self._verifier.push(self.serial, AGENT_DIR, self.server)
        self._check_stop()
        result.agent = {
            "machine": None,
            "runtime": None,
            "runtime_version": None,
            "bundle": endpoint.bundle,
            "bundle_pushed_bytes": endpoint.bundle_pushed_bytes,
        }
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
        self._check_stop()
        self._emit("status", message="loading the model")
        choice, loaded = load_artifact(conn, self.artifact.name, self.config, result)
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

        def on_telemetry(sample: dict, observed: dict) -> None:
            self._emit("telemetry", telemetry={**observed, "sample": sample})

        summary = conn.run(
            on_rows,
            warmup=self.config.warmup,
            iterations=self.config.iterations,
            duration_s=self.config.duration_s,
            inputs=inputs,
            telemetry=telemetry_request(self.config, result.virtual),
            on_telemetry=on_telemetry,
        )
        record_telemetry(result, summary.get("telemetry"))
        result.stopped = bool(summary.get("stopped"))
        result.cores = run_cores(choice, loaded, summary, result.telemetry, result.series.view())
        if summary.get("count") != len(result.series):
            raise AgentError(
                f"{len(result.series)} of the agent's {summary.get('count')} samples arrived"
            )
        if summary.get("error"):
            raise AgentError(f"The model failed while running: {summary['error']}")
        if self._verifier is not None and not self._stop.is_set():
            self._emit("status", message="verifying the outputs on the device")
            result.verification = self._verifier.run(conn)
        with contextlib.suppress(AgentError):
            result.telemetry["after"] = conn.telemetry()
        with contextlib.suppress(AgentError):
            conn.unload()


def load_artifact(conn: AgentConnection, name: str, config: BenchConfig, result: BenchResult):
    """Load the pushed artifact ``name`` on the agent and note where and how it runs.

    Returns the cores chosen for it (or None) and the agent's ``loaded`` reply.
    """
    caps = conn.capabilities
    result.agent_version = caps.get("agent_version")
    result.device_facts = caps.get("device")
    result.agent["machine"] = caps.get("machine")
    choice = device_cores(config, result.device_facts)
    loaded = conn.load(name, config.runtime, config.threads, choice.cpus if choice else None)
    result.runtime = loaded["runtime"]
    result.runtime_version = loaded.get("runtime_version")
    result.load_ms = loaded.get("load_ms")
    result.agent["runtime"] = result.runtime
    result.agent["runtime_version"] = result.runtime_version
    package = next((r for r in caps.get("runtimes", []) if r.get("name") == result.runtime), {})
    result.agent["runtime_package"] = package.get("package")
    return choice, loaded


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
