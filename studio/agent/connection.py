"""A connection to an agent: the framed, authenticated protocol of ``docs/agent-protocol.md``.

    with AgentConnection("127.0.0.1", port, token) as conn:
        conn.capabilities            # the agent's hello reply
        conn.load("model.pte"); conn.run(on_rows, iterations=100)

Every request has a deadline and a run has a liveness bound; an ``error`` reply becomes
the matching :class:`~studio.errors.StudioError`.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import time
from collections.abc import Callable

import numpy as np

from studio.agent import protocol
from studio.agent.protocol import Channel, ConnectionClosed, ProtocolError
from studio.errors import AgentError, InputError, ModelFileError

log = logging.getLogger("studio.agent")

CONNECT_TIMEOUT = 10.0
REQUEST_TIMEOUT = 120.0  # a load or a first description of the runtimes can take a while
LOAD_TIMEOUT_MARGIN = 30.0  # waited beyond the agent's own load deadline for its reply
LIVENESS_TIMEOUT = 5.0  # during a run the agent sends something at least every 0.5 s


# error code -> (the StudioError it becomes, what the message says, the hint)
_REPLY_ERRORS = {
    protocol.E_LOAD_FAILED: (
        ModelFileError,
        "The agent could not load the model",
        "check the file converts and verifies on this computer",
    ),
    protocol.E_NOT_FOUND: (InputError, "The agent refused the request", None),
    protocol.E_OUTSIDE_ROOT: (InputError, "The agent refused the request", None),
    protocol.E_BAD_REQUEST: (InputError, "The agent refused the request", None),
    protocol.E_UNAUTHENTICATED: (
        AgentError,
        "The agent refused the connection",
        "another studio may have started it; stop it and try again",
    ),
    protocol.E_PROTOCOL: (
        AgentError,
        "The agent speaks another protocol version",
        "update the agent on the phone (and the studio)",
    ),
    protocol.E_LOAD_TIMEOUT: (
        AgentError,
        "The model took too long to load on the device",
        "check that the model loads on this computer; the next run starts a new agent",
    ),
    protocol.E_TOO_MANY_CONNECTIONS: (
        AgentError,
        "The agent is busy with other connections",
        "wait for other benchmarks on this device to finish, then try again",
    ),
}


def _raise_for(reply: dict) -> None:
    """Turn an ``error`` reply into the matching StudioError."""
    code, message = reply.get("code"), reply.get("message") or "no message"
    known = _REPLY_ERRORS.get(code) if isinstance(code, str) else None
    if known is None:
        raise AgentError(f"The agent reported an error ({code}): {message}")
    kind, what, hint = known
    raise kind(f"{what}: {message}", hint=hint)


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

    def load(
        self,
        path: str,
        runtime: str = "auto",
        threads: int | None = None,
        cores: list[int] | None = None,
    ) -> dict:
        message = {"type": protocol.LOAD, "path": path, "runtime": runtime}
        if threads:
            message["threads"] = int(threads)
        if cores:
            message["cores"] = [int(c) for c in cores]
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
        telemetry: dict | None = None,
        on_telemetry: Callable[[dict, dict], None] | None = None,
    ) -> dict:
        """Run and stream: ``on_rows`` gets arrays of [index, latency_us, t_us] rows.

        ``telemetry`` asks for the run's sensor samples (``interval_s``, ``baseline_s``);
        ``on_telemetry(sample, observed)`` gets each as it arrives, with what the agent
        samples (``clusters``, ``zones``, ``simulated``). Returns the summary, with
        ``summary["telemetry"]`` (what the agent samples and the ``samples``) when the
        agent sampled. A lost or silent agent raises AgentError; the rows delivered before
        stay delivered.
        """
        message = {"type": protocol.RUN, "warmup": int(warmup), "inputs": inputs or {}}
        if iterations is not None:
            message["iterations"] = int(iterations)
        if duration_s is not None:
            message["duration_s"] = float(duration_s)
        if telemetry is not None:
            message["telemetry"] = telemetry
        started = self.request(message, protocol.STARTED, CONNECT_TIMEOUT)
        observed = started.get("telemetry")
        sensed: list[dict] = []
        run_error = None
        while True:
            reply = self._recv(liveness)
            kind = reply["type"]
            if kind == protocol.SAMPLES:
                rows = np.asarray(reply.get("samples") or [], dtype=np.float64).reshape(-1, 3)
                if len(rows):
                    on_rows(rows)
            elif kind == protocol.TELEMETRY_SAMPLE:
                sample = {k: v for k, v in reply.items() if k != "type"}
                sensed.append(sample)
                if on_telemetry is not None and isinstance(observed, dict):
                    on_telemetry(sample, observed)
            elif kind == protocol.SUMMARY:
                if run_error is not None:
                    reply.setdefault("error", run_error)
                if isinstance(observed, dict):
                    reply["telemetry"] = {**observed, "samples": sensed}
                return reply
            elif kind == protocol.ERROR:
                if reply.get("code") != protocol.E_RUN_FAILED:
                    _raise_for(reply)
                run_error = reply.get("message")

    def infer(self, path: str, timeout: float = REQUEST_TIMEOUT) -> tuple[list, dict]:
        """Run each sample of a pushed inputs file (:mod:`studio.agent.infer`) once.

        Returns each sample's outputs (a list of arrays each) and the ``inferred`` reply;
        ``timeout`` bounds the wait for each frame. Errors are raised.
        """
        from studio.agent.infer import Assembler

        self.send({"type": protocol.INFER, "path": path})
        assembler = Assembler()
        while True:
            reply = self._recv(timeout)
            kind = reply["type"]
            if kind == protocol.ERROR:
                _raise_for(reply)
            elif kind == protocol.INFER_OUTPUT:
                try:
                    assembler.add(reply)
                except ValueError as exc:
                    raise AgentError(f"The agent sent bad outputs: {exc}") from None
            elif kind == protocol.INFERRED:
                try:
                    outputs = assembler.outputs(int(reply["samples"]), int(reply["outputs"]))
                except (KeyError, TypeError, ValueError) as exc:
                    raise AgentError(f"The agent sent bad outputs: {exc}") from None
                return outputs, reply

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


def connect_with_retry(local_port: int, token: str, timeout: float) -> AgentConnection:
    deadline = time.monotonic() + timeout
    while True:
        try:
            return AgentConnection("127.0.0.1", local_port, token)
        except AgentError:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)
