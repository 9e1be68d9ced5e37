"""The on-device agent: serves the agent protocol on the loopback, runs models, times them.

    server = AgentServer(root="/data/local/tmp/model-studio", token="...", port=38700)
    server.start(); server.serve_forever()

Each connection is a :class:`Session` with its own thread and at most one loaded model;
a run happens in a second thread so that ``stop`` and ``telemetry`` are answered while
it goes. Latency is the monotonic clock read right before and right after the
runner's ``infer`` call, nothing else; the agent's own work stays off that path
(:mod:`studio.agent.timing`: no I/O or tracked allocation on the timed thread, the
collector paused, samples sent in batches by another thread), so thousands per second
stream without loss. Bad input of any kind ends at most that connection, never the agent.

Limits (all in the capabilities): a connection must say ``hello`` within
``hello_timeout`` seconds, at most ``max_connections`` are open at once (more are
refused with ``too_many_connections``), and a load must finish within
``load_timeout`` seconds — else the client gets ``load_timeout`` and the agent exits
(:mod:`studio.agent.watchdog`), because a thread stuck in native code cannot be stopped.
"""

from __future__ import annotations

import contextlib
import errno
import hmac
import logging
import math
import os
import platform
import socket
import threading
import time
from pathlib import Path

import numpy as np

from studio import __version__
from studio.agent import capabilities, cores, protocol, telemetry, timing, watchdog
from studio.agent.protocol import Channel, ConnectionClosed, ProtocolError
from studio.agent.stats import compute
from studio.agent.timing import SampleBuffer, Sender
from studio.errors import InputError, StudioError

log = logging.getLogger("studio.agent")

MAX_ITERATIONS = 100_000_000
NO_LIMIT = 1 << 62  # the iterations of a run given a duration
MAX_DURATION_S = 24 * 3600.0
MAX_WARMUP = 100_000
MAX_SEED = (1 << 64) - 1
HELLO_TIMEOUT_S = 5.0
MAX_CONNECTIONS = 64
LOAD_TIMEOUT_S = 120.0
LISTEN_BACKLOG = 64
ACCEPT_BACKOFF_S = (0.01, 0.25)  # after a failed accept (out of descriptors or memory)


class RequestError(Exception):
    """A request the agent refuses; becomes an ``error`` reply (non-fatal)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def _first_line(exc: BaseException) -> str:
    if isinstance(exc, StudioError):
        return exc.one_line()
    lines = str(exc).strip().splitlines()
    return lines[0] if lines else type(exc).__name__


class AgentServer:
    def __init__(
        self,
        root: str | os.PathLike,
        token: str,
        port: int = 0,
        host: str = "127.0.0.1",
        load_timeout: float = LOAD_TIMEOUT_S,
        hello_timeout: float = HELLO_TIMEOUT_S,
        max_connections: int = MAX_CONNECTIONS,
    ):
        if not token:
            raise ValueError("the agent needs a token")
        self.root = Path(root).resolve()
        self.token = token
        self.host = host
        self.requested_port = port
        self.load_timeout = load_timeout
        self.hello_timeout = hello_timeout
        self.max_connections = max_connections
        self.port: int | None = None
        self._listener: socket.socket | None = None
        self._watchdog: watchdog.Watchdog | None = None
        self._stopped = threading.Event()
        self._sessions: set[Session] = set()
        self._lock = threading.Lock()
        self._facts = None

    @property
    def facts(self):
        if self._facts is None:
            self._facts = capabilities.device_facts()
        return self._facts

    def start(self) -> int:
        """Bind and listen on the loopback; returns the port."""
        self.root.mkdir(parents=True, exist_ok=True)
        if self._watchdog is None:  # forked first, while the agent holds nothing else
            self._watchdog = watchdog.start()
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind((self.host, self.requested_port))
        listener.listen(LISTEN_BACKLOG)
        self._listener = listener
        self.port = listener.getsockname()[1]
        threading.Thread(target=self._accept_loop, daemon=True, name="agent-accept").start()
        log.info(
            "agent %s listening on %s:%d, root %s", __version__, self.host, self.port, self.root
        )
        return self.port

    def _accept_loop(self) -> None:
        """Accept until :meth:`close`; a failed accept (no descriptors left) is retried."""
        backoff = ACCEPT_BACKOFF_S[0]
        spare = _spare_descriptor()
        while not self._stopped.is_set():
            try:
                sock, _addr = self._listener.accept()
            except OSError as exc:
                if self._stopped.is_set():
                    break
                if exc.errno == errno.ECONNABORTED:  # that one is about one connection only
                    continue
                if exc.errno in (errno.EMFILE, errno.ENFILE) and spare is not None:
                    spare = self._shed(spare)
                    if spare is not None:
                        continue
                if backoff == ACCEPT_BACKOFF_S[0]:
                    log.warning("the agent cannot accept connections: %s", exc)
                self._stopped.wait(backoff)
                backoff = min(backoff * 2, ACCEPT_BACKOFF_S[1])
                spare = spare if spare is not None else _spare_descriptor()
                continue
            backoff = ACCEPT_BACKOFF_S[0]
            self._admit(sock)

    def _shed(self, spare: int) -> int | None:
        """Out of descriptors: refuse a waiting connection, so the backlog does not fill up.

        The spare descriptor makes room to accept it. Returns the spare again when one
        was refused, None when none was waiting (or the spare is lost).
        """
        os.close(spare)
        self._listener.settimeout(0.0)
        try:
            sock, _addr = self._listener.accept()
        except OSError:
            return None
        finally:
            self._listener.settimeout(None)
        _refuse(sock, "the agent has no file descriptors left; try again shortly")
        return _spare_descriptor()

    def _admit(self, sock: socket.socket) -> None:
        """Serve a new connection in its own thread, or refuse it when the cap is reached."""
        with self._lock:
            full = len(self._sessions) >= self.max_connections
        if full:
            _refuse(sock, f"the agent already has {self.max_connections} connections open")
            return
        try:
            session = Session(self, sock)
        except OSError:  # reset by the peer already
            sock.close()
            return
        with self._lock:
            self._sessions.add(session)
        try:
            threading.Thread(target=self._serve, args=(session,), daemon=True).start()
        except RuntimeError as exc:  # no thread can be started now
            log.warning("the agent cannot serve a connection: %s", exc)
            with self._lock:
                self._sessions.discard(session)
            session.channel.close()

    def _serve(self, session: Session) -> None:
        try:
            session.serve()
        except Exception:  # the last line of defence: a bug ends this connection only
            log.exception("agent session failed")
        finally:
            session.cleanup()
            with self._lock:
                self._sessions.discard(session)

    @property
    def connections(self) -> int:
        with self._lock:
            return len(self._sessions)

    def serve_forever(self, poll: float = 0.5, keep_running=None) -> None:
        """Block until :meth:`close` (or until ``keep_running()`` returns false)."""
        while not self._stopped.wait(poll):
            if keep_running is not None and not keep_running():
                break
        self.close()

    def close(self) -> None:
        self._stopped.set()
        if self._listener is not None:
            with contextlib.suppress(OSError):
                self._listener.close()
        with self._lock:
            sessions = list(self._sessions)
        for session in sessions:
            session.channel.close()
        if self._watchdog is not None:
            self._watchdog.close()

    def load_deadline(self, sock: socket.socket, request_id):
        """A context that ends the agent, after a ``load_timeout`` reply, when a load overruns."""
        if self._watchdog is None:
            return contextlib.nullcontext()
        frame = protocol.encode(
            protocol.error(
                protocol.E_LOAD_TIMEOUT,
                f"the model did not load within {self.load_timeout:g} s; the agent exits "
                "because a runaway load cannot be stopped",
                request_id,
            )
        )
        return self._watchdog.guard(sock, self.load_timeout, frame)


def _spare_descriptor() -> int | None:
    """A descriptor held in reserve, to refuse connections when none is left otherwise."""
    try:
        return os.open(os.devnull, os.O_RDONLY)
    except OSError:
        return None


def _refuse(sock: socket.socket, message: str) -> None:
    """Tell a connection beyond the cap why, without waiting for it, and close it."""
    with contextlib.suppress(OSError):
        sock.setblocking(False)
        sock.send(protocol.encode(protocol.error(protocol.E_TOO_MANY_CONNECTIONS, message)))
        with contextlib.suppress(BlockingIOError):
            sock.recv(65536)  # unread input would turn the close into a reset
        sock.shutdown(socket.SHUT_RDWR)
    sock.close()


@contextlib.contextmanager
def _pinned(applied: list[int] | None):
    """The calling thread on ``applied`` cores meanwhile (threads started then inherit them)."""
    if not applied:
        yield
        return
    before = os.sched_getaffinity(0)
    cores.pin_thread(applied)
    try:
        yield
    finally:
        os.sched_setaffinity(0, before)


def _pin_run(pinned: dict | None) -> list[int] | None:
    """Pin the calling (timed) thread as the load asked; the cores it may use, read back."""
    if pinned:
        return cores.pin_thread(pinned["applied"])
    return cores.thread_cores()


class Session:
    """One client connection: authentication, then requests, one loaded model at a time."""

    def __init__(self, server: AgentServer, sock: socket.socket):
        self.server = server
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.channel = Channel(sock, protocol.MAX_REQUEST_BYTES)
        self.authenticated = False
        self.runner = None
        self.loaded: dict | None = None
        self._run_thread: threading.Thread | None = None
        self._running = False  # from a run's start until just before its summary is sent
        self._sampler = None  # the run's telemetry.Sampler
        self._stop = threading.Event()
        self._closed = threading.Event()

    # ----- the request loop ------------------------------------------------------------

    def serve(self) -> None:
        hello_by = time.monotonic() + self.server.hello_timeout
        while True:
            try:
                message = self.channel.recv(None if self.authenticated else hello_by)
            except ProtocolError as exc:
                # before hello nothing is forgiven; after it, only a broken frame ends it
                if exc.fatal or not self.authenticated:
                    self._send_quietly(protocol.error(exc.code, exc.message, fatal=True))
                    return
                if not self._send(protocol.error(exc.code, exc.message)):
                    return
                continue
            except TimeoutError:  # only hello has a deadline
                self._send_quietly(
                    protocol.error(
                        protocol.E_UNAUTHENTICATED,
                        f"no hello within {self.server.hello_timeout:g} s",
                    )
                )
                return
            except (ConnectionClosed, OSError):
                return
            if not self.authenticated:
                self.channel.sock.settimeout(None)  # the deadline was for the hello frame only
                if not self._hello(message):
                    return
                continue
            if not self._answer(message):
                return

    def _answer(self, message: dict) -> bool:
        """Handle one request; False when the connection is gone."""
        try:
            self._dispatch(message)
            return True
        except RequestError as exc:
            doc = protocol.error(exc.code, exc.message, message.get("id"))
        except Exception as exc:  # a bug: this request fails, the connection stays
            if not isinstance(exc, OSError):  # (that may be the connection itself failing)
                log.exception("the agent failed to handle a %s request", message["type"][:40])
            doc = protocol.error(protocol.E_INTERNAL, _first_line(exc), message.get("id"))
        return self._send(doc)

    def _send(self, doc: dict) -> bool:
        """Send a reply; False when the connection is gone."""
        try:
            self.channel.send(doc)
        except OSError:
            return False
        return True

    def _hello(self, message: dict) -> bool:
        request_id = message.get("id")
        if message.get("type") != protocol.HELLO:
            self._send_quietly(
                protocol.error(
                    protocol.E_UNAUTHENTICATED, "the first message must be hello", request_id
                )
            )
            return False
        version = message.get("protocol")
        if version != protocol.PROTOCOL_VERSION:
            self._send_quietly(
                protocol.error(
                    protocol.E_PROTOCOL,
                    f"this agent speaks protocol {protocol.PROTOCOL_VERSION}, not {version!r:.40}",
                    request_id,
                )
            )
            return False
        token = message.get("token")
        if not isinstance(token, str) or not hmac.compare_digest(
            token.encode("utf-8", "replace"), self.server.token.encode("utf-8")
        ):
            self._send_quietly(
                protocol.error(protocol.E_UNAUTHENTICATED, "wrong token", request_id)
            )
            return False
        self.authenticated = True
        with_operators = message.get("operators", True) is not False
        reply = {
            "type": protocol.CAPABILITIES,
            "protocol": protocol.PROTOCOL_VERSION,
            "agent_version": __version__,
            "runtimes": capabilities.runtimes(with_operators),
            "device": self.server.facts.to_dict(),
            "cpu_count": os.cpu_count(),
            "machine": platform.machine(),
            "pid": os.getpid(),
            "clock": "monotonic",
            "hello_timeout_s": self.server.hello_timeout,
            "max_connections": self.server.max_connections,
            "load_timeout_s": self.server.load_timeout,
        }
        if request_id is not None:
            reply["id"] = request_id
        self.channel.send(reply)
        return True

    def _dispatch(self, message: dict) -> None:
        kind = message["type"]
        handler = {
            protocol.HELLO: self._hello_again,
            protocol.LOAD: self._load,
            protocol.RUN: self._run,
            protocol.STOP: self._stop_run,
            protocol.UNLOAD: self._unload,
            protocol.TELEMETRY: self._telemetry,
            protocol.PING: self._ping,
            protocol.INFER: self._infer,
        }.get(kind)
        if handler is None:
            raise RequestError(protocol.E_UNKNOWN_TYPE, f"unknown message type {kind[:80]!r}")
        handler(message)

    def _reply(self, message: dict, doc: dict) -> None:
        if message.get("id") is not None:
            doc["id"] = message["id"]
        self.channel.send(doc)

    def _send_quietly(self, doc: dict) -> None:
        """The last words before closing: a peer that reads nothing is not waited for."""
        with contextlib.suppress(OSError):
            self.channel.sock.settimeout(1.0)
            self.channel.send(doc)

    @property
    def running(self) -> bool:
        return self._running

    def _not_running(self, what: str) -> None:
        if self.running:
            raise RequestError(protocol.E_BUSY, f"cannot {what} while a run is going on; stop it")

    # ----- requests ---------------------------------------------------------------------

    def _hello_again(self, message: dict) -> None:
        raise RequestError(protocol.E_BAD_REQUEST, "already authenticated")

    def _ping(self, message: dict) -> None:
        self._reply(message, {"type": protocol.PONG, "t_us": time.perf_counter_ns() // 1000})

    def _resolve(self, value) -> Path:
        if not isinstance(value, str) or not value or "\0" in value:
            raise RequestError(protocol.E_BAD_REQUEST, "'path' must be a non-empty string")
        root = self.server.root
        try:
            path = (root / value).resolve()
            inside = path == root or root in path.parents
            found = inside and path.is_file()
        except (OSError, RuntimeError) as exc:  # a name too long, a loop of links
            raise RequestError(protocol.E_BAD_REQUEST, f"'path' cannot be used ({exc})") from None
        if not inside:
            raise RequestError(
                protocol.E_OUTSIDE_ROOT, f"{value[:200]} is outside the agent's folder {root}"
            )
        if not found:
            raise RequestError(protocol.E_NOT_FOUND, f"there is no file {value[:200]} in {root}")
        return path

    def _load(self, message: dict) -> None:
        from studio.runtimes import RUNTIMES, runner_class, runtime_for

        self._not_running("load")
        path = self._resolve(message.get("path"))
        runtime = message.get("runtime") or "auto"
        threads = message.get("threads")
        if threads is not None and (
            not isinstance(threads, int) or isinstance(threads, bool) or not 0 < threads <= 256
        ):
            raise RequestError(protocol.E_BAD_REQUEST, "'threads' must be an integer 1..256")
        pinned = self._cores(message.get("cores"))
        if not isinstance(runtime, str) or (
            runtime != "auto" and runtime not in capabilities.AGENT_RUNTIMES
        ):
            raise RequestError(
                protocol.E_BAD_REQUEST,
                f"unknown runtime {runtime!r}; this agent has "
                f"{', '.join(r for r in capabilities.AGENT_RUNTIMES if r in RUNTIMES)}",
            )
        self._close_runner()
        started = time.perf_counter()
        try:
            with (
                self.server.load_deadline(self.channel.sock, message.get("id")),
                _pinned(pinned and pinned["applied"]),
            ):
                name = runtime_for(path) if runtime == "auto" else runtime
                runner = runner_class(name).open(path, threads)
                inputs = [t.to_dict() for t in runner.inputs]
        except Exception as exc:
            raise RequestError(protocol.E_LOAD_FAILED, _first_line(exc)) from None
        load_ms = (time.perf_counter() - started) * 1000.0
        self.runner = runner
        self.loaded = {
            "type": protocol.LOADED,
            "path": str(path.relative_to(self.server.root)),
            "runtime": name,
            "runtime_version": capabilities.runtime_version(name),
            "threads": threads,
            "load_ms": round(load_ms, 3),
            "size_bytes": path.stat().st_size,
            "inputs": inputs,
        }
        if pinned:
            self.loaded["cores"] = pinned
        self._reply(message, dict(self.loaded))

    def _cores(self, value) -> dict | None:
        """A load's ``cores``: what was asked and the cores the agent pins to for it."""
        if value is None:
            return None
        if (
            not isinstance(value, list)
            or not value
            or not all(
                isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= cores.MAX_CORE
                for c in value
            )
        ):
            raise RequestError(protocol.E_BAD_REQUEST, "'cores' must be a list of core numbers")
        if not cores.can_pin():
            raise RequestError(protocol.E_BAD_REQUEST, "this agent cannot pin threads to cores")
        virtual = bool(self.server.facts.virtual)
        try:
            applied = cores.map_cores(value, virtual)
        except ValueError as exc:
            raise RequestError(protocol.E_BAD_REQUEST, str(exc)) from None
        requested = sorted(set(value))
        return {"requested": requested, "applied": applied, "mapped": applied != requested}

    def _unload(self, message: dict) -> None:
        self._not_running("unload")
        was = self.loaded is not None
        self._close_runner()
        self._reply(message, {"type": protocol.UNLOADED, "was_loaded": was})

    def _close_runner(self) -> None:
        runner, self.runner, self.loaded = self.runner, None, None
        if runner is not None:
            with contextlib.suppress(Exception):
                runner.close()

    def _telemetry(self, message: dict) -> None:
        doc = {"type": protocol.TELEMETRY, "t_us": time.perf_counter_ns() // 1000}
        doc.update(capabilities.telemetry(self.server.facts))
        self._reply(message, doc)

    def _stop_run(self, message: dict) -> None:
        running = self.running
        # the reply goes out first, so that the run's summary always follows it
        self._reply(message, {"type": protocol.STOPPING, "running": running})
        self._stop.set()

    def _infer(self, message: dict) -> None:
        """Run each sample of a pushed inputs file once and stream its outputs back."""
        from studio.agent import infer

        self._not_running("infer")
        if self.runner is None:
            raise RequestError(protocol.E_NOT_LOADED, "load a model first")
        path = self._resolve(message.get("path"))
        try:
            with np.load(path, allow_pickle=False) as archive:
                samples = infer.read_inputs(archive)
        except infer.InferInputError as exc:
            raise RequestError(protocol.E_BAD_REQUEST, str(exc)) from None
        except Exception as exc:
            raise RequestError(
                protocol.E_BAD_REQUEST, f"{path.name} is not a .npz tensor file ({exc})"
            ) from None
        wrong = infer.wrong_dtype(samples[0], [t.dtype for t in self.runner.inputs])
        if wrong:
            raise RequestError(protocol.E_BAD_REQUEST, wrong)
        request_id, times, count = message.get("id"), [], 0
        for i, sample in enumerate(samples):
            started = time.perf_counter()
            try:
                outputs = self.runner.infer(sample)
            except InputError as exc:
                raise RequestError(protocol.E_BAD_REQUEST, exc.message) from None
            except Exception as exc:
                raise RequestError(protocol.E_RUN_FAILED, _first_line(exc)) from None
            times.append(round((time.perf_counter() - started) * 1000.0, 3))
            size = infer.output_bytes(outputs)
            if size > infer.MAX_SAMPLE_OUTPUT_BYTES:
                raise RequestError(
                    protocol.E_OUTPUT_TOO_LARGE,
                    f"sample {i}'s outputs are {size} bytes, above the limit of "
                    f"{infer.MAX_SAMPLE_OUTPUT_BYTES}",
                )
            count = len(outputs)
            for frame in infer.output_frames(i, outputs):
                self._reply(message, {"type": protocol.INFER_OUTPUT, **frame})
        done = {"type": protocol.INFERRED, "samples": len(samples), "outputs": count}
        self._reply({"id": request_id}, {**done, "infer_ms": times})

    # ----- runs -------------------------------------------------------------------------

    def _number(self, message: dict, key: str, kind, low, high, default=None):
        value = message.get(key, default)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise RequestError(protocol.E_BAD_REQUEST, f"'{key}' must be a number")
        # the range first: int() of an infinity and float() of a huge integer raise
        if isinstance(value, float) and not math.isfinite(value) or not low <= value <= high:
            raise RequestError(protocol.E_BAD_REQUEST, f"'{key}' must be between {low} and {high}")
        if kind is int and value != int(value):
            raise RequestError(protocol.E_BAD_REQUEST, f"'{key}' must be a whole number")
        return kind(value)

    def _run(self, message: dict) -> None:
        self._not_running("start another run")
        if self.runner is None:
            raise RequestError(protocol.E_NOT_LOADED, "load a model first")
        warmup = self._number(message, "warmup", int, 0, MAX_WARMUP, 0)
        iterations = self._number(message, "iterations", int, 1, MAX_ITERATIONS)
        duration = self._number(message, "duration_s", float, 0.001, MAX_DURATION_S)
        if (iterations is None) == (duration is None):
            raise RequestError(protocol.E_BAD_REQUEST, "give exactly one of iterations, duration_s")
        inputs = self._inputs(message.get("inputs") or {"source": "random"})
        observe = self._telemetry_plan(message.get("telemetry"))
        self._stop.clear()
        plan = {"warmup": warmup, "iterations": iterations, "duration_s": duration}
        self._sampler = None
        if observe is not None:
            self._sampler = telemetry.Sampler(
                telemetry.sensors(self.server.facts),
                self.channel.send,
                observe["interval_s"],
                observe["baseline_s"],
            )
            observe.update(self._sampler.sensors.describe())
        self._reply(
            message,
            {
                "type": protocol.STARTED,
                **plan,
                "inputs": [{"shape": list(a.shape), "dtype": str(a.dtype)} for a in inputs],
                **({"telemetry": observe} if observe is not None else {}),
            },
        )
        self._running = True
        self._run_thread = threading.Thread(
            target=self._run_observed,
            args=(message.get("id"), plan, inputs, observe),
            daemon=True,
        )
        self._run_thread.start()

    def _telemetry_plan(self, value) -> dict | None:
        """A run's ``telemetry``: false for none, else its sampling interval and idle baseline."""
        if value is False:
            return None
        if value is None or value is True:
            value = {}
        if not isinstance(value, dict):
            raise RequestError(protocol.E_BAD_REQUEST, "'telemetry' must be an object or false")
        low, high = telemetry.MIN_INTERVAL_S, telemetry.MAX_INTERVAL_S
        interval = self._number(value, "interval_s", float, low, high, telemetry.INTERVAL_S)
        baseline = self._number(value, "baseline_s", float, 0.0, telemetry.MAX_BASELINE_S, 0.0)
        return {"interval_s": interval, "baseline_s": baseline}

    def _run_observed(self, request_id, plan: dict, inputs: list[np.ndarray], observe) -> None:
        """The run with its telemetry: the idle baseline sampled first, then the timed run."""
        sampler = self._sampler
        try:
            if sampler is not None:
                sampler.start()
                if observe["baseline_s"] > 0:
                    self._stop.wait(observe["baseline_s"])
                sampler.loaded()
            self._run_loop(request_id, plan, inputs)
        finally:
            self._end_sampling()

    def _end_sampling(self) -> None:
        """Stop the run's sampler (so no sample follows the summary); idempotent."""
        sampler, self._sampler = self._sampler, None
        if sampler is not None:
            sampler.finish()

    def _inputs(self, spec) -> list[np.ndarray]:
        if not isinstance(spec, dict):
            raise RequestError(protocol.E_BAD_REQUEST, "'inputs' must be an object")
        source = spec.get("source", "random")
        if source == "file":
            return self._file_inputs(spec.get("path"))
        if source != "random":
            raise RequestError(protocol.E_BAD_REQUEST, "inputs 'source' is 'random' or 'file'")
        from studio.model.inputs import UnknownShape, random_inputs, runner_spec

        seed = spec.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool) or not 0 <= seed <= MAX_SEED:
            raise RequestError(protocol.E_BAD_REQUEST, "'seed' must be an integer 0..2**64-1")
        shapes = spec.get("shapes")
        if shapes is not None and (
            not isinstance(shapes, list)
            or not all(
                isinstance(s, list) and all(isinstance(d, int) and 0 < d < 1 << 20 for d in s)
                for s in shapes
            )
        ):
            raise RequestError(protocol.E_BAD_REQUEST, "'shapes' must be lists of sizes")
        try:
            inputs = runner_spec(self.runner.inputs, shapes)
        except UnknownShape:
            raise RequestError(
                protocol.E_BAD_REQUEST,
                "the model does not record its input shapes; give inputs 'shapes'",
            ) from None
        except InputError as exc:
            raise RequestError(protocol.E_BAD_REQUEST, f"cannot make inputs ({exc})") from None
        if sum(math.prod(t.shape) for t in inputs.tensors) > 1 << 28:  # exact: no int64 overflow
            raise RequestError(protocol.E_BAD_REQUEST, "the inputs are too large")
        try:
            return random_inputs(inputs, 1, seed).inputs[0]
        except (TypeError, ValueError) as exc:
            raise RequestError(protocol.E_BAD_REQUEST, f"cannot make inputs ({exc})") from None

    def _file_inputs(self, value) -> list[np.ndarray]:
        path = self._resolve(value)
        try:
            if path.suffix == ".npz":
                with np.load(path, allow_pickle=False) as archive:
                    return [archive[name] for name in archive.files]
            return [np.load(path, allow_pickle=False)]
        except Exception as exc:
            raise RequestError(
                protocol.E_BAD_REQUEST, f"{path.name} is not a .npy/.npz tensor file ({exc})"
            ) from None

    def _run_loop(self, request_id, plan: dict, inputs: list[np.ndarray]) -> None:
        """Time the run on this thread; a :class:`~studio.agent.timing.Sender` streams it.

        Between the clock reads there is only ``infer``; around them two integers go
        into preallocated arrays and the count of complete samples is published
        (:mod:`studio.agent.timing`). The collector is paused for the whole run.
        """
        infer = self.runner.infer
        clock = time.perf_counter_ns
        stop = self._stop
        buffer = SampleBuffer()
        # started before this thread is pinned, so it does not compete for the run's cores
        sender = Sender(buffer, self.channel.send, lambda: clock() // 1000, stop)
        sender.start()
        error = allowed = None
        run_started = measure_started = clock()
        with timing.collector_paused():
            try:
                allowed = _pin_run(self.loaded.get("cores"))
                for _ in range(plan["warmup"]):
                    if stop.is_set():
                        break
                    infer(inputs)
                iterations, duration = plan["iterations"], plan["duration_s"]
                deadline = None if duration is None else clock() + int(duration * 1e9)
                limit = NO_LIMIT if iterations is None else iterations
                size = buffer.block_rows
                starts, ends = buffer.blocks[0]
                index = pos = 0
                measure_started = clock()
                while index < limit and not stop.is_set():
                    start = clock()
                    infer(inputs)
                    end = clock()
                    starts[pos] = start
                    ends[pos] = end
                    index += 1
                    buffer.count = index
                    pos += 1
                    if pos == size:
                        starts, ends = buffer.next_block()
                        pos = 0
                    if deadline is not None and end >= deadline:
                        break
            except Exception as exc:
                error = _first_line(exc)
            measure_ended = clock()
        self._end_sampling()
        if not sender.finish():
            self._running = False
            return  # the client is gone
        try:
            values = buffer.latencies_us()
            span_us = (measure_ended - measure_started) / 1000.0 if len(values) else 0.0
            summary = {
                "type": protocol.SUMMARY,
                "count": len(values),
                "warmup": plan["warmup"],
                "stopped": stop.is_set(),
                "elapsed_s": round((measure_ended - run_started) / 1e9, 6),
                "stats": compute(values, span_us).to_dict(),
            }
            if allowed is not None:
                summary["cores"] = allowed
            if error:
                summary["error"] = error
                self.channel.send(protocol.error(protocol.E_RUN_FAILED, error, request_id))
            if request_id is not None:
                summary["id"] = request_id
            self._running = False
            self.channel.send(summary)
        except OSError:
            pass
        finally:
            self._running = False

    # ----- end of the connection ----------------------------------------------------------

    def cleanup(self) -> None:
        self._stop.set()
        self.channel.close()
        thread = self._run_thread
        if thread is not None:
            thread.join(timeout=30)
        self._close_runner()
