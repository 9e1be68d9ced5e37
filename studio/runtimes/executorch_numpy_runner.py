"""ExecuTorch (``.pte``) without torch: the ``executorch-numpy-runtime`` package.

The same ExecuTorch C++ runtime (with the XNNPACK delegate and the portable, optimized and
quantized kernels), built without libtorch and taking numpy arrays. The studio's agent uses
it where the ``executorch`` package cannot be installed: on a phone. It runs the ExecuTorch
version it was built from (``__et_version__``), which is what :meth:`version` reports.
It has no thread-count setting: XNNPACK sizes its own thread pool.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from studio.errors import ModelFileError
from studio.runtimes.base import Runner, TensorInfo, first_line
from studio.runtimes.executorch_runner import SCALAR_TYPES


class ExecuTorchNumpyRunner(Runner):
    runtime = "executorch"

    def load(self, path: str | Path, threads: int | None = None) -> None:
        from executorch_numpy_runtime import Runtime

        path = self._check_file(path)
        try:
            self.method = Runtime.get().load_program(str(path)).load_method("forward")
            meta = self.method.metadata
        except Exception as exc:
            raise ModelFileError(
                f"{path.name} is not an ExecuTorch program that ExecuTorch {self.version()} "
                f"can load ({first_line(exc)})"
            ) from None
        self._inputs = [
            TensorInfo(
                f"input{index}",
                tuple(int(d) for d in info["shape"]),
                SCALAR_TYPES.get(int(info["scalar_type"]), str(info["scalar_type"])),
            )
            for index, info in enumerate(meta["inputs"])
        ]
        self.path, self.threads = path, threads

    def infer(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        return [np.asarray(o) for o in self.method(self._check_inputs(inputs))]

    def close(self) -> None:
        self.method = None

    @classmethod
    def version(cls) -> str:
        from executorch_numpy_runtime import __et_version__

        return __et_version__
