"""What the three torch-based runners share: tensors in and out, threads, versions."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch


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


def torch_version() -> str:
    return torch.__version__.split("+")[0]
