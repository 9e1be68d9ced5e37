"""Several models at once on one device: each alone, then all together, and the slowdown.

    results = TogetherBench("R58M...", ["a.pte", "b.onnx"], BenchConfig(duration_s=5)).run()
    results[0].together["slowdown_p50"]      # together p50 / alone p50

The agent is made sure of once and every artifact gets its own connection (the agent
serves each connection in its own session, with its own model). Every model first runs
**alone**, one after another, then all run **together**: their runs are requested at the
same moment (a barrier), each on its connection, each with its own series. A run's
``series`` and ``stats`` are its together series; the alone statistics, the slowdown
(together / alone, for p50 and mean), the run's window on the agent's clock and how long
all windows overlapped go to ``result.together``. The device's sensors are sampled on
every connection during the together phase (``result.telemetry``); no energy per
inference is given, as the models share the battery's current.

With a duration every model runs that long together. With a number of iterations the
faster models keep running until the slowest has measured its iterations too (every
together series holds at least that many samples), so each model is measured against
the others for the whole of its run and the windows overlap from start to end.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from pathlib import Path

import numpy as np

from studio.agent.bench import load_artifact
from studio.agent.budget import check_budgets
from studio.agent.connection import AgentConnection
from studio.agent.cores import run_cores
from studio.agent.deployment import AGENT_DIR, ensure_agent, remove_forward
from studio.agent.results import BenchCallback, BenchConfig, BenchEvent, BenchResult
from studio.agent.run_telemetry import record_telemetry
from studio.agent.stats import SampleSeries
from studio.errors import AgentError, Cancelled, InputError, InternalError, StudioError
from studio.progress import CancelToken, ProgressEvent, progress_line

log = logging.getLogger("studio.agent")

# the together phase of an iterations run ends when every model measured its count; this
# bounds it if a model's samples never come (the agent's own upper bound is a day)
TOGETHER_LIMIT_S = 24 * 3600.0
SHARED_ENERGY = "not measurable: the models ran together and shared the battery's current"


def check_together(artifacts: list[str | Path], devices: int = 1, inputs: str | None = None):
    """Refuse what cannot run together, in one line each (before anything is pushed)."""
    if len(artifacts) < 2:
        raise InputError(
            "--together needs at least two artifacts", hint="name two or more files to run at once"
        )
    if devices != 1:
        raise InputError(
            "--together runs models side by side on one device; give one --device",
            hint="run once per device to compare phones",
        )
    if inputs:
        raise InputError(
            "--inputs names one model's inputs; models run together use random inputs "
            "of their own shapes",
            hint="leave out --inputs with --together",
        )
    names: dict[str, str] = {}
    for artifact in artifacts:
        path = Path(artifact)
        if not path.is_file():
            raise InputError(f"There is no file {artifact}", hint="check the artifact's path")
        if path.name in names:
            raise InputError(
                f"Two artifacts are named {path.name} ({names[path.name]} and {artifact}); "
                "on the device they would be one file",
                hint="rename one of them",
            )
        names[path.name] = str(artifact)


def window(series: SampleSeries) -> dict | None:
    """The run's time on the agent's clock: its first sample's start to its last one's end."""
    rows = series.view()
    if not len(rows):
        return None
    start, end = float(rows[0, 2]), float(rows[-1, 2] + rows[-1, 1])
    return {
        "start_us": round(start, 1),
        "end_us": round(end, 1),
        "duration_s": round((end - start) / 1e6, 6),
    }


def overlap_s(windows: list[dict | None]) -> float:
    """How long every window was open at once (0 when one is missing or they do not meet)."""
    if not windows or any(w is None for w in windows):
        return 0.0
    start = max(w["start_us"] for w in windows)
    end = min(w["end_us"] for w in windows)
    return round(max(0.0, end - start) / 1e6, 6)


def _ratio(together: float, alone: float) -> float | None:
    return round(together / alone, 4) if alone > 0 and together > 0 else None


def together_summary(results: list[BenchResult]) -> None:
    """Fill each result's ``together``: alone stats, slowdowns, window, overlap, the others."""
    windows = [window(r.series) for r in results]
    shared = overlap_s(windows)
    for result, own in zip(results, windows, strict=True):
        alone = result.alone_series.stats() if result.alone_series is not None else None
        stats = result.series.stats()
        result.together = {
            "alone": alone.to_dict() if alone is not None else None,
            "alone_samples": alone.count if alone is not None else 0,
            "slowdown_p50": _ratio(stats.p50_ms, alone.p50_ms) if alone and stats.count else None,
            "slowdown_mean": _ratio(stats.mean_ms, alone.mean_ms)
            if alone and stats.count
            else None,
            "window": own,
            "overlap_s": shared,
            "overlap_fraction": round(shared / own["duration_s"], 4)
            if own and own["duration_s"] > 0
            else 0.0,
            "with": [r.artifact for r in results if r is not result],
        }


class TogetherBench:
    """Several artifacts on one device: each alone, then all at once. :meth:`stop` from anywhere.

    ``callbacks`` holds one callback per artifact (or None); each gets that artifact's
    events, as :class:`~studio.agent.bench.DeviceBench` sends them for one run.
    """

    def __init__(
        self,
        serial: str,
        artifacts: list[str | Path],
        config: BenchConfig | None = None,
        callbacks: list[BenchCallback | None] | None = None,
        server=None,
        stats_interval: float = 0.2,
    ):
        self.serial = serial
        self.artifacts = [Path(a) for a in artifacts]
        self.config = (config or BenchConfig()).validate()
        check_together(self.artifacts, inputs=self.config.inputs)
        self.callbacks = list(callbacks or [None] * len(self.artifacts))
        if len(self.callbacks) != len(self.artifacts):
            raise InternalError("one callback per artifact")
        self.server = server
        self.stats_interval = stats_interval
        self._stop = threading.Event()
        self._cancel = CancelToken()
        self._conns: list[AgentConnection] = []
        self._lock = threading.Lock()

    def _emit(self, number: int, kind: str, **fields) -> None:
        callback = self.callbacks[number]
        if callback is None:
            return
        try:
            callback(BenchEvent(self.serial, kind, **fields))
        except Exception:  # a broken callback must not break the measurement
            log.exception("benchmark callback failed")

    def _emit_all(self, kind: str, **fields) -> None:
        for number in range(len(self.artifacts)):
            self._emit(number, kind, **fields)

    def _progress(self, event: ProgressEvent) -> None:
        self._emit_all("progress", message=progress_line(event), progress=event)

    def stop(self) -> None:
        """End the runs early; the samples so far are kept. Safe from any thread."""
        self._stop.set()
        self._cancel.cancel()
        with self._lock:
            conns = list(self._conns)
        for conn in conns:
            conn.stop()

    def _check_stop(self) -> None:
        if self._stop.is_set():
            raise Cancelled("The benchmark was stopped before it started measuring")

    def run(self) -> list[BenchResult]:
        """Push, start or find the agent, load all, run alone, run together; errors in results."""
        results = [BenchResult(self.serial, str(a), self.config) for a in self.artifacts]
        for result in results:
            result.alone_series = SampleSeries()
        try:
            self._run(results)
        except StudioError as exc:
            for result in results:
                result.error = result.error or exc
        except Exception as exc:  # a bug: keep the samples, report it plainly
            log.exception("benchmark together on %s failed", self.serial)
            error = InternalError(f"the benchmark failed: {type(exc).__name__}: {exc}")
            for result in results:
                result.error = result.error or error
        together_summary(results)
        for number, result in enumerate(results):
            result.stats = result.series.stats()
            if self.config.budgets:
                result.budget = check_budgets(self.config.budgets, result.stats)
            self._emit(number, "stats", stats=result.stats)
            message = result.error.one_line() if result.error else ""
            self._emit(number, "done", result=result, message=message)
        return results

    def _run(self, results: list[BenchResult]) -> None:
        from studio.devices.transfer import push
        from studio.runtimes import runtime_for

        if self.config.runtime == "auto":
            for artifact in self.artifacts:
                runtime_for(artifact)  # an unknown kind of file is refused before any transfer
        self._emit_all("status", message="starting the agent")
        endpoint = ensure_agent(self.serial, self.server, self._progress, self._cancel)
        try:
            for number, artifact in enumerate(self.artifacts):
                self._check_stop()
                self._emit(number, "status", message=f"pushing {artifact.name}")
                push(artifact, self.serial, dest=f"{AGENT_DIR}/{artifact.name}", server=self.server)
            for result in results:
                result.agent = {
                    "machine": None,
                    "runtime": None,
                    "runtime_version": None,
                    "bundle": endpoint.bundle,
                    "bundle_pushed_bytes": endpoint.bundle_pushed_bytes,
                }
            try:
                for _artifact in self.artifacts:
                    conn = endpoint.connect()
                    with self._lock:
                        self._conns.append(conn)
                self._measure(results)
            finally:
                with self._lock:
                    conns, self._conns = self._conns, []
                for conn in conns:
                    conn.close()
        finally:
            remove_forward(self.serial, endpoint.local_port, self.server)

    def _load(self, number: int, conn: AgentConnection, result: BenchResult) -> None:
        self._emit(number, "status", message="loading the model")
        try:
            choice, loaded = load_artifact(conn, self.artifacts[number].name, self.config, result)
        except StudioError as exc:
            result.error = exc
            raise
        result.cores = run_cores(choice, loaded, {})  # "allowed": from the run's summary

    def _measure(self, results: list[BenchResult]) -> None:
        conns = list(self._conns)
        for number, (conn, result) in enumerate(zip(conns, results, strict=True)):
            self._check_stop()
            self._load(number, conn, result)
        for conn, result in zip(conns, results, strict=True):
            result.telemetry["before"] = conn.telemetry()
        config = self.config
        what = (
            f"{config.iterations} iterations" if config.iterations else f"{config.duration_s:g} s"
        )
        # alone: one after another, the others loaded and idle
        for number, (conn, result) in enumerate(zip(conns, results, strict=True)):
            self._check_stop()
            self._emit(number, "status", message=f"running {what} alone on {result.runtime}")
            for other in range(len(results)):
                if other != number:
                    self._emit(
                        other, "status", message=f"waiting: {self.artifacts[number].name} alone"
                    )
            self._series(conn, result, result.alone_series, config.iterations, config.duration_s)
        self._check_stop()
        self._together(conns, results)
        for conn, result in zip(conns, results, strict=True):
            with contextlib.suppress(AgentError):
                result.telemetry["after"] = conn.telemetry()
            with contextlib.suppress(AgentError):
                conn.unload()

    def _series(
        self,
        conn: AgentConnection,
        result: BenchResult,
        series: SampleSeries,
        iterations: int | None,
        duration_s: float | None,
        on_rows=None,
        telemetry: dict | None = None,
        on_telemetry=None,
    ) -> dict:
        """One run on ``conn`` into ``series``; the agent's summary (errors raised)."""

        def add(rows: np.ndarray) -> None:
            series.add(rows)
            if on_rows is not None:
                on_rows(rows)

        summary = conn.run(
            add,
            warmup=self.config.warmup,
            iterations=iterations,
            duration_s=duration_s,
            inputs={"source": "random", "seed": self.config.seed},
            telemetry=telemetry,
            on_telemetry=on_telemetry,
        )
        if summary.get("stopped"):
            result.stopped = True
        if result.cores is not None:
            result.cores["allowed"] = summary.get("cores")
        if summary.get("count") != len(series):
            raise AgentError(f"{len(series)} of the agent's {summary.get('count')} samples arrived")
        if summary.get("error"):
            error = AgentError(f"The model failed while running: {summary['error']}")
            result.error = error
            raise error
        return summary

    def _together(self, conns: list[AgentConnection], results: list[BenchResult]) -> None:
        """All runs started at once (a barrier), each on its connection and thread."""
        count = self.config.iterations
        duration = self.config.duration_s if count is None else TOGETHER_LIMIT_S
        # the sensors during the together phase, without an idle baseline first: the
        # models share the battery's current, so no energy per inference is one model's
        sensors = {"interval_s": float(self.config.telemetry_interval_s), "baseline_s": 0.0}
        barrier = threading.Barrier(len(conns))
        errors: list[StudioError | None] = [None] * len(conns)
        reached = threading.Event()
        stop_sent = threading.Event()

        def enough() -> None:
            # an iterations run: once every model measured its count, all stop
            if all(len(r.series) >= count for r in results) and not stop_sent.is_set():
                stop_sent.set()
                reached.set()
                for conn in conns:
                    conn.stop()

        def one(number: int) -> None:
            conn, result = conns[number], results[number]
            last = [0.0]

            def on_telemetry(sample: dict, observed: dict) -> None:
                self._emit(number, "telemetry", telemetry={**observed, "sample": sample})

            def on_rows(rows: np.ndarray) -> None:
                if self._stop.is_set() and not stop_sent.is_set():  # stop() before the run began
                    stop_sent.set()
                    for other in conns:
                        other.stop()
                self._emit(number, "samples", rows=rows)
                now = time.monotonic()
                if now - last[0] >= self.stats_interval:
                    last[0] = now
                    self._emit(number, "stats", stats=result.series.stats())
                if count is not None:
                    enough()

            self._emit(number, "status", message=f"running together on {result.runtime}")
            try:
                barrier.wait(timeout=60)
                summary = self._series(
                    conn, result, result.series, None, duration, on_rows, sensors, on_telemetry
                )
                record_telemetry(result, summary.get("telemetry"))
                result.energy = {"mj_per_inference": None, "reason": SHARED_ENERGY}
            except threading.BrokenBarrierError:
                errors[number] = AgentError("The models could not be started together")
            except StudioError as exc:
                errors[number] = exc
                barrier.abort()
                for other in conns:  # one model failed: the others are no longer together
                    other.stop()

        threads = [threading.Thread(target=one, args=(n,), daemon=True) for n in range(len(conns))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if count is not None and reached.is_set():
            # stopped by the studio when all had their count: not a user's early stop
            for result in results:
                result.stopped = self._stop.is_set()
        for result, error in zip(results, errors, strict=True):
            if error is not None:
                result.error = result.error or error


def sample_phases(result: BenchResult) -> list[tuple[str, np.ndarray]]:
    """A run's samples by phase for a file: ``[("alone", rows), ("together", rows)]`` for a
    run together with others, else ``[("", rows)]``."""
    if result.together is None:
        return [("", result.series.view())]
    alone = result.alone_series.view() if result.alone_series is not None else np.zeros((0, 3))
    return [("alone", alone), ("together", result.series.view())]
