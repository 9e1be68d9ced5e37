"""TorchScript (``.pt``): the model scripted or traced, saved with ``torch.jit.save``."""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import torch

from studio.convert.targets.base import BuildContext, Target, TargetResult
from studio.convert.toolchain import first_line
from studio.errors import ConversionError
from studio.fileio import atomic_path
from studio.runtimes.base import METADATA_NAME


def save_torchscript(module: torch.jit.ScriptModule, path: Path, metadata_json: str) -> None:
    """Write a TorchScript archive atomically, with the studio's metadata inside.

    The archive is built in memory and written by Python: torch's own file writer aborts
    the whole process when the disk is full, where Python raises an OSError.
    """
    buffer = io.BytesIO()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # torch.jit.save's deprecation warning
            torch.jit.save(module, buffer, _extra_files={METADATA_NAME: metadata_json})
    except RuntimeError as exc:
        raise ConversionError(
            f"the TorchScript model cannot be saved: {first_line(exc)}",
            hint="use capture 'trace', or remove calls to Python functions from the model",
            details=str(exc),
        ) from None
    with atomic_path(path) as tmp:
        tmp.write_bytes(buffer.getvalue())


class TorchScriptTarget(Target):
    name = "pt"

    def build(self, context: BuildContext, path: Path) -> TargetResult:
        captured, notes = context.torchscript(quantized=True)
        context.report("write pt", 0.0)
        save_torchscript(captured.graph, path, context.metadata_json(captured.method))
        context.report("write pt", 1.0)
        return TargetResult(
            captured.method, list(notes), quantized_layers=context.torchscript_coverage()
        )
