"""TorchScript (``.pt``) through ``torch.jit.load``."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import torch

from studio.errors import ModelFileError
from studio.runtimes.base import METADATA_NAME, inputs_from_metadata
from studio.runtimes.torch_support import TorchModuleRunner, first_line
from studio.watchdog import deadline


class TorchScriptRunner(TorchModuleRunner):
    runtime = "torchscript"

    def load(self, path: str | Path, threads: int | None = None) -> None:
        path = self._check_file(path)
        extra = {METADATA_NAME: ""}
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                with deadline(f"opening {path.name}"):  # runs the file's __setstate__ code
                    module = torch.jit.load(str(path), map_location="cpu", _extra_files=extra)
        except Exception as exc:
            raise ModelFileError(
                f"{path.name} is not a TorchScript file that can be loaded ({first_line(exc)})"
            ) from None
        self.metadata = json.loads(extra[METADATA_NAME]) if extra[METADATA_NAME] else {}
        self._loaded(module.eval(), inputs_from_metadata(self.metadata), path, threads)
