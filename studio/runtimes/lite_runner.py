"""PyTorch Lite (``.ptl``) through the lite interpreter, as ``pytorch_android_lite`` runs it."""

from __future__ import annotations

from pathlib import Path

from studio.errors import ModelFileError
from studio.runtimes.base import inputs_from_metadata, read_archive_metadata
from studio.runtimes.torch_support import TorchModuleRunner, first_line
from studio.watchdog import deadline


class LiteRunner(TorchModuleRunner):
    runtime = "pytorch-lite"

    def load(self, path: str | Path, threads: int | None = None) -> None:
        from torch.jit.mobile import _get_model_bytecode_version, _load_for_lite_interpreter

        path = self._check_file(path)
        try:
            with deadline(f"opening {path.name}"):  # runs the file's __setstate__ code
                module = _load_for_lite_interpreter(str(path), map_location="cpu")
            self.bytecode_version = int(_get_model_bytecode_version(str(path)))
        except Exception as exc:
            raise ModelFileError(
                f"{path.name} is not a PyTorch Lite file that can be loaded ({first_line(exc)})"
            ) from None
        self.metadata = read_archive_metadata(path)
        self._loaded(module, inputs_from_metadata(self.metadata), path, threads)
