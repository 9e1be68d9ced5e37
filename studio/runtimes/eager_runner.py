"""Eager PyTorch: the reference every artifact is compared against."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from studio.errors import InputError
from studio.runtimes.base import Runner, TensorInfo
from studio.runtimes.torch_support import set_threads, to_arrays, to_tensors, torch_version


class EagerRunner(Runner):
    runtime = "eager"
    suffixes = ()

    def __init__(self) -> None:
        super().__init__()
        self.module = None
        self._inputs: list[TensorInfo] = []

    @classmethod
    def from_module(cls, module: torch.nn.Module, input_spec=None, threads: int | None = None):
        """Wrap a module already in memory (``input_spec`` is a studio InputSpec or None)."""
        runner = cls()
        runner.module = module.eval() if hasattr(module, "eval") else module
        if input_spec is not None:
            runner._inputs = [
                TensorInfo(t.name, tuple(t.shape), t.dtype) for t in input_spec.tensors
            ]
        runner.threads = threads
        set_threads(threads)
        return runner

    def load(self, path: str | Path, threads: int | None = None) -> None:
        """Open a model file the way ``model-studio inspect`` does (weights-only formats)."""
        try:
            from studio.model import load_model
        except ImportError:
            raise InputError("loading model files is not available in this build") from None
        loaded = load_model(path)
        if not loaded.runnable:
            raise InputError(f"{Path(path).name} cannot run in eager PyTorch")
        self.module = loaded.module
        self._inputs = (
            [TensorInfo(t.name, tuple(t.shape), t.dtype) for t in loaded.input_spec.tensors]
            if loaded.input_spec
            else []
        )
        self.path, self.threads = Path(path), threads
        set_threads(threads)

    @property
    def inputs(self) -> list[TensorInfo]:
        return list(self._inputs)

    def infer(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        arrays = self._check_inputs(inputs)
        with torch.inference_mode():
            return to_arrays(self.module(*to_tensors(arrays)))

    def close(self) -> None:
        self.module = None

    @classmethod
    def version(cls) -> str:
        return torch_version()
