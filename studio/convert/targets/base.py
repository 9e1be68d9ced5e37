"""The interface every target implements, and the shared state of one conversion.

A target turns the model into one artifact file: ``build(context, path)``. The
:class:`BuildContext` holds what targets share (the eager model, example inputs,
calibration samples) and caches captures, so that pt and ptl script the model once and
pte and onnx export it once.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import torch

from studio import artifacts
from studio.convert.capture import Captured, capture_export, capture_torchscript
from studio.convert.coverage import Coverage
from studio.convert.recipe import Recipe
from studio.errors import ConversionError, RecipeError
from studio.model.exported import program_of
from studio.model.inputs import InputSpec, SampleSet, random_inputs
from studio.progress import CancelToken, Progress, ProgressEvent


@dataclass
class TargetResult:
    """What a target did: which capture produced the artifact, and anything worth saying."""

    capture: str
    notes: list[str] = field(default_factory=list)
    options: dict = field(default_factory=dict)  # target options that shaped the artifact
    quantized_layers: Coverage | None = None  # int8: the layers that hold int8 weights


class Target:
    """One artifact format. Subclasses set ``name`` (a key of :data:`studio.artifacts.FORMATS`,
    which gives the suffix and title) and implement ``build``."""

    name: ClassVar[str]
    suffix: ClassVar[str]
    title: ClassVar[str]

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        form = artifacts.FORMATS[cls.name]
        cls.suffix, cls.title = form.suffix, form.title

    def build(self, context: BuildContext, path: Path) -> TargetResult:
        raise NotImplementedError


@dataclass
class BuildContext:
    recipe: Recipe
    module: torch.nn.Module  # eager, float32, eval mode
    input_spec: InputSpec
    calibration: SampleSet | None = None
    progress: Progress = field(default=lambda event: None)
    cancel: CancelToken = field(default_factory=CancelToken)
    labels: list[str] | None = None
    keep_float: list[str] = field(default_factory=list)  # module names left float32 in int8
    cache: dict[str, Any] = field(default_factory=dict)

    # --- inputs ----------------------------------------------------------------------------

    @property
    def example(self) -> tuple[torch.Tensor, ...]:
        """Example inputs of the spec's shapes: the seeded random inputs that verification
        and the agent use too (:func:`studio.model.inputs.random_inputs`)."""
        if "example" not in self.cache:
            arrays = random_inputs(self.input_spec, 1).inputs[0]
            self.cache["example"] = tuple(torch.from_numpy(a) for a in arrays)
        return self.cache["example"]

    @property
    def input_names(self) -> list[str]:
        return [t.name for t in self.input_spec.tensors]

    def calibration_samples(self) -> list[list[np.ndarray]]:
        return self.calibration.inputs if self.calibration is not None else []

    def calibrate_fn(self, stage: str) -> Callable:
        from studio.convert.quantize import calibration_feeder

        def tick(done: int, total: int) -> None:
            self.report(stage, done / total, f"calibrating {done}/{total}")

        return calibration_feeder(self.calibration_samples(), self.cancel, tick)

    # --- progress --------------------------------------------------------------------------

    def report(self, stage: str, fraction: float | None, message: str = "") -> None:
        self.progress(ProgressEvent(stage=stage, fraction=fraction, message=message))

    def check(self) -> None:
        self.cancel.check()

    def metadata(self, capture: str) -> dict:
        """What the studio stores inside TorchScript and Lite archives."""
        return {
            "input_spec": self.input_spec.to_dict(),
            "capture": capture,
            "quantize": self.recipe.quantize.mode,
            "labels": self.labels,
        }

    def metadata_json(self, capture: str) -> str:
        return json.dumps(self.metadata(capture))

    # --- shared captures -------------------------------------------------------------------

    def torchscript(self, quantized: bool) -> tuple[Captured, list[str]]:
        """The model as TorchScript, quantized first when the recipe says so (cached):
        dynamic int8 in eager mode, static int8 in FX graph mode. What the quantization
        covered is :meth:`torchscript_coverage`."""
        key = f"torchscript:{quantized}"
        if key not in self.cache:
            notes: list[str] = []
            coverage = None
            module = self.module
            mode = self.recipe.quantize.mode
            if quantized and mode in ("dynamic", "static"):
                from studio.convert import quantize

                backend = self.recipe.quantize.backend
                stage = "quantize (eager)" if mode == "dynamic" else "quantize (FX graph mode)"
                self.report(stage, 0.0, f"{mode} int8, {backend} backend")
                if mode == "static":
                    module = quantize.fx_quantize(
                        module,
                        self.example,
                        mode,
                        backend,
                        self.calibrate_fn(stage),
                        keep_float=self.keep_float,
                    )
                elif program_of(module) is None:  # a .pt2 program has no layers to swap
                    module = quantize.dynamic_quantize(module, backend, self.keep_float)
                coverage = quantize.module_coverage(self.module, module, mode)
                self.cache["torchscript:coverage"] = coverage
                self.report(stage, 1.0)
                self.check()
            method = self.recipe.capture if self.recipe.capture != "export" else "auto"
            if program_of(self.module) is not None:
                method = _trace_program(method)
                notes.append("a torch.export program cannot be scripted: traced its module")
            self.report("capture (TorchScript)", 0.0, method)
            captured = capture_torchscript(module, self.example, method)
            self.report("capture (TorchScript)", 1.0, captured.method)
            self.check()
            said = [coverage.note] if coverage else []
            self.cache[key] = (captured, notes + captured.notes + said)
        return self.cache[key]

    def torchscript_coverage(self) -> Coverage | None:
        """What int8 quantization covered in the TorchScript model (None when float)."""
        return self.cache.get("torchscript:coverage")

    def exported(self, dynamic_batch: bool = False) -> Captured:
        """The float32 model captured with torch.export (cached)."""
        key = f"export:{dynamic_batch}"
        program = program_of(self.module)
        if program is not None and key not in self.cache:
            self.cache[key] = given_program(program, dynamic_batch)
        if key not in self.cache:
            example, dynamic_shapes = self.example, None
            if dynamic_batch:
                example, dynamic_shapes = batch_dynamic(self.example)
            self.report("capture (torch.export)", 0.0)
            # capture "export" asks for strict mode first (sound graphs, slower);
            # "auto" uses torch.export's default, non-strict
            strict_first = self.recipe.capture == "export"
            captured = capture_export(self.module, example, dynamic_shapes, strict_first)
            self.report("capture (torch.export)", 1.0, captured.method)
            self.check()
            self.cache[key] = captured
        return self.cache[key]


def given_program(program, dynamic_batch: bool) -> Captured:
    """A model opened from a .pt2 file: its program is the export, used as it is."""
    if dynamic_batch and not _batch_is_dynamic(program):
        # a recipe conflict, not a capture failure: no other exporter may take over
        raise RecipeError(
            "the .pt2 file was exported for a fixed batch size, so the ONNX file cannot have "
            "a dynamic batch size",
            hint="turn off the dynamic batch size, or export the model again with a dynamic "
            "batch dimension",
        )
    return Captured("exported program", program, ["converted the program in the .pt2 file"])


def _batch_is_dynamic(program) -> bool:
    inputs = set(program.graph_signature.user_inputs)
    shapes = [
        node.meta["val"].shape
        for node in program.graph.nodes
        if node.op == "placeholder" and node.name in inputs and "val" in node.meta
    ]
    return bool(shapes) and all(
        len(shape) and isinstance(shape[0], torch.SymInt) for shape in shapes
    )


def _trace_program(method: str) -> str:
    if method == "script":
        raise ConversionError(
            "a torch.export program (.pt2) cannot be scripted",
            hint="use capture 'auto' or 'trace', which trace the program's module",
        )
    return "trace"


def batch_dynamic(example: tuple[torch.Tensor, ...]) -> tuple[tuple, tuple]:
    """Example inputs with a batch of 2 (export specialises a batch of 1) and a batch Dim."""
    batch = torch.export.Dim("batch", min=1, max=4096)
    widened = tuple(t.expand(max(2, t.shape[0]), *t.shape[1:]).contiguous() for t in example)
    return widened, tuple({0: batch} for _ in example)
