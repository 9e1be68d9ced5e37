"""ONNX (``.onnx``) at a chosen opset, with an optional dynamic batch dimension.

Opset 18 and newer use the torch.export-based exporter (sharing the capture with pte);
older opsets, and captures ``script``/``trace``, use the TorchScript-based exporter.
Quantized variants go through ``onnxruntime.quantization``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import torch

from studio.convert.targets.base import BuildContext, Target, TargetResult, batch_dynamic
from studio.convert.toolchain import chain_text, first_line, operator_in, quiet
from studio.errors import ConversionError
from studio.fileio import atomic_path

log = logging.getLogger(__name__)

DYNAMO_MIN_OPSET = 18  # the torch.export-based exporter writes nothing older


def output_names(count: int) -> list[str]:
    return ["output"] if count == 1 else [f"output{i}" for i in range(count)]


def opset_of(path: str | Path) -> int:
    """The default-domain opset of an ONNX file."""
    import onnx

    return _opset(onnx.load(str(path), load_external_data=False))


def _opset(model) -> int:
    return next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), 0)


def export_onnx(
    model,
    example: tuple,
    path: Path,
    opset: int,
    input_names: Sequence[str],
    dynamic_batch: bool = False,
) -> str:
    """Export an ExportedProgram (torch.export exporter) or an nn.Module/ScriptModule
    (TorchScript exporter) to one self-contained ONNX file, atomically. Returns the exporter."""
    import onnx

    is_program = isinstance(model, torch.export.ExportedProgram)
    if is_program:
        count = len(model.graph_signature.user_outputs)
    else:
        with torch.no_grad():
            outputs = model(*example)
        count = len(outputs) if isinstance(outputs, (tuple, list)) else 1
    names = output_names(count)
    exporter = "torch.export" if is_program else "torchscript"
    with atomic_path(path) as tmp:
        try:
            with quiet():
                if is_program:
                    program = torch.onnx.export(
                        model,
                        example,
                        dynamo=True,
                        opset_version=opset,
                        input_names=list(input_names),
                        output_names=names,
                        verbose=False,
                    )
                    written = _opset(program.model_proto)
                    onnx.save_model(program.model_proto, str(tmp))
                else:
                    axes = None
                    if dynamic_batch:
                        axes = {name: {0: "batch"} for name in [*input_names, *names]}
                    torch.onnx.export(
                        model,
                        example,
                        str(tmp),
                        dynamo=False,
                        opset_version=opset,
                        input_names=list(input_names),
                        output_names=names,
                        dynamic_axes=axes,
                    )
        except Exception as exc:
            operator = operator_in(exc)
            reason = f"the operator {operator} has no ONNX mapping" if operator else first_line(exc)
            raise ConversionError(
                f"this model cannot be exported to ONNX opset {opset}: {reason}",
                hint="replace that operator in the model, or try a newer opset",
                details=chain_text(exc),
            ) from None
        if not is_program:
            written = opset_of(tmp)
        if written != opset:
            raise ConversionError(
                f"the ONNX exporter wrote opset {written}, not the requested {opset}",
                hint=f"use opset {written}, or capture 'trace' for opsets older than {DYNAMO_MIN_OPSET}",
            )
    return exporter


def reexport_opset(source: str | Path, destination: str | Path, opset: int) -> Path:
    """Convert an ONNX file to another opset (onnx's version converter), atomically."""
    import onnx
    from onnx import version_converter

    source, destination = Path(source), Path(destination)
    try:
        model = onnx.load(str(source))
        converted = version_converter.convert_version(model, int(opset))
        onnx.checker.check_model(converted)
    except Exception as exc:
        raise ConversionError(
            f"{source.name} cannot be converted to ONNX opset {opset}: {first_line(exc)}",
            hint="re-convert from the PyTorch model with that opset instead",
            details=str(exc),
        ) from None
    with atomic_path(destination) as tmp:
        onnx.save_model(converted, str(tmp))
    return destination


class OnnxTarget(Target):
    name = "onnx"

    def build(self, context: BuildContext, path: Path) -> TargetResult:
        recipe = context.recipe
        opset, dynamic = recipe.onnx.opset, recipe.onnx.dynamic_batch
        mode = recipe.quantize.mode
        notes: list[str] = []
        coverage = None
        float_path = path
        if mode != "none":
            float_path = path.with_name(f".{path.stem}.float32.onnx")
        example = context.example
        context.report("export onnx", 0.0, f"opset {opset}")
        if recipe.capture in ("auto", "export") and opset >= DYNAMO_MIN_OPSET:
            try:
                captured = context.exported(dynamic)
            except ConversionError as exc:
                if recipe.capture == "export":
                    raise
                notes.append(f"torch.export failed ({exc.message}); used the TorchScript exporter")
                captured = None
            if captured is not None:
                if dynamic:
                    example, _ = batch_dynamic(example)
                notes.extend(captured.notes)
                export_onnx(
                    captured.graph, example, float_path, opset, context.input_names, dynamic
                )
                capture = captured.method
        else:
            captured = None
        if captured is None:
            capture = "trace"
            model = context.module
            if recipe.capture == "script":
                model = context.torchscript(quantized=False)[0].graph
                capture = "script"
            export_onnx(model, example, float_path, opset, context.input_names, dynamic)
        context.check()
        if mode != "none":
            from studio.convert.quantize import onnx_coverage, onnx_quantize

            stage = "quantize (onnxruntime)"
            context.report(stage, 0.0, mode)
            try:
                onnx_quantize(
                    float_path,
                    path,
                    mode,
                    context.input_names,
                    context.calibration_samples(),
                    per_channel=opset >= 13,
                    cancel=context.cancel,
                    keep_float=context.keep_float,
                )
                coverage = onnx_coverage(float_path, path, mode) if mode != "fp16" else None
            finally:
                float_path.unlink(missing_ok=True)
            context.report(stage, 1.0)
        context.report("export onnx", 1.0)
        if coverage is not None:
            notes.append(coverage.note)
        options = {"opset": opset, "dynamic_batch": dynamic}
        result = TargetResult(capture, notes, options, coverage)
        context.cache["onnx"] = (path, result)
        return result
