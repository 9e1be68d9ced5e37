"""ONNX (``.onnx``) and ORT-format (``.ort``) models through ONNX Runtime's CPU provider."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from studio.errors import ModelFileError
from studio.runtimes.base import Runner, TensorInfo, first_line

ONNX_TYPES = {
    "tensor(float)": "float32",
    "tensor(float16)": "float16",
    "tensor(double)": "float64",
    "tensor(int64)": "int64",
    "tensor(int32)": "int32",
    "tensor(int8)": "int8",
    "tensor(uint8)": "uint8",
    "tensor(bool)": "bool",
}


class OnnxRuntimeRunner(Runner):
    runtime = "onnxruntime"

    def load(self, path: str | Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        path = self._check_file(path)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        if threads:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        try:
            self.session = ort.InferenceSession(
                str(path), options, providers=["CPUExecutionProvider"]
            )
        except Exception as exc:
            raise ModelFileError(
                f"{path.name} is not a model ONNX Runtime can load ({first_line(exc)})"
            ) from None
        self._inputs = [
            TensorInfo(
                i.name,
                tuple(d if isinstance(d, int) else None for d in i.shape),
                ONNX_TYPES.get(i.type, i.type),
            )
            for i in self.session.get_inputs()
        ]
        self.path, self.threads = path, threads

    def infer(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        arrays = self._check_inputs(inputs)
        feed = {info.name: array for info, array in zip(self._inputs, arrays, strict=False)}
        return [np.asarray(o) for o in self.session.run(None, feed)]

    def close(self) -> None:
        self.session = None

    @classmethod
    def version(cls) -> str:
        import onnxruntime

        return onnxruntime.__version__
