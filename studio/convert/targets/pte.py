"""ExecuTorch (``.pte``): torch.export, lowered to the XNNPACK delegate or portable kernels."""

from __future__ import annotations

from pathlib import Path

from studio.convert.capture import capture_export
from studio.convert.targets.base import BuildContext, Target, TargetResult
from studio.convert.toolchain import chain_text, first_line, operator_in, quiet
from studio.errors import ConversionError
from studio.fileio import atomic_path
from studio.progress import CancelToken


def lower(program, backend: str = "xnnpack", cancel: CancelToken | None = None):
    """An ExportedProgram as an ExecuTorch program (``.buffer`` holds the .pte bytes)."""
    from executorch.exir import to_edge, to_edge_transform_and_lower

    try:
        with quiet():
            if backend == "xnnpack":
                from executorch.backends.xnnpack.partition.xnnpack_partitioner import (
                    XnnpackPartitioner,
                )

                edge = to_edge_transform_and_lower(program, partitioner=[XnnpackPartitioner()])
            elif backend == "portable":
                edge = to_edge(program)
            else:
                raise ValueError(f"unknown ExecuTorch backend {backend}")
            if cancel is not None:
                cancel.check()
            return edge.to_executorch()
    except Exception as exc:
        if type(exc).__name__ == "Cancelled" or isinstance(exc, ValueError):
            raise
        operator = operator_in(exc)
        reason = (
            f"the operator {operator} has no ExecuTorch kernel (it is not in the Core ATen opset)"
            if operator and "Core ATen" in chain_text(exc)
            else first_line(exc)
        )
        raise ConversionError(
            f"ExecuTorch cannot convert this model: {reason}",
            hint="replace that operator in the model, or convert to another target",
            details=chain_text(exc),
        ) from None


def save_program(executorch_program, path: Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_bytes(executorch_program.buffer)


class ExecuTorchTarget(Target):
    name = "pte"

    def build(self, context: BuildContext, path: Path) -> TargetResult:
        recipe = context.recipe
        mode, backend = recipe.quantize.mode, recipe.executorch.backend
        captured = context.exported()
        notes = list(captured.notes)
        program = captured.graph
        coverage = None
        if mode in ("dynamic", "static"):
            from studio.convert.quantize import pt2e_coverage, pt2e_quantize

            stage = "quantize (PT2E, XNNPACK)"
            context.report(stage, 0.0, f"{mode} int8")
            quantized = pt2e_quantize(
                program,
                context.example,
                mode,
                context.calibrate_fn(stage) if mode == "static" else None,
                keep_float=context.keep_float,
            )
            coverage = pt2e_coverage(program, quantized, mode)
            notes.append(coverage.note)
            context.check()
            program = capture_export(quantized, context.example, strict_first=False).graph
            context.report(stage, 1.0)
        elif mode == "fp16":
            from studio.convert.quantize import HalfPrecision

            program = capture_export(
                HalfPrecision(context.module), context.example, strict_first=False
            ).graph
            notes.append("runs in float16 with float32 inputs and outputs")
        context.check()
        context.report("lower pte", 0.0, f"{backend} backend; this can take a while")
        executorch_program = lower(program, backend, context.cancel)
        context.check()
        context.report("lower pte", 0.9, "writing")
        save_program(executorch_program, path)
        context.report("lower pte", 1.0)
        return TargetResult(captured.method, notes, {"backend": backend}, coverage)
