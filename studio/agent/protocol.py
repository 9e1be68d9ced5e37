"""The agent protocol: framed JSON messages between the studio and the on-device agent.

A frame is a 4-byte big-endian unsigned length followed by that many bytes of UTF-8
JSON, which must be an object with a string ``type``. The agent reads frames of at
most :data:`MAX_REQUEST_BYTES`; the studio accepts replies up to
:data:`MAX_REPLY_BYTES` (capabilities carry operator lists). The first frame on a
connection must be ``hello`` with the protocol version and the token the agent was
started with. See ``docs/agent-protocol.md`` for every message.
"""

from __future__ import annotations

import json
import math
import re
import socket
import struct
import threading
import time

PROTOCOL_VERSION = 1
MAX_REQUEST_BYTES = 1 << 20  # what an agent accepts from a client
MAX_REPLY_BYTES = 64 << 20  # what a client accepts from an agent
HEADER = struct.Struct(">I")
MAX_ID_CHARS = 256  # a request ``id`` is an integer (64-bit) or a string up to this long
MAX_NUMBER_DIGITS = 100  # longer integer literals are refused before they are converted
MAX_NESTING = 64  # arrays and objects inside each other, at most

# Requests (client -> agent)
HELLO = "hello"
LOAD = "load"
RUN = "run"
STOP = "stop"
UNLOAD = "unload"
TELEMETRY = "telemetry"
PING = "ping"
INFER = "infer"  # run given inputs once each and return the outputs (studio.agent.infer)
REQUESTS = (HELLO, LOAD, RUN, STOP, UNLOAD, TELEMETRY, PING, INFER)

# Replies and events (agent -> client)
CAPABILITIES = "capabilities"
LOADED = "loaded"
STARTED = "started"
SAMPLES = "samples"  # a batch of sample events: [[index, latency_us, t_us], ...]
HEARTBEAT = "heartbeat"
TELEMETRY_SAMPLE = "telemetry_sample"  # during a run: CPU frequencies, temperatures, battery
SUMMARY = "summary"
STOPPING = "stopping"
UNLOADED = "unloaded"
PONG = "pong"
INFER_OUTPUT = "infer_output"  # a chunk of one output of one sample of an infer request
INFERRED = "inferred"  # an infer request is done: samples, outputs, infer_ms
ERROR = "error"

# Error codes (``error`` replies). Fatal ones end the connection.
E_BAD_FRAME = "bad_frame"  # not JSON, not an object, no type (fatal)
E_TOO_LARGE = "too_large"  # a frame above the size limit (fatal)
E_UNAUTHENTICATED = "unauthenticated"  # no hello first or in time, or a wrong token (fatal)
E_PROTOCOL = "protocol_version"  # a protocol version the agent does not speak (fatal)
E_TOO_MANY_CONNECTIONS = "too_many_connections"  # the agent's connection cap is reached (fatal)
E_LOAD_TIMEOUT = "load_timeout"  # a load overran its deadline; the agent exits (fatal)
E_UNKNOWN_TYPE = "unknown_type"
E_BAD_REQUEST = "bad_request"  # a field missing or of the wrong type, a number not finite
E_NOT_FOUND = "not_found"  # a path that does not exist under the agent's root
E_OUTSIDE_ROOT = "outside_root"  # a path that leaves the agent's root
E_LOAD_FAILED = "load_failed"  # the runtime could not load the model
E_NOT_LOADED = "not_loaded"  # run before load
E_BUSY = "busy"  # load/run/unload while a run is going on
E_RUN_FAILED = "run_failed"  # an inference raised
E_OUTPUT_TOO_LARGE = "output_too_large"  # an infer sample's outputs exceed the agent's limit
E_INTERNAL = "internal"
FATAL_ERRORS = (
    E_BAD_FRAME,
    E_TOO_LARGE,
    E_UNAUTHENTICATED,
    E_PROTOCOL,
    E_TOO_MANY_CONNECTIONS,
    E_LOAD_TIMEOUT,
)

# Sample rows in a ``samples`` frame
SAMPLE_FIELDS = ("index", "latency_us", "t_us")


class ProtocolError(Exception):
    """A frame that breaks the protocol; ``code`` is one of the error codes above."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message

    @property
    def fatal(self) -> bool:
        return self.code in FATAL_ERRORS


class _BadNumber(Exception):
    """Raised from inside the JSON parser for a number the protocol does not carry."""


def _refuse_constant(name: str):
    raise _BadNumber(f"{name} is not a number the protocol accepts; numbers must be finite")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _BadNumber(f"{text[:40]} is out of range; numbers must be finite")
    return value


def _bounded_int(text: str) -> int:
    if len(text) > MAX_NUMBER_DIGITS:
        raise _BadNumber(f"an integer of {len(text)} digits is out of range")
    return int(text)


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_BRACKETS = bytes(range(256)).translate(None, b"[]{}")  # every byte but the brackets


def _nesting(body: bytes) -> int:
    """How deep arrays and objects nest in a JSON text (brackets inside strings aside)."""
    depth = deepest = 0
    for byte in _STRING.sub(b"", body).translate(None, _BRACKETS):
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def valid_id(value) -> bool:
    """A request id: absent (None), a 64-bit integer, or a string of at most MAX_ID_CHARS."""
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -(1 << 63) <= value < 1 << 63
    return isinstance(value, str) and len(value) <= MAX_ID_CHARS


class ConnectionClosed(Exception):
    """The other side closed the connection (cleanly between frames, or mid-frame)."""


def encode(message: dict) -> bytes:
    """One frame: length prefix and compact JSON."""
    body = json.dumps(message, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return HEADER.pack(len(body)) + body


def decode(body: bytes) -> dict:
    """The message in a frame body; ProtocolError when it is not a typed JSON object.

    ``bad_frame`` (fatal) when the body is not a typed JSON object; ``bad_request``
    (not fatal: the frame's boundary is intact) for a number that is not finite
    (NaN, Infinity, 1e400) or too long, nesting deeper than :data:`MAX_NESTING`, or an
    ``id`` that is not an integer or a short string.
    """
    # a bound that does not depend on the interpreter's recursion limit or stack size
    if body.count(b"[") + body.count(b"{") > MAX_NESTING and _nesting(body) > MAX_NESTING:
        raise ProtocolError(E_BAD_REQUEST, f"the message nests deeper than {MAX_NESTING} levels")
    try:
        message = json.loads(
            body.decode("utf-8"),
            parse_constant=_refuse_constant,
            parse_float=_finite_float,
            parse_int=_bounded_int,
        )
    except _BadNumber as exc:
        raise ProtocolError(E_BAD_REQUEST, str(exc)) from None
    except RecursionError:
        raise ProtocolError(E_BAD_REQUEST, "the message nests too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise ProtocolError(E_BAD_FRAME, f"the frame is not UTF-8 JSON ({exc})") from None
    if not isinstance(message, dict):
        raise ProtocolError(E_BAD_FRAME, "the frame is not a JSON object")
    if not isinstance(message.get("type"), str):
        raise ProtocolError(E_BAD_FRAME, "the message has no string 'type'")
    if not valid_id(message.get("id")):
        raise ProtocolError(
            E_BAD_REQUEST,
            f"'id' must be a 64-bit integer or a string of at most {MAX_ID_CHARS} characters",
        )
    return message


def error(code: str, message: str, request_id=None, fatal: bool | None = None) -> dict:
    """An ``error`` reply; ``fatal`` defaults to what the code means."""
    fatal = code in FATAL_ERRORS if fatal is None else fatal
    doc = {"type": ERROR, "code": code, "message": message, "fatal": fatal}
    if request_id is not None:
        doc["id"] = request_id
    return doc


class Channel:
    """Frames over a connected socket: ``send`` is thread-safe, ``recv`` is for one reader."""

    def __init__(self, sock: socket.socket, max_frame: int):
        self.sock = sock
        self.max_frame = max_frame
        self._send_lock = threading.Lock()
        self._buffer = bytearray()

    def send(self, message: dict) -> None:
        data = encode(message)
        with self._send_lock:
            self.sock.sendall(data)

    def _read(self, count: int, deadline: float | None) -> bytes:
        while len(self._buffer) < count:
            if deadline is not None:
                # after the deadline only what has already arrived is read, without waiting
                self.sock.settimeout(max(deadline - time.monotonic(), 0.0))
            try:
                chunk = self.sock.recv(max(65536, count - len(self._buffer)))
            except BlockingIOError:
                raise TimeoutError("the frame did not arrive in time") from None
            if not chunk:
                where = "mid-frame" if self._buffer else "between frames"
                raise ConnectionClosed(f"the connection closed {where}")
            self._buffer += chunk
        data = bytes(self._buffer[:count])
        del self._buffer[:count]
        return data

    def recv(self, deadline: float | None = None) -> dict:
        """The next message; ProtocolError for an oversized or malformed frame.

        With a ``deadline`` (``time.monotonic()``), the whole frame must arrive by then,
        else TimeoutError; without one the socket's own timeout applies to each read.
        """
        (length,) = HEADER.unpack(self._read(HEADER.size, deadline))
        if length > self.max_frame:
            raise ProtocolError(
                E_TOO_LARGE, f"a frame of {length} bytes exceeds the limit of {self.max_frame}"
            )
        return decode(self._read(length, deadline))

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
