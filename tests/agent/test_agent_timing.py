"""The agent keeps its own work off the timed path: no collector, no sending, on that thread.

The agent serves in this process (a real AgentServer on the loopback, a real ONNX
Runtime model) so that the test can watch, from inside the runner's ``infer`` and the
channel's ``send``, which thread does what and whether the collector is running. The
probes wrap the real methods; they replace nothing.
"""

from __future__ import annotations

import gc
import secrets
import threading

import numpy as np
import pytest

from studio.agent import protocol, timing
from studio.agent.connection import AgentConnection
from studio.agent.server import AgentServer
from studio.runtimes.onnxruntime_runner import OnnxRuntimeRunner


@pytest.fixture
def agent(tmp_path):
    import onnx
    from onnx import TensorProto, helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8])
    graph = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "relu", [x], [y])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, tmp_path / "relu.onnx")
    token = secrets.token_hex(8)
    server = AgentServer(tmp_path, token)
    server.start()
    yield server, token
    server.close()


@pytest.fixture
def probes(monkeypatch):
    """What each inference saw, and which thread sent which frame."""
    seen = {"infer": [], "sent": []}
    infer, send = OnnxRuntimeRunner.infer, protocol.Channel.send

    def probed_infer(self, inputs):
        # the freeze count walks the frozen objects: read it on the first inferences only
        frozen = gc.get_freeze_count() if len(seen["infer"]) < 20 else None
        seen["infer"].append((threading.get_ident(), gc.isenabled(), frozen))
        return infer(self, inputs)

    def probed_send(self, message):
        seen["sent"].append((message.get("type"), threading.get_ident()))
        return send(self, message)

    monkeypatch.setattr(OnnxRuntimeRunner, "infer", probed_infer)
    monkeypatch.setattr(protocol.Channel, "send", probed_send)
    return seen


def test_the_collector_is_paused_and_frozen_while_a_run_measures(agent, probes):
    server, token = agent
    assert gc.isenabled()
    with AgentConnection("127.0.0.1", server.port, token) as conn:
        conn.load("relu.onnx", threads=1)
        rows = []
        summary = conn.run(rows.append, warmup=5, iterations=400)
    assert summary["count"] == 400
    assert len(probes["infer"]) == 405
    assert all(not enabled for _thread, enabled, _frozen in probes["infer"])
    # what was alive when the run began is out of every collection's way
    frozen = [count for _thread, _enabled, count in probes["infer"] if count is not None]
    assert len(frozen) == 20 and min(frozen) > 1000
    assert gc.isenabled()  # restored as it was
    assert gc.get_freeze_count() == 0


def test_samples_and_heartbeats_are_not_sent_from_the_timed_thread(agent, probes):
    server, token = agent
    with AgentConnection("127.0.0.1", server.port, token) as conn:
        conn.load("relu.onnx", threads=1)
        chunks = []
        summary = conn.run(chunks.append, iterations=3000)
    [timed] = {thread for thread, _enabled, _frozen in probes["infer"]}
    streamed = [(k, t) for k, t in probes["sent"] if k in (protocol.SAMPLES, protocol.HEARTBEAT)]
    assert streamed
    assert all(thread != timed for _kind, thread in streamed)
    rows = np.concatenate(chunks)
    assert summary["count"] == len(rows) == 3000
    assert np.array_equal(rows[:, 0], np.arange(3000))


def test_runs_longer_than_a_block_stream_every_sample_in_order(agent, probes, monkeypatch):
    monkeypatch.setattr(timing, "BLOCK_ROWS", 64)
    monkeypatch.setattr(timing, "FRAME_ROWS", 10)
    server, token = agent
    with AgentConnection("127.0.0.1", server.port, token) as conn:
        conn.load("relu.onnx", threads=1)
        chunks = []
        summary = conn.run(chunks.append, iterations=1000)
    rows = np.concatenate(chunks)
    assert summary["count"] == len(rows) == 1000
    assert np.array_equal(rows[:, 0], np.arange(1000))
    assert max(len(c) for c in chunks) <= 10  # no frame beyond the sender's size
    assert (rows[:, 1] > 0).all() and (np.diff(rows[:, 2]) >= 0).all()
    # the summary's statistics are over the same samples that were streamed
    assert summary["stats"]["max_ms"] == pytest.approx(rows[:, 1].max() / 1000, abs=1e-4)


def test_overlapping_runs_restore_the_collector_only_when_the_last_ends():
    assert gc.isenabled()
    with timing.collector_paused():
        with timing.collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with timing.collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
