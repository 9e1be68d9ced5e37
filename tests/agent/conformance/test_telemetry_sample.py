"""Conformance: a run's ``telemetry_sample`` messages (docs/agent-protocol.md).

Whatever the device can read, every sample has the documented shape; the run's
``started`` reply says what is sampled; a baseline is sampled idle before the run;
``"telemetry": false`` turns sampling off; bad options are refused without ending the
connection.
"""

from __future__ import annotations

import pytest

BATTERY_KEYS = {"level", "temp_c", "current_ma", "voltage_v", "status", "charging", "powered"}


def number_or_none(value) -> bool:
    return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))


def check_sample(sample: dict) -> None:
    assert sample["type"] == "telemetry_sample"
    assert isinstance(sample["t_us"], int)
    assert sample["phase"] in ("idle", "run")
    assert isinstance(sample["cpu_freq_khz"], list)
    assert all(number_or_none(f) for f in sample["cpu_freq_khz"])
    assert isinstance(sample["temp_c"], dict)
    assert all(isinstance(k, str) and number_or_none(v) for k, v in sample["temp_c"].items())
    battery = sample["battery"]
    assert isinstance(battery, dict)
    if battery:
        assert set(battery) == BATTERY_KEYS
        for key in ("level", "temp_c", "current_ma", "voltage_v"):
            assert number_or_none(battery[key])


def test_a_run_streams_telemetry_samples_on_the_latency_clock(session):
    message = {
        "type": "run",
        "model": "tiny.onnx",
        "duration_s": 0.5,
        "telemetry": {"interval_s": 0.1, "baseline_s": 0.3},
    }
    loaded = session.request({"type": "load", "path": "tiny.onnx"})
    assert loaded["type"] == "loaded", loaded
    started = session.request(message)
    assert started["type"] == "started", started
    described = started["telemetry"]
    assert described["interval_s"] == 0.1 and described["baseline_s"] == 0.3
    assert isinstance(described["simulated"], bool)
    assert isinstance(described["clusters"], list) and isinstance(described["zones"], dict)
    for cluster in described["clusters"]:
        assert set(cluster) == {"name", "cores", "max_khz"}
    rows, samples = [], []
    while True:
        reply = session.recv()
        if reply["type"] == "samples":
            rows.extend(reply["samples"])
        elif reply["type"] == "telemetry_sample":
            samples.append(reply)
        elif reply["type"] == "summary":
            break
    for sample in samples:
        check_sample(sample)
    idle = [s for s in samples if s["phase"] == "idle"]
    run = [s for s in samples if s["phase"] == "run"]
    assert len(idle) >= 2 and len(run) >= 2
    first_row = min(r[2] for r in rows)
    assert all(s["t_us"] < first_row for s in idle)  # the baseline came before the run
    assert max(s["t_us"] for s in run) >= max(r[2] for r in rows)  # a sample at its end
    # nothing follows the summary: the connection answers the next request at once
    assert session.request({"type": "ping", "id": 5})["type"] == "pong"


def test_telemetry_false_samples_nothing(session):
    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    started = session.request({"type": "run", "iterations": 50, "telemetry": False})
    assert started["type"] == "started" and "telemetry" not in started
    types = set()
    while True:
        reply = session.recv()
        types.add(reply["type"])
        if reply["type"] == "summary":
            break
    assert "telemetry_sample" not in types


@pytest.mark.parametrize(
    "value",
    [
        {"interval_s": 0},
        {"interval_s": 60},
        {"interval_s": "fast"},
        {"baseline_s": -1},
        {"baseline_s": 1e9},
        "yes",
        [1],
    ],
)
def test_bad_telemetry_options_are_refused(session, value):
    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    reply = session.request({"type": "run", "iterations": 5, "telemetry": value, "id": 3})
    assert reply["type"] == "error" and reply["code"] == "bad_request", reply
    assert reply["id"] == 3
    assert session.request({"type": "ping"})["type"] == "pong"
