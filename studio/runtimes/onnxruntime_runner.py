"""ONNX (``.onnx``) and ORT-format (``.ort``) models through ONNX Runtime's CPU provider.

On an x86-64 processor without VNNI (AVX2-only), ONNX Runtime's fused int8 kernels
multiply unsigned 8-bit activations by signed 8-bit weights with an instruction whose
16-bit intermediate sums saturate, so a correct full-range int8 model computes visibly
wrong outputs there (the sample's static int8 model: 9 dB SQNR against 29 dB). Phones'
ARM kernels do not saturate, and the artifact is meant for them. On such a computer a
quantized (QDQ) ONNX model is therefore run with the quantize/dequantize pairs left
unfused (basic graph optimizations only): the artifact's own int8 arithmetic, computed
without the saturating kernel; :attr:`OnnxRuntimeRunner.note` says so.
"""

from __future__ import annotations

import functools
import platform
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


@functools.cache
def int8_products_saturate() -> bool:
    """Whether this computer's int8 kernels saturate (x86-64 without VNNI or AMX)."""
    if platform.machine().lower() not in ("x86_64", "amd64"):
        return False
    try:
        text = Path("/proc/cpuinfo").read_text(errors="replace")
    except OSError:
        return False  # not Linux: the flags are not readable here; assume a modern CPU
    for line in text.splitlines():
        if line.startswith("flags"):
            flags = set(line.partition(":")[2].split())
            return not flags & {"avx512_vnni", "avx_vnni", "amx_int8"}
    return False


# operators that multiply int8 by int8 in one fused kernel (what an int8 .ort file holds)
FUSED_INT8 = frozenset(
    {
        "QLinearConv",
        "QLinearMatMul",
        "ConvInteger",
        "MatMulInteger",
        "com.microsoft:QLinearConv",
        "com.microsoft:QGemm",
        "com.microsoft:QAttention",
    }
)


def _operator_names(path: Path) -> set[str]:
    """The operators an .onnx or .ort file uses (read with the compatibility checker's reader)."""
    try:
        from studio.compat.operators import read_operators

        return {op.name for op in read_operators(path).operators}
    except Exception:
        return set()


class OnnxRuntimeRunner(Runner):
    runtime = "onnxruntime"
    note: str | None = None  # how this computer runs the model, when not as a phone would
    # why this computer cannot compute what a phone computes with this file (else None)
    unverifiable: str | None = None

    def load(self, path: str | Path, threads: int | None = None) -> None:
        import onnxruntime as ort

        path = self._check_file(path)
        options = ort.SessionOptions()
        options.log_severity_level = 3
        if threads:
            options.intra_op_num_threads = int(threads)
            options.inter_op_num_threads = 1
        operators = _operator_names(path) if int8_products_saturate() else set()
        if path.suffix == ".onnx" and "DequantizeLinear" in operators:
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
            self.note = (
                "run with its int8 operations unfused: this computer's fused int8 kernels "
                "(x86-64 without VNNI) saturate, a phone's do not"
            )
        elif path.suffix == ".ort" and operators & FUSED_INT8:
            self.unverifiable = (
                "its fused int8 kernels saturate on this computer (x86-64 without VNNI), "
                "not on a phone: verify it on the phone (model-studio bench --verify)"
            )
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
