"""What the three torch-based runners share: tensors in and out, threads, versions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from studio.runtimes.base import Runner, TensorInfo, first_line

__all__ = ["TorchModuleRunner", "first_line", "set_threads", "to_arrays", "to_tensors"]


def to_tensors(arrays: Sequence[np.ndarray]) -> list[torch.Tensor]:
    return [torch.from_numpy(np.ascontiguousarray(a)) for a in arrays]


def to_arrays(output) -> list[np.ndarray]:
    """Flatten a model's output (a tensor, or tuples/lists/dicts of them) into arrays."""
    if isinstance(output, torch.Tensor):
        return [output.detach().cpu().numpy()]
    if isinstance(output, (list, tuple)):
        return [a for item in output for a in to_arrays(item)]
    if isinstance(output, dict):
        return [a for key in output for a in to_arrays(output[key])]
    if isinstance(output, (int, float, bool)):
        return [np.asarray(output)]
    raise TypeError(f"the model returned a {type(output).__name__}, not tensors")


def set_threads(threads: int | None) -> None:
    """Torch's intra-op thread count is per process; None leaves it as it is."""
    if threads:
        torch.set_num_threads(int(threads))


class TorchModuleRunner(Runner):
    """A runner whose loaded model is a callable torch module (TorchScript, Lite, eager)."""

    def __init__(self) -> None:
        super().__init__()
        self.module = None

    def _loaded(self, module, inputs: list[TensorInfo], path, threads: int | None) -> None:
        self.module, self._inputs = module, inputs
        self.path, self.threads = path, threads
        set_threads(threads)

    def infer(self, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        arrays = self._check_inputs(inputs)
        with torch.inference_mode():
            return to_arrays(self.module(*to_tensors(arrays)))

    def close(self) -> None:
        self.module = None

    @classmethod
    def version(cls) -> str:
        return torch.__version__.split("+")[0]
