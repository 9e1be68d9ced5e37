"""Capturing an eager model as a graph: TorchScript (script or trace) or torch.export.

For TorchScript targets ``auto`` tries ``torch.jit.script`` and falls back to
``torch.jit.trace``, saying why in one line; a scripted module that cannot be saved
(it calls Python functions scripting left out) falls back too. For torch.export targets ``export`` uses
strict mode first, then non-strict; ``auto`` goes straight to torch.export's default,
non-strict mode (strict mode costs several times longer on large models).
"""

from __future__ import annotations

import dataclasses
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
    outputs: list[str] = field(default_factory=list)  # names of a dict's or dataclass's outputs


def named_outputs(output, prefix: str = "") -> list[tuple[str, torch.Tensor]]:
    """The tensors of a model's output with their names, in the order every runtime gives
    them: a dict's or dataclass's fields by name (``ModelOutput`` included), a tuple's items
    by position (``0``), nested ones joined by dots; None fields are left out."""
    if isinstance(output, torch.Tensor):
        return [(prefix or "output", output)]
    if isinstance(output, dict):
        items = list(output.items())
    elif dataclasses.is_dataclass(output) and not isinstance(output, type):
        items = [(f.name, getattr(output, f.name)) for f in dataclasses.fields(output)]
    elif isinstance(output, (list, tuple)):
        items = list(enumerate(output))
    else:
        return []
    named = []
    for key, value in items:
        if value is not None:
            named += named_outputs(value, f"{prefix}.{key}" if prefix else str(key))
    return named


def _structured(output) -> bool:
    """Whether an output holds a dict or a dataclass (which tracing cannot return)."""
    if isinstance(output, dict) or (
        dataclasses.is_dataclass(output) and not isinstance(output, type)
    ):
        return True
    return isinstance(output, (list, tuple)) and any(_structured(o) for o in output)


class FlatOutputs(torch.nn.Module):
    """A model whose output is a dict or dataclass, returning its tensors as a tuple in the
    order of :func:`named_outputs`."""

    def __init__(self, model: torch.nn.Module):
        super().__init__()
        self.model = model

    def forward(self, *inputs):
        return tuple(tensor for _, tensor in named_outputs(self.model(*inputs)))


def capture_torchscript(module: torch.nn.Module, example: tuple, method: str = "auto") -> Captured:
    """Script or trace ``module``; ``auto`` scripts and falls back to tracing."""
    if method not in ("auto", "script", "trace"):
        raise ValueError(f"not a TorchScript capture method: {method}")
    notes: list[str] = []
    try:
        with torch.no_grad():
            output = module(*example)
    except Exception:  # the capture below says why the model does not run
        output = None
    outputs = [name for name, _ in named_outputs(output)] if _structured(output) else []
    if outputs:
        kind = "a dict" if isinstance(output, dict) else f"a {type(output).__name__}"
        notes.append(f"the model returns {kind}; its outputs in order: {', '.join(outputs)}")
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
                return Captured("script", scripted.eval(), notes, outputs)
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
            traced = torch.jit.trace(
                FlatOutputs(module) if outputs else module, example, check_trace=False
            )
    except Exception as exc:
        raise ConversionError(
            f"torch.jit.trace cannot run this model: {first_line(exc)}",
            hint="check the input shape; or use capture 'export' for pte and onnx",
            details=str(exc),
        ) from None
    if outputs:
        notes.append("traced it returning them as a tuple in that order")
    return Captured("trace", traced.eval(), notes, outputs)


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
