"""Protocol conformance of ``infer``: given inputs run once each, outputs streamed back.

Runs against a spawned local agent, or the agent named by MODEL_STUDIO_AGENT (conftest).
"""

from __future__ import annotations

import base64

import numpy as np
import pytest

from studio.agent import infer
from studio.agent.infer import Assembler, write_inputs

VECTOR = 64  # the width of the suite's tiny.onnx (conftest)


def _tile_model(root, name: str, repeats: int) -> None:
    """An ONNX model whose output is its [1, 64] input repeated ``repeats`` times."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, VECTOR])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, VECTOR * repeats])
    times = numpy_helper.from_array(np.array([1, repeats], dtype=np.int64), "times")
    graph = helper.make_graph([helper.make_node("Tile", ["x", "times"], ["y"])], name, [x], [y])
    graph.initializer.append(times)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, root / f"{name}.onnx")


@pytest.fixture(scope="module")
def infer_files(agent_target):
    root = agent_target.root
    rng = np.random.default_rng(3)
    samples = [[rng.standard_normal((1, VECTOR)).astype(np.float32)] for _ in range(5)]
    write_inputs(root / "five.npz", samples)
    write_inputs(root / "wrong_dtype.npz", [[s[0].astype(np.float64)] for s in samples])
    write_inputs(root / "wrong_shape.npz", [[np.ones((1, VECTOR + 1), np.float32)]])
    write_inputs(root / "two_inputs.npz", [[s[0], s[0]] for s in samples])
    np.savez(root / "badnames.npz", x=np.ones((2, 1, VECTOR), np.float32))
    np.savez(
        root / "uneven.npz",
        input0=np.ones((2, 1, VECTOR), np.float32),
        input1=np.ones((3, 1, VECTOR), np.float32),
    )
    write_inputs(root / "too_many.npz", [[np.ones((1, VECTOR), np.float32)]] * 300)
    (root / "notnpz.npz").write_bytes(b"not a zip file")
    _tile_model(root, "wide", 4096)  # 1 MiB of output: several chunks
    _tile_model(root, "huge", 140_000)  # 36 MB of output: above the limit
    return samples


def _infer(session, path: str, request_id=7) -> tuple[list[dict], dict]:
    """Send infer; collect the infer_output frames and the last reply."""
    session.send({"type": "infer", "path": path, "id": request_id})
    frames = []
    while True:
        reply = session.recv()
        if reply["type"] != "infer_output":
            return frames, reply
        frames.append(reply)


def _alive(session) -> bool:
    return session.request({"type": "ping"})["type"] == "pong"


def test_infer_returns_each_samples_outputs(session, infer_files, agent_target):
    import onnxruntime

    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    frames, done = _infer(session, "five.npz")
    assert done["type"] == "inferred" and done["id"] == 7, done
    assert done["samples"] == 5 and done["outputs"] == 1 and len(done["infer_ms"]) == 5
    assert all(f["id"] == 7 for f in frames)
    assembler = Assembler()
    for frame in frames:
        assembler.add(frame)
    outputs = assembler.outputs(5, 1)
    reference = onnxruntime.InferenceSession(str(agent_target.root / "tiny.onnx"))
    for sample, (output,) in zip(infer_files, outputs, strict=True):
        (expected,) = reference.run(None, {"x": sample[0]})
        assert output.dtype == np.float32 and output.shape == (1, VECTOR)
        np.testing.assert_allclose(output, expected, rtol=1e-6, atol=1e-6)


def test_large_outputs_come_in_chunks_below_the_frame_limit(session, infer_files):
    assert session.request({"type": "load", "path": "wide.onnx"})["type"] == "loaded"
    frames, done = _infer(session, "five.npz")
    assert done["type"] == "inferred", done
    per_sample = [f for f in frames if f["sample"] == 0]
    assert len(per_sample) == 2  # 1 MiB in chunks of 512 KiB
    assert all(len(base64.b64decode(f["data"])) <= infer.CHUNK_BYTES for f in frames)
    assembler = Assembler()
    for frame in frames:
        assembler.add(frame)
    outputs = assembler.outputs(5, 1)
    for sample, (output,) in zip(infer_files, outputs, strict=True):
        np.testing.assert_array_equal(output, np.tile(sample[0], (1, 4096)))


def test_outputs_above_the_limit_are_refused_and_the_agent_survives(session, infer_files):
    assert session.request({"type": "load", "path": "huge.onnx"})["type"] == "loaded"
    frames, reply = _infer(session, "five.npz")
    assert frames == []
    assert reply["type"] == "error" and reply["code"] == "output_too_large", reply
    assert reply["fatal"] is False and "limit" in reply["message"]
    assert _alive(session)


def test_infer_before_load_is_not_loaded(session, infer_files):
    frames, reply = _infer(session, "five.npz")
    assert frames == [] and reply["type"] == "error" and reply["code"] == "not_loaded"
    assert _alive(session)


@pytest.mark.parametrize(
    "message, code",
    [
        ({"type": "infer"}, "bad_request"),
        ({"type": "infer", "path": 5}, "bad_request"),
        ({"type": "infer", "path": "nothing.npz"}, "not_found"),
        ({"type": "infer", "path": "../outside.npz"}, "outside_root"),
        ({"type": "infer", "path": "notnpz.npz"}, "bad_request"),
        ({"type": "infer", "path": "badnames.npz"}, "bad_request"),
        ({"type": "infer", "path": "uneven.npz"}, "bad_request"),
        ({"type": "infer", "path": "too_many.npz"}, "bad_request"),
        ({"type": "infer", "path": "two_inputs.npz"}, "bad_request"),
        ({"type": "infer", "path": "wrong_shape.npz"}, "bad_request"),
        ({"type": "infer", "path": "wrong_dtype.npz"}, "bad_request"),
    ],
)
def test_bad_infer_requests_are_errors_and_the_agent_survives(
    session, infer_files, message, code, agent_target
):
    assert session.request({"type": "load", "path": "tiny.onnx"})["type"] == "loaded"
    reply = session.request({**message, "id": "q"})
    assert reply["type"] == "error" and reply["code"] == code, reply
    assert reply["fatal"] is False and reply["id"] == "q" and reply["message"]
    assert _alive(session) and agent_target.alive()


def test_infer_while_running_is_busy(session, infer_files):
    assert session.request({"type": "load", "path": "slow.onnx"})["type"] == "loaded"
    started = session.request({"type": "run", "duration_s": 30.0, "telemetry": False})
    assert started["type"] == "started", started
    session.send({"type": "infer", "path": "five.npz", "id": "b"})
    while True:
        reply = session.recv()
        if reply.get("id") == "b":
            break
    assert reply["type"] == "error" and reply["code"] == "busy"
    session.send({"type": "stop"})
    while session.recv()["type"] != "summary":
        pass
    assert _alive(session)
