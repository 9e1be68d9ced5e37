"""ONNX Runtime format (``.ort``) for ONNX Runtime Mobile, via ``onnxruntime.tools``."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from studio.convert.targets.base import BuildContext, Target, TargetResult
from studio.convert.targets.onnx import OnnxTarget
from studio.convert.toolchain import first_line, quiet
from studio.errors import ConversionError
from studio.fileio import atomic_path


def convert_to_ort(source: str | Path, destination: str | Path) -> Path:
    """Convert an ONNX file to ORT format (fixed optimizations, portable across CPUs)."""
    from onnxruntime.tools.convert_onnx_models_to_ort import (
        OptimizationStyle,
        convert_onnx_models_to_ort,
    )

    source, destination = Path(source), Path(destination)
    with tempfile.TemporaryDirectory(prefix=".ort-", dir=destination.parent) as work:
        work = Path(work)
        staged = work / "model.onnx"
        try:
            os.link(source, staged)
        except OSError:
            shutil.copyfile(source, staged)
        try:
            with quiet() as output:
                convert_onnx_models_to_ort(
                    staged, output_dir=work / "out", optimization_styles=[OptimizationStyle.Fixed]
                )
        except Exception as exc:
            raise ConversionError(
                f"{source.name} cannot be converted to ORT format: {first_line(exc)}",
                details=str(exc),
            ) from None
        produced = sorted((work / "out").glob("*.ort"))
        if not produced:
            raise ConversionError(
                f"{source.name} cannot be converted to ORT format",
                details=output.getvalue(),
            )
        with atomic_path(destination) as tmp:
            shutil.copyfile(produced[0], tmp)
    return destination


class OrtTarget(Target):
    name = "ort"

    def build(self, context: BuildContext, path: Path) -> TargetResult:
        built = context.cache.get("onnx")
        temporary = None
        if built is None:
            temporary = path.with_name(f".{path.stem}.for-ort.onnx")
            result = OnnxTarget().build(context, temporary)
            source = temporary
        else:
            source, result = built
        try:
            context.report("convert ort", 0.0)
            convert_to_ort(source, path)
            context.report("convert ort", 1.0)
        finally:
            if temporary is not None:
                temporary.unlink(missing_ok=True)
        return TargetResult(
            result.capture, list(result.notes), dict(result.options), result.quantized_layers
        )
