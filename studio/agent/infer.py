"""The ``infer`` request: given inputs run once each, their outputs streamed back.

Inputs come as a ``.npz`` file in the agent's folder holding arrays named ``input0``,
``input1``, … in the model's input order, each with a leading sample axis of the same
length N: sample ``i`` is ``[input0[i], input1[i], …]`` (:func:`write_inputs` makes one).

Outputs go back as ``infer_output`` frames, one per chunk of at most
:data:`CHUNK_BYTES` raw bytes of one output of one sample: ``sample``, ``output``,
``dtype``, ``shape``, ``offset`` and ``bytes`` (the whole output's size) and ``data``
(base64 of the little-endian bytes from ``offset``). An output of no bytes is one frame
with empty ``data``. After the last sample comes ``inferred`` (``samples``,
``outputs``, ``infer_ms`` per sample). A sample whose outputs exceed
:data:`MAX_SAMPLE_OUTPUT_BYTES` ends the request with ``output_too_large``.

Torch-free: the agent and the studio both use it.
"""

from __future__ import annotations

import base64
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

MAX_SAMPLES = 256  # samples in one infer request
CHUNK_BYTES = 512 << 10  # raw bytes per infer_output frame (base64 makes it 4/3 larger)
MAX_SAMPLE_OUTPUT_BYTES = 32 << 20  # all outputs of one sample, raw
INPUT_PREFIX = "input"


class InferInputError(ValueError):
    """An inputs file that does not follow the layout above."""


def write_inputs(path: str | Path, samples: Sequence[Sequence[np.ndarray]]) -> Path:
    """Write samples (each a list of input arrays) as an ``infer`` inputs file."""
    if not samples:
        raise ValueError("there are no samples to write")
    count = len(samples[0])
    arrays = {
        f"{INPUT_PREFIX}{j}": np.stack([np.asarray(s[j]) for s in samples]) for j in range(count)
    }
    path = Path(path)
    with open(path, "wb") as handle:  # np.savez would append .npz to another suffix
        np.savez(handle, **arrays)
    return path


def read_inputs(archive) -> list[list[np.ndarray]]:
    """The samples of an opened ``.npz`` (``np.load``): one list of input arrays each."""
    names = list(archive.files)
    expected = [f"{INPUT_PREFIX}{j}" for j in range(len(names))]
    if not names or sorted(names) != sorted(expected):
        shown = ", ".join(names[:8]) or "none"
        raise InferInputError(
            f"the inputs file must hold arrays named input0, input1, … (it holds {shown})"
        )
    arrays = [archive[name] for name in expected]
    if any(a.ndim == 0 for a in arrays):
        raise InferInputError("each input array needs a leading sample axis")
    counts = {int(a.shape[0]) for a in arrays}
    if len(counts) != 1:
        raise InferInputError(
            f"the input arrays hold different numbers of samples ({sorted(counts)})"
        )
    (count,) = counts
    if not 0 < count <= MAX_SAMPLES:
        raise InferInputError(f"give 1 to {MAX_SAMPLES} samples, not {count}")
    if any(a.dtype.hasobject for a in arrays):
        raise InferInputError("the inputs must be numeric arrays")
    return [[a[i] for a in arrays] for i in range(count)]


def wrong_dtype(arrays: Sequence[np.ndarray], expected: Sequence[str | None]) -> str | None:
    """Why a sample's dtypes do not match the model's declared ones, or None."""
    for j, (array, declared) in enumerate(zip(arrays, expected, strict=False)):
        try:
            want = np.dtype(declared) if declared else None
        except TypeError:
            continue  # a runtime's own dtype name: the runtime checks it
        if want is not None and array.dtype != want:
            return f"input {j} is {array.dtype}, the model takes {want}"
    return None


def _little_endian(array: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(array, dtype=array.dtype.newbyteorder("<"))


def output_bytes(outputs: Sequence[np.ndarray]) -> int:
    return sum(int(np.asarray(o).nbytes) for o in outputs)


def output_frames(
    sample: int, outputs: Sequence[np.ndarray], chunk_bytes: int = CHUNK_BYTES
) -> Iterator[dict]:
    """The ``infer_output`` frames of one sample's outputs (without ``type``/``id``)."""
    for j, output in enumerate(outputs):
        array = np.asarray(output)
        if array.dtype.hasobject:
            raise ValueError(f"output {j} is not a numeric array")
        raw = _little_endian(array).tobytes()
        head = {
            "sample": sample,
            "output": j,
            "dtype": array.dtype.name,
            "shape": [int(d) for d in array.shape],
            "bytes": len(raw),
        }
        offset = 0
        while True:
            piece = raw[offset : offset + chunk_bytes]
            yield {**head, "offset": offset, "data": base64.b64encode(piece).decode("ascii")}
            offset += len(piece)
            if offset >= len(raw):
                break


class Assembler:
    """Rebuilds the outputs from ``infer_output`` frames, checking that none is missing."""

    def __init__(self) -> None:
        self._parts: dict[tuple[int, int], dict] = {}

    def add(self, frame: dict) -> None:
        try:
            key = (int(frame["sample"]), int(frame["output"]))
            data = base64.b64decode(frame["data"], validate=True)
            offset, total = int(frame["offset"]), int(frame["bytes"])
            dtype = np.dtype(frame["dtype"]).newbyteorder("<")
            shape = tuple(int(d) for d in frame["shape"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"a malformed infer_output frame ({exc})") from None
        part = self._parts.setdefault(
            key, {"dtype": dtype, "shape": shape, "buffer": bytearray(total), "filled": 0}
        )
        if offset != part["filled"] or offset + len(data) > len(part["buffer"]):
            raise ValueError(f"output {key[1]} of sample {key[0]} arrived out of order")
        part["buffer"][offset : offset + len(data)] = data
        part["filled"] += len(data)

    def outputs(self, samples: int, count: int) -> list[list[np.ndarray]]:
        """Each sample's outputs, once ``inferred`` said how many there are."""
        result = []
        for i in range(samples):
            row = []
            for j in range(count):
                part = self._parts.get((i, j))
                if part is None or part["filled"] != len(part["buffer"]):
                    raise ValueError(f"output {j} of sample {i} did not arrive whole")
                array = np.frombuffer(bytes(part["buffer"]), dtype=part["dtype"])
                row.append(array.reshape(part["shape"]).astype(part["dtype"].newbyteorder("=")))
            result.append(row)
        return result
