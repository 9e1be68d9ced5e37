"""ExecuTorch (``.pte``) through ``executorch.runtime`` (the same C++ runtime as on Android)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from studio.errors import ModelFileError
from studio.runtimes.base import Runner, TensorInfo, first_line

# c10::ScalarType codes as MethodMeta reports them
SCALAR_TYPES = {
    0: "uint8",
    1: "int8",
    2: "int16",
    3: "int32",
    4: "int64",
    5: "float16",
    6: "float32",
    7: "float64",
    11: "bool",
}


class ExecuTorchRunner(Runner):
    runtime = "executorch"

    def load(self, path: str | Path, threads: int | None = None) -> None:
        from executorch.runtime import Runtime

        path = self._check_file(path)
        if threads:
            from executorch.extension.pybindings import portable_lib

            portable_lib._unsafe_reset_threadpool(int(threads))
        try:
            self.program = Runtime.get().load_program(path)
            self.method = self.program.load_method("forward")
        except Exception as exc:
            raise ModelFileError(
                f"{path.name} is not an ExecuTorch program that can be loaded ({first_line(exc)})"
            ) from None
        meta = self.method.metadata
        self._inputs = []
        for index in range(meta.num_inputs()):
            info = meta.input_tensor_meta(index)
            self._inputs.append(
                TensorInfo(
                    f"input{index}",
                    tuple(int(d) for d in info.sizes()),
                    SCALAR_TYPES.get(int(info.dtype()), str(info.dtype())),
                )
            )
        self.path, self.threads = path, threads

    def infer(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        import torch

        arrays = self._check_inputs(inputs)
        outputs = self.method.execute([torch.from_numpy(a) for a in arrays])
        return [o.detach().numpy() if hasattr(o, "detach") else np.asarray(o) for o in outputs]

    def close(self) -> None:
        self.method = None
        self.program = None

    @classmethod
    def version(cls) -> str:
        from importlib.metadata import version

        return version("executorch")
