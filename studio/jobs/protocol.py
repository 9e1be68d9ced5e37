"""The worker's JSON-lines protocol: one object per line in each direction.

Requests (GUI → worker)::

    {"id": 7, "job": "inspect", "params": {...}}
    {"cancel": 7}                      ask job 7 to stop at its next safe point

Replies (worker → GUI)::

    {"id": 7, "event": "progress", "stage": "...", "fraction": 0.5, "message": "...", ...}
    {"id": 7, "event": "result", "result": {...}}
    {"id": 7, "event": "error", "error": StudioError.to_dict()}
    {"event": "ready", "pid": 1234}    once, when the worker can take requests
    {"event": "heartbeat"}             every HEARTBEAT_S seconds, busy or idle

The heartbeat comes from a thread of its own and stops when the jobs thread is gone, so
silence means the worker is dead, stopped (SIGSTOP) or stuck in native code that holds
the interpreter; a long job that is still running keeps it coming. The window replaces a
worker it has not heard from for a few seconds.
"""

from __future__ import annotations

import json

from studio.errors import as_studio_error

PROGRESS = "progress"
RESULT = "result"
ERROR = "error"
READY = "ready"
HEARTBEAT = "heartbeat"

HEARTBEAT_S = 1.0


def encode(message: dict) -> bytes:
    """One message as a UTF-8 line."""
    return (json.dumps(message, default=str, separators=(",", ":")) + "\n").encode("utf-8")


def decode(line: bytes | str) -> dict:
    """Parse one line; raise ValueError when it is not a JSON object."""
    if isinstance(line, bytes):
        line = line.decode("utf-8", errors="replace")
    value = json.loads(line)
    if not isinstance(value, dict):
        raise ValueError("a message must be a JSON object")
    return value


def request(job_id: int, job: str, params: dict | None = None) -> dict:
    return {"id": job_id, "job": job, "params": params or {}}


def error_dict(exc: BaseException) -> dict:
    """A StudioError as it is, anything else as an internal error with the exception named."""
    return as_studio_error(exc).to_dict()
