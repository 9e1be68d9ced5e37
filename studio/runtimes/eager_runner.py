"""Eager PyTorch: the reference every artifact is compared against."""

from __future__ import annotations

from pathlib import Path

import torch

from studio.errors import InputError
from studio.runtimes.base import TensorInfo
from studio.runtimes.torch_support import TorchModuleRunner


def _tensor_infos(input_spec) -> list[TensorInfo]:
    if input_spec is None:
        return []
    return [TensorInfo(t.name, tuple(t.shape), t.dtype) for t in input_spec.tensors]


class EagerRunner(TorchModuleRunner):
    runtime = "eager"

    @classmethod
    def from_module(cls, module: torch.nn.Module, input_spec=None, threads: int | None = None):
        """Wrap a module already in memory (``input_spec`` is a studio InputSpec or None)."""
        runner = cls()
        if hasattr(module, "eval"):
            module.eval()  # in place (a quantized exported graph's eval() returns None)
        runner._loaded(module, _tensor_infos(input_spec), None, threads)
        return runner

    def load(self, path: str | Path, threads: int | None = None) -> None:
        """Open a model file the way ``model-studio inspect`` does."""
        from studio.model import load_model

        loaded = load_model(path)
        if not loaded.runnable:
            raise InputError(f"{Path(path).name} cannot run in eager PyTorch")
        self._loaded(loaded.module, _tensor_infos(loaded.input_spec), Path(path), threads)
