"""TorchScript (``.pt``) through ``torch.jit.load``."""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from studio.errors import ModelFileError
from studio.runtimes.base import METADATA_NAME, Runner, TensorInfo, inputs_from_metadata
from studio.runtimes.torch_support import set_threads, to_arrays, to_tensors, torch_version


class TorchScriptRunner(Runner):
    runtime = "torchscript"
    suffixes = (".pt",)

    def load(self, path: str | Path, threads: int | None = None) -> None:
        path = self._check_file(path)
        extra = {METADATA_NAME: ""}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                self.module = torch.jit.load(str(path), map_location="cpu", _extra_files=extra)
        except Exception as exc:
            raise ModelFileError(
                f"{path.name} is not a TorchScript file that can be loaded ({_first_line(exc)})"
            ) from None
        self.module.eval()
        self.metadata = json.loads(extra[METADATA_NAME]) if extra[METADATA_NAME] else {}
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


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
