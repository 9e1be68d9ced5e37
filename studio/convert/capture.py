"""Capturing an eager model as a graph: TorchScript (script or trace) or torch.export.

For TorchScript targets ``auto`` tries ``torch.jit.script`` and falls back to
``torch.jit.trace``, saying why in one line; a scripted module that cannot be saved
(it calls Python functions scripting left out) falls back too. For torch.export targets ``export`` uses
strict mode first, then non-strict; ``auto`` goes straight to torch.export's default,
non-strict mode (strict mode costs several times longer on large models).
"""

from __future__ import annotations

import io
import logging
import warnings
from dataclasses import dataclass, field
from typing import Any

import torch

from studio.convert.toolchain import first_line
from studio.errors import ConversionError

log = logging.getLogger(__name__)


@dataclass
class Captured:
    """A captured graph and how it was obtained."""

    method: str  # "script", "trace", "export" (strict) or "export-nonstrict"
    graph: Any  # a torch.jit.ScriptModule or a torch.export.ExportedProgram
    notes: list[str] = field(default_factory=list)


def capture_torchscript(module: torch.nn.Module, example: tuple, method: str = "auto") -> Captured:
    """Script or trace ``module``; ``auto`` scripts and falls back to tracing."""
    if method not in ("auto", "script", "trace"):
        raise ValueError(f"not a TorchScript capture method: {method}")
    notes: list[str] = []
    if method in ("auto", "script"):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                scripted = torch.jit.script(module)
        except Exception as exc:
            failed, error, why = "cannot compile this model", exc, "failed"
        else:
            error = unsaveable(scripted)
            if error is None:
                return Captured("script", scripted.eval(), notes)
            failed = why = "compiles this model but cannot save it"
        reason = first_line(error)
        if method == "script":
            raise ConversionError(
                f"torch.jit.script {failed}: {reason}",
                hint="use capture 'auto' or 'trace'",
                details=str(error),
            ) from None
        notes.append(f"torch.jit.script {why} ({reason}); traced instead")
        log.info("script failed, tracing: %s", reason)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            traced = torch.jit.trace(module, example, check_trace=False)
    except Exception as exc:
        raise ConversionError(
            f"torch.jit.trace cannot run this model: {first_line(exc)}",
            hint="check the input shape; or use capture 'export' for pte and onnx",
            details=str(exc),
        ) from None
    return Captured("trace", traced.eval(), notes)


def unsaveable(module: torch.jit.ScriptModule) -> Exception | None:
    """Why ``torch.jit.save`` cannot write ``module`` (it calls Python functions that
    scripting left out, ``@torch.jit.ignore``), or None when it can."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.jit.save(module, io.BytesIO())
    except Exception as exc:
        return exc
    return None


def capture_export(
    module: torch.nn.Module, example: tuple, dynamic_shapes: Any = None, strict_first: bool = True
) -> Captured:
    """``torch.export`` in strict mode, then non-strict; a ConversionError if both fail."""
    notes: list[str] = []
    attempts = [True, False] if strict_first else [False]
    last: BaseException | None = None
    for strict in attempts:
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                program = torch.export.export(
                    module, example, dynamic_shapes=dynamic_shapes, strict=strict
                )
            return Captured("export" if strict else "export-nonstrict", program, notes)
        except Exception as exc:
            last = exc
            if strict:
                notes.append(f"strict torch.export failed ({first_line(exc)}); used non-strict")
    raise ConversionError(
        f"torch.export cannot capture this model: {first_line(last)}",
        hint="pte and ONNX need torch.export; pt and ptl may still work with capture 'auto'",
        details=str(last),
    )
