"""PyTorch Lite (``.ptl``) through the lite interpreter, as ``pytorch_android_lite`` runs it."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from studio.errors import ModelFileError
from studio.runtimes.base import Runner, TensorInfo, inputs_from_metadata, read_archive_metadata
from studio.runtimes.torch_support import set_threads, to_arrays, to_tensors, torch_version


class LiteRunner(Runner):
    runtime = "pytorch-lite"
    suffixes = (".ptl",)

    def load(self, path: str | Path, threads: int | None = None) -> None:
        from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter

        path = self._check_file(path)
        try:
            self.module = _load_for_lite_interpreter(str(path), map_location="cpu")
            self.bytecode_version = int(_get_model_bytecode_version(str(path)))
        except Exception as exc:
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise ModelFileError(
                f"{path.name} is not a PyTorch Lite file that can be loaded ({first})"
            ) from None
        self.metadata = read_archive_metadata(path)
        self.path, self.threads = path, threads
        set_threads(threads)

    @property
    def inputs(self) -> list[TensorInfo]:
        return inputs_from_metadata(self.metadata)

    def infer(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        arrays = self._check_inputs(inputs)
        with torch.inference_mode():
            return to_arrays(self.module(*to_tensors(arrays)))

    def close(self) -> None:
        self.module = None

    @classmethod
    def version(cls) -> str:
        return torch_version()
