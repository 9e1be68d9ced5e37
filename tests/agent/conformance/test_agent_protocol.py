"""Protocol conformance: what any Model Studio agent must do (see docs/agent-protocol.md).

Runs against a spawned local agent, or the agent named by MODEL_STUDIO_AGENT (conftest).
"""

from __future__ import annotations

import json
import random
import struct
import threading
import time

import numpy as np
import pytest

from studio.agent import protocol
from studio.compat.profiles import RuntimeProfile

SAMPLE_ROW = 3


def _ping_ok(wire) -> bool:
    w = wire()
    if w.hello()["type"] != "capabilities":
        return False
    return w.request({"type": "ping"})["type"] == "pong"


# ----- hello and authentication --------------------------------------------------------


def test_hello_describes_agent_runtimes_and_device(session, wire):
    w = wire()
    caps = w.hello()
    assert caps["type"] == "capabilities"
    assert caps["protocol"] == protocol.PROTOCOL_VERSION
    assert isinstance(caps["agent_version"], str) and caps["agent_version"]
    assert isinstance(caps["cpu_count"], int) and caps["cpu_count"] >= 1
    assert isinstance(caps["device"], dict)
    names = {r["name"]: r for r in caps["runtimes"]}
    assert "onnxruntime" in names
    for entry in caps["runtimes"]:
        assert set(entry) >= {"name", "version", "available", "suffixes", "profile"}
        if entry["available"]:
            assert isinstance(entry["version"], str) and entry["version"]


@pytest.mark.slow
def test_hello_with_operators_sends_runtime_profiles(wire):
    w = wire()
    caps = w.hello(operators=True)
    profiles = [RuntimeProfile.from_dict(r["profile"]) for r in caps["runtimes"] if r["profile"]]
    families = {p.family for p in profiles}
    assert "onnxruntime" in families
    ort = next(p for p in profiles if p.family == "onnxruntime")
    assert "ai.onnx:MatMul" in ort.operators
    assert ort.runtime_version == next(
        r["version"] for r in caps["runtimes"] if r["name"] == "onnxruntime"
    )


@pytest.mark.parametrize(
    "token", ["wrong", "", None, 12345], ids=["wrong", "empty", "null", "number"]
)
def test_wrong_token_is_refused_and_the_connection_ends(wire, token):
    w = wire()
    w.send({"type": "hello", "protocol": protocol.PROTOCOL_VERSION, "token": token})
    reply = w.recv()
    assert reply["type"] == "error"
    assert reply["code"] == protocol.E_UNAUTHENTICATED
    assert reply["fatal"] is True
    assert w.closed_by_peer()
    assert _ping_ok(wire)


def test_requests_before_hello_are_refused(wire):
    w = wire()
    reply = w.request({"type": "load", "path": "tiny.onnx"})
    assert reply["code"] == protocol.E_UNAUTHENTICATED
    assert w.closed_by_peer()


def test_another_protocol_version_is_refused(wire, agent_target):
    w = wire()
    reply = w.request({"type": "hello", "protocol": 999, "token": agent_target.token})
    assert reply["code"] == protocol.E_PROTOCOL
    assert w.closed_by_peer()


def test_capabilities_state_the_agent_limits(session, wire):
    caps = wire().hello()
    assert caps["hello_timeout_s"] > 0
    assert caps["load_timeout_s"] > 0
    assert isinstance(caps["max_connections"], int) and caps["max_connections"] >= 4


@pytest.mark.slow
@pytest.mark.parametrize("sent", [b"", struct.pack(">I", 40) + b'{"type"'], ids=["silent", "slow"])
def test_a_connection_without_hello_in_time_is_closed(wire, sent):
    limit = wire().hello()["hello_timeout_s"]
    w = wire()
    opened = time.monotonic()
    if sent:
        w.send_raw(sent)
    reply = w.recv(timeout=limit + 10)
    assert reply["type"] == "error" and reply["code"] == protocol.E_UNAUTHENTICATED
    assert reply["fatal"] is True
    assert w.closed_by_peer()
    assert time.monotonic() - opened < limit + 10
    assert _ping_ok(wire)


def test_connections_beyond_the_cap_are_refused_then_served_once_others_close(wire):
    held, cap = [], None  # authenticated, so that no hello deadline closes them meanwhile
    give_up = time.monotonic() + 30
    while True:
        w = wire()
        reply = w.hello()
        if reply["type"] == "capabilities":
            cap = reply["max_connections"]
            held.append(w)
            continue
        assert reply["type"] == "error" and reply["code"] == protocol.E_TOO_MANY_CONNECTIONS
        assert reply["fatal"] is True
        assert w.closed_by_peer()
        if len(held) >= cap or time.monotonic() > give_up:
            break
        time.sleep(0.05)  # connections of earlier tests may still be closing
    assert len(held) == cap
    for w in held:
        w.close()
    served_by = time.monotonic() + 10  # the agent notices the closed ones at once
    while not _ping_ok(wire):
        assert time.monotonic() < served_by
        time.sleep(0.05)


# ----- malformed frames ------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, code",
    [
        (b"not json", protocol.E_BAD_FRAME),
        (b"[1, 2, 3]", protocol.E_BAD_FRAME),
        (b'{"no": "type"}', protocol.E_BAD_FRAME),
        (b'{"type": 7}', protocol.E_BAD_FRAME),
        (b"\xff\xfe\xfd", protocol.E_BAD_FRAME),
    ],
    ids=["text", "array", "untyped", "number-type", "not-utf8"],
)
@pytest.mark.parametrize("authenticated", [False, True], ids=["before-hello", "after-hello"])
def test_malformed_frame_gets_error_and_ends_connection(wire, body, code, authenticated):
    w = wire()
    if authenticated:
        assert w.hello()["type"] == "capabilities"
    w.send_raw(struct.pack(">I", len(body)) + body)
    reply = w.recv()
    assert reply["type"] == "error" and reply["code"] == code and reply["fatal"]
    assert w.closed_by_peer()
    assert _ping_ok(wire)


DEEP = 100_000


@pytest.mark.parametrize(
    "body",
    [
        b'{"type": "run", "iterations": Infinity, "id": 1}',
        b'{"type": "run", "iterations": -Infinity, "id": 1}',
        b'{"type": "run", "duration_s": NaN, "id": 1}',
        b'{"type": "run", "iterations": 1e400, "id": 1}',
        b'{"type": "run", "iterations": ' + b"9" * 5000 + b', "id": 1}',
        b'{"type": "ping", "id": NaN}',
        b'{"type": "ping", "x": ' + b"[" * DEEP + b"]" * DEEP + b"}",
        b'{"type": "ping", "x": ' + b'{"a":' * DEEP + b"1" + b"}" * DEEP + b"}",
        b'{"type": "ping", "x": ' + b"[" * 64 + b"]" * 64 + b"}",
        b'{"type": "ping", "id": [1]}',
        b'{"type": "ping", "id": {"a": 1}}',
        b'{"type": "ping", "id": 1.5}',
        b'{"type": "ping", "id": true}',
        b'{"type": "ping", "id": 18446744073709551616}',
        b'{"type": "ping", "id": "' + b"x" * 5000 + b'"}',
    ],
    ids=[
        "infinity",
        "minus-infinity",
        "nan",
        "overflow",
        "huge-literal",
        "nan-id",
        "deep-array",
        "deep-object",
        "65-levels",
        "list-id",
        "object-id",
        "float-id",
        "bool-id",
        "huge-id",
        "long-id",
    ],
)
def test_unacceptable_values_are_bad_requests_and_the_connection_stays(session, body):
    session.send_raw(struct.pack(">I", len(body)) + body)
    reply = session.recv()
    assert reply["type"] == "error" and reply["code"] == protocol.E_BAD_REQUEST
    assert reply["fatal"] is False
    assert "id" not in reply
    pong = session.request({"type": "ping", "id": 2})
    assert pong["type"] == "pong" and pong["id"] == 2


def test_nesting_and_brackets_within_limits_are_fine(session):
    deep = {"type": "ping", "id": 3, "x": json.loads("[" * 63 + "]" * 63), "s": "[" * 500}
    assert session.request(deep)["type"] == "pong"


def test_unacceptable_values_before_hello_end_the_connection(wire):
    w = wire()
    body = b'{"type": "hello", "protocol": NaN}'
    w.send_raw(struct.pack(">I", len(body)) + body)
    reply = w.recv()
    assert reply["type"] == "error" and reply["code"] == protocol.E_BAD_REQUEST
    assert reply["fatal"] is True
    assert w.closed_by_peer()
    assert _ping_ok(wire)


def test_oversized_frame_is_refused_without_reading_it(wire):
    w = wire()
    assert w.hello()["type"] == "capabilities"
    w.send_raw(struct.pack(">I", protocol.MAX_REQUEST_BYTES + 1))
    reply = w.recv()
    assert reply["code"] == protocol.E_TOO_LARGE and reply["fatal"]
    assert w.closed_by_peer()


def test_unknown_message_type_is_an_error_but_the_connection_stays(session):
    reply = session.request({"type": "teleport", "id": 5})
    assert reply == {**reply, "type": "error", "code": protocol.E_UNKNOWN_TYPE, "id": 5}
    assert reply["fatal"] is False
    assert session.request({"type": "ping"})["type"] == "pong"


def test_fuzz_thousand_malformed_frames_leave_the_agent_serving(wire, agent_target):
    rng = random.Random(1234)
    kinds = ["garbage", "bad-json", "huge-length", "truncated", "after-hello"]
    for i in range(1000):
        kind = kinds[i % len(kinds)]
        w = wire()
        try:
            if kind == "garbage":
                w.send_raw(bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 64))))
            elif kind == "bad-json":
                body = json.dumps({"type": "hello"})[: rng.randint(1, 15)].encode()
                w.send_raw(struct.pack(">I", len(body)) + body)
            elif kind == "huge-length":
                w.send_raw(
                    struct.pack(">I", rng.randint(protocol.MAX_REQUEST_BYTES + 1, 2**32 - 1))
                )
            elif kind == "truncated":
                w.send_raw(struct.pack(">I", 50) + b'{"type": "hel')
            else:
                assert w.hello()["type"] == "capabilities"
                body = bytes(rng.getrandbits(8) for _ in range(rng.randint(1, 40)))
                w.send_raw(struct.pack(">I", len(body)) + body)
        except OSError:
            pass  # the agent may already have closed the connection: that is allowed
        w.close()
    assert agent_target.alive()
    assert _ping_ok(wire)


# ----- load, run, samples, summary ---------------------------------------------------------


def test_load_reports_time_and_input_metadata(session):
    reply = session.request({"type": "load", "path": "tiny.onnx", "threads": 1, "id": "a"})
    assert reply["type"] == "loaded" and reply["id"] == "a"
    assert reply["runtime"] == "onnxruntime"
    assert reply["load_ms"] > 0
    assert reply["inputs"] == [{"name": "x", "shape": [1, 64], "dtype": "float32"}]


def test_run_iterations_streams_every_sample_then_a_summary(session):
    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    summary, rows, _ = session.run_to_summary(
        {"type": "run", "warmup": 3, "iterations": 3000, "id": 9}
    )
    assert summary["count"] == 3000 and summary["stopped"] is False and summary["id"] == 9
    assert len(rows) == 3000
    assert all(len(r) == SAMPLE_ROW for r in rows)
    indexes = [r[0] for r in rows]
    assert indexes == list(range(3000))
    latencies = np.array([r[1] for r in rows])
    starts = np.array([r[2] for r in rows])
    assert (latencies > 0).all()
    assert (np.diff(starts) >= 0).all()
    stats = summary["stats"]
    assert stats["count"] == 3000
    assert stats["min_ms"] == pytest.approx(latencies.min() / 1e3, abs=1e-3)
    assert stats["max_ms"] == pytest.approx(latencies.max() / 1e3, abs=1e-3)
    assert stats["p50_ms"] == pytest.approx(np.percentile(latencies, 50) / 1e3, abs=1e-3)


def test_run_for_a_duration(session):
    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    summary, rows, _ = session.run_to_summary({"type": "run", "duration_s": 0.3})
    assert summary["count"] == len(rows) > 0
    assert summary["elapsed_s"] >= 0.3
    span_us = rows[-1][2] + rows[-1][1] - rows[0][2]
    assert span_us >= 0.29e6


def test_stop_ends_a_run_and_keeps_its_samples(session):
    assert session.request({"type": "load", "path": "slow.onnx"})["type"] == "loaded"
    assert session.request({"type": "run", "duration_s": 60})["type"] == "started"
    rows = []
    while not rows:
        reply = session.recv()
        if reply["type"] == "samples":
            rows.extend(reply["samples"])
    session.send({"type": "stop"})
    others = []
    while True:
        reply = session.recv()
        if reply["type"] == "samples":
            rows.extend(reply["samples"])
        elif reply["type"] == "summary":
            break
        else:
            others.append(reply)
    assert reply["stopped"] is True
    assert reply["count"] == len(rows)
    assert reply["elapsed_s"] < 30
    assert any(o["type"] == "stopping" and o["running"] for o in others)


def test_stop_when_idle_is_harmless(session):
    assert session.request({"type": "stop"}) == {"type": "stopping", "running": False}


def test_run_with_pushed_tensor_file(session):
    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    summary, rows, _ = session.run_to_summary(
        {"type": "run", "iterations": 5, "inputs": {"source": "file", "path": "inputs.npy"}}
    )
    assert summary["count"] == 5 == len(rows)


def test_busy_while_running_and_telemetry_answered(session):
    assert session.request({"type": "load", "path": "slow.onnx"})["type"] == "loaded"
    assert session.request({"type": "run", "duration_s": 60})["type"] == "started"
    session.send({"type": "load", "path": "tiny.onnx", "id": "busy"})
    session.send({"type": "telemetry", "id": "t"})
    seen = {}
    while len(seen) < 2:
        reply = session.recv()
        if reply.get("id") in ("busy", "t"):
            seen[reply["id"]] = reply
    assert seen["busy"]["code"] == protocol.E_BUSY
    telemetry = seen["t"]
    assert telemetry["type"] == "telemetry"
    assert set(telemetry) >= {
        "rss_bytes",
        "pss_bytes",
        "cpu_freq_khz",
        "cpu_temp_c",
        "battery_level",
    }
    session.send({"type": "stop"})
    while session.recv()["type"] != "summary":
        pass


def test_unload_then_run_needs_a_load(session):
    assert session.request({"type": "run", "iterations": 1})["code"] == protocol.E_NOT_LOADED
    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    assert session.request({"type": "unload"}) == {"type": "unloaded", "was_loaded": True}
    assert session.request({"type": "run", "iterations": 1})["code"] == protocol.E_NOT_LOADED


@pytest.mark.parametrize(
    "message, code",
    [
        ({"type": "load", "path": "missing.onnx"}, protocol.E_NOT_FOUND),
        ({"type": "load", "path": "../outside.onnx"}, protocol.E_OUTSIDE_ROOT),
        ({"type": "load", "path": "/etc/passwd"}, protocol.E_OUTSIDE_ROOT),
        ({"type": "load", "path": 5}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": "tiny.onnx", "threads": -1}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": "tiny.onnx", "runtime": "tflite"}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": "corrupt.onnx"}, protocol.E_LOAD_FAILED),
        ({"type": "load", "path": "models/truncated.onnx"}, protocol.E_LOAD_FAILED),
        ({"type": "load", "path": "tiny.onnx", "threads": 10**400}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": "tiny.onnx", "threads": 2.0}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": "tiny.onnx", "threads": True}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": "tiny.onnx", "runtime": ["onnx"]}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": "x" * 5000 + ".onnx"}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": "tiny.onnx\u0000"}, protocol.E_BAD_REQUEST),
        ({"type": "load", "path": {"name": "tiny.onnx"}}, protocol.E_BAD_REQUEST),
    ],
    ids=[
        "missing",
        "parent",
        "absolute",
        "not-a-string",
        "threads",
        "runtime",
        "corrupt",
        "truncated",
        "huge-threads",
        "float-threads",
        "bool-threads",
        "list-runtime",
        "long-path",
        "nul-path",
        "object-path",
    ],
)
def test_bad_loads_are_errors_not_a_dead_agent(session, message, code, agent_target):
    reply = session.request(message)
    assert reply["type"] == "error" and reply["code"] == code and reply["fatal"] is False
    assert session.request({"type": "ping"})["type"] == "pong"
    assert agent_target.alive()


@pytest.mark.parametrize(
    "run",
    [
        {"type": "run", "iterations": 1, "duration_s": 1},
        {"type": "run"},
        {"type": "run", "iterations": 0},
        {"type": "run", "iterations": "ten"},
        {"type": "run", "iterations": 1, "warmup": -1},
        {"type": "run", "iterations": 1, "inputs": {"source": "camera"}},
        {"type": "run", "iterations": 1, "inputs": {"source": "file", "path": "tiny.onnx"}},
        {"type": "run", "iterations": 10**400},
        {"type": "run", "iterations": -(10**400)},
        {"type": "run", "iterations": 1.5},
        {"type": "run", "iterations": True},
        {"type": "run", "iterations": [1]},
        {"type": "run", "duration_s": 10**400},
        {"type": "run", "iterations": 1, "warmup": 10**400},
        {"type": "run", "iterations": 1, "inputs": {"seed": 10**400}},
        {"type": "run", "iterations": 1, "inputs": {"seed": -1}},
        {"type": "run", "iterations": 1, "inputs": {"seed": "x"}},
        {"type": "run", "iterations": 1, "inputs": {"shapes": [[-1, 64]]}},
        {"type": "run", "iterations": 1, "inputs": {"shapes": [[10**400]]}},
        {"type": "run", "iterations": 1, "inputs": {"shapes": "1,64"}},
        {"type": "run", "iterations": 1, "inputs": "random"},
        {"type": "run", "iterations": 1, "inputs": {"source": "file", "path": 7}},
    ],
    ids=[
        "both",
        "neither",
        "zero",
        "text",
        "warmup",
        "source",
        "not-tensors",
        "huge",
        "huge-negative",
        "fraction",
        "bool",
        "list",
        "huge-duration",
        "huge-warmup",
        "huge-seed",
        "negative-seed",
        "text-seed",
        "negative-shape",
        "huge-shape",
        "text-shapes",
        "text-inputs",
        "number-path",
    ],
)
def test_bad_runs_are_refused(session, run):
    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    reply = session.request(run)
    assert reply["type"] == "error" and reply["code"] == protocol.E_BAD_REQUEST
    assert session.request({"type": "ping"})["type"] == "pong"


def test_several_connections_run_at_once(wire):
    sessions = [wire() for _ in range(3)]
    results = {}

    def go(index, w):
        assert w.hello()["type"] == "capabilities"
        assert w.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
        results[index] = w.run_to_summary({"type": "run", "iterations": 500})

    threads = [threading.Thread(target=go, args=(i, w)) for i, w in enumerate(sessions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(results) == [0, 1, 2]
    for summary, rows, _ in results.values():
        assert summary["count"] == 500 == len(rows)


def test_closing_a_connection_mid_run_leaves_the_agent_serving(wire, agent_target):
    w = wire()
    assert w.hello()["type"] == "capabilities"
    assert w.request({"type": "load", "path": "slow.onnx"})["type"] == "loaded"
    assert w.request({"type": "run", "duration_s": 60})["type"] == "started"
    w.close()
    assert agent_target.alive()
    assert _ping_ok(wire)
