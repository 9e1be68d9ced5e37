"""The ``infer`` outputs' chunking and reassembly, and its inputs file layout."""

from __future__ import annotations

import base64
import json

import numpy as np
import pytest

from studio.agent import protocol
from studio.agent.infer import Assembler, output_frames, read_inputs, write_inputs


def _outputs():
    rng = np.random.default_rng(1)
    return [
        rng.standard_normal((3, 1000)).astype(np.float32),  # 12000 bytes
        np.arange(7, dtype=np.int64),
        np.zeros((0, 4), dtype=np.float32),  # no bytes
        np.array(2.5, dtype=np.float16),  # a scalar
        np.arange(6, dtype=">i4").reshape(2, 3),  # big-endian in, native out
    ]


def test_outputs_are_split_into_chunks_and_rebuilt_exactly():
    outputs = _outputs()
    frames = list(output_frames(4, outputs, chunk_bytes=5000))
    first = [f for f in frames if f["output"] == 0]
    assert [f["offset"] for f in first] == [0, 5000, 10000]
    assert all(len(base64.b64decode(f["data"])) <= 5000 for f in frames)
    assert len([f for f in frames if f["output"] == 2]) == 1  # an empty output: one frame
    for frame in frames:  # each frame is a protocol frame well under the reply limit
        body = protocol.encode({"type": protocol.INFER_OUTPUT, **frame})
        assert len(body) < 5000 * 2 < protocol.MAX_REPLY_BYTES
        json.loads(body[4:])
    assembler = Assembler()
    for frame in frames:
        assembler.add({**frame, "sample": 0})
    rebuilt = assembler.outputs(1, len(outputs))[0]
    for got, want in zip(rebuilt, outputs, strict=True):
        assert got.shape == want.shape and got.dtype == want.dtype.newbyteorder("=")
        np.testing.assert_array_equal(got, want)


def test_a_missing_or_misplaced_chunk_is_detected():
    frames = list(output_frames(0, _outputs()[:1], chunk_bytes=5000))
    assembler = Assembler()
    assembler.add(frames[0])
    with pytest.raises(ValueError, match="out of order"):
        assembler.add(frames[2])
    assembler.add(frames[1])
    with pytest.raises(ValueError, match="did not arrive whole"):
        assembler.outputs(1, 1)
    with pytest.raises(ValueError, match="malformed"):
        Assembler().add({**frames[0], "data": "***"})


def test_inputs_file_holds_samples_on_a_leading_axis(tmp_path):
    samples = [[np.full((1, 3), i, np.float32), np.array([i], np.int64)] for i in range(4)]
    path = write_inputs(tmp_path / "inputs.npz", samples)
    with np.load(path) as archive:
        assert sorted(archive.files) == ["input0", "input1"]
        assert archive["input0"].shape == (4, 1, 3)
        read = read_inputs(archive)
    assert len(read) == 4
    for got, want in zip(read, samples, strict=True):
        for a, b in zip(got, want, strict=True):
            np.testing.assert_array_equal(a, b)
