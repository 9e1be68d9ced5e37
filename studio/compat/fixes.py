"""Fixes the studio can make when a runtime cannot read an artifact, each verified by running it.

- ``backport=N``: write a ``.ptl`` again at PyTorch Lite bytecode version N
  (``torch.jit.mobile._backport_for_mobile``),
- ``opset=N``: convert an ``.onnx`` model to ONNX opset N (onnx's version converter).

The result is written beside the original (``model.v7.ptl``, ``model.opset13.onnx``) unless
an output path is given, atomically, and then run against the original on random inputs.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from studio.compat.operators import ONNX, PTL, detect_kind
from studio.errors import ConversionError, InputError
from studio.fileio import atomic_path
from studio.progress import CancelToken, Progress, ProgressEvent, no_progress

BACKPORT = "backport"
OPSET = "opset"
ACTIONS = {BACKPORT: PTL, OPSET: ONNX}
LOWEST_BACKPORT_VERSION = 4
VERIFY_SAMPLES = 2
VERIFY_ATOL, VERIFY_RTOL = 1e-4, 1e-3


@dataclass
class FixResult:
    action: str
    value: int
    source: Path
    output: Path
    verified: bool
    max_abs_error: float
    samples: int
    input_shapes: list[list[int]] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "action": self.action,
            "value": self.value,
            "source": str(self.source),
            "output": str(self.output),
            "verified": self.verified,
            "max_abs_error": self.max_abs_error,
            "samples": self.samples,
            "input_shapes": self.input_shapes,
        }


def parse_fix(text: str) -> tuple[str, int]:
    """``"backport=7"`` -> ``("backport", 7)``; a clear error for anything else."""
    action, sep, value = text.partition("=")
    action = action.strip().lower()
    if not sep or action not in ACTIONS:
        raise InputError(
            f"unknown fix {text!r}", hint="use --fix backport=VERSION or --fix opset=VERSION"
        )
    try:
        number = int(value)
    except ValueError:
        raise InputError(f"--fix {action} needs a whole number, not {value!r}") from None
    if number < 1:
        raise InputError(f"--fix {action} needs a positive version, not {number}")
    return action, number


def default_output(source: Path, action: str, value: int) -> Path:
    tag = f"v{value}" if action == BACKPORT else f"opset{value}"
    return source.with_name(f"{source.stem}.{tag}{source.suffix}")


# ------------------------------------------------------------------ the conversions


def backport_ptl(source: Path, destination: Path, version: int) -> None:
    import torch.jit.mobile as mobile

    if version < LOWEST_BACKPORT_VERSION:
        raise ConversionError(
            f"the studio cannot write PyTorch Lite bytecode older than version {LOWEST_BACKPORT_VERSION}",
            hint="update the app's PyTorch Lite library",
        )
    current = mobile._get_model_bytecode_version(str(source))
    if version > current:
        raise ConversionError(
            f"{source.name} is bytecode version {current}; it cannot be moved up to {version}",
            hint="a runtime that reads a newer version also reads this one",
        )
    with atomic_path(destination) as tmp:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            ok = mobile._backport_for_mobile(str(source), str(tmp), version)
        if not ok or mobile._get_model_bytecode_version(str(tmp)) != version:
            raise ConversionError(
                f"{source.name} could not be written at bytecode version {version}",
                hint="convert the model again with an older PyTorch",
            )


def _drop_identities(graph) -> None:
    """Rewire the consumers of Identity nodes to their inputs (same values, fewer nodes).

    onnx's version converter has no adapter down from Identity-16, which exporters emit often.
    Identities that produce a graph output stay.
    """
    outputs = {o.name for o in graph.output}
    rename = {}
    keep = []
    for node in graph.node:
        if (
            node.op_type == "Identity"
            and node.domain in ("", "ai.onnx")
            and node.output[0] not in outputs
        ):
            rename[node.output[0]] = node.input[0]
        else:
            keep.append(node)
    if not rename:
        return

    def resolve(name: str) -> str:
        while name in rename:
            name = rename[name]
        return name

    for node in keep:
        node.input[:] = [resolve(name) for name in node.input]
    del graph.node[:]
    graph.node.extend(keep)


def lower_opset(source: Path, destination: Path, opset: int) -> None:
    import onnx
    from onnx import version_converter

    try:
        model = onnx.load(str(source))
        _drop_identities(model.graph)
        converted = version_converter.convert_version(model, int(opset))
        onnx.checker.check_model(converted)
    except Exception as exc:  # the converter raises RuntimeError, ValidationError, ...
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise ConversionError(
            f"{source.name} cannot be converted to ONNX opset {opset} ({first})",
            hint="convert from the PyTorch model at that opset instead",
            details=str(exc),
        ) from None
    with atomic_path(destination) as tmp:
        onnx.save_model(converted, str(tmp))


# ------------------------------------------------------------------ verification


class _Lite:
    def __init__(self, path: Path):
        import torch
        from torch.jit.mobile import _load_for_lite_interpreter

        self.torch = torch
        self.module = _load_for_lite_interpreter(str(path), map_location="cpu")

    def shapes(self) -> list[list[int | None]] | None:
        return None  # the Lite format does not record input shapes

    def run(self, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
        with self.torch.inference_mode():
            out = self.module(*[self.torch.from_numpy(a) for a in arrays])
        out = out if isinstance(out, (tuple, list)) else [out]
        return [o.detach().numpy() for o in out]


class _Ort:
    def __init__(self, path: Path):
        import onnxruntime as ort

        self.session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])

    def shapes(self) -> list[list[int | None]]:
        return [
            [d if isinstance(d, int) else None for d in i.shape] for i in self.session.get_inputs()
        ]

    def run(self, arrays: Sequence[np.ndarray]) -> list[np.ndarray]:
        names = [i.name for i in self.session.get_inputs()]
        return list(self.session.run(None, dict(zip(names, arrays, strict=True))))


def _input_shapes(runner, given: list[list[int]] | None, source: Path) -> list[list[int]]:
    if given:
        return given
    shapes = runner.shapes()
    if shapes is None:
        raise InputError(
            f"{source.name} does not record its input shape, which verification needs",
            hint="give it with --input-shape, for example --input-shape 1,3,224,224",
        )
    return [[1 if d is None else d for d in shape] for shape in shapes]


def verify(
    source: Path,
    output: Path,
    kind: str,
    input_shapes: list[list[int]] | None,
    samples: int = VERIFY_SAMPLES,
    seed: int = 0,
) -> tuple[bool, float, list[list[int]]]:
    """Run the original and the fixed artifact on the same random inputs; compare outputs."""
    opener = _Lite if kind == PTL else _Ort
    original, fixed = opener(source), opener(output)
    shapes = _input_shapes(original, input_shapes, source)
    rng = np.random.default_rng(seed)
    worst = 0.0
    ok = True
    for _ in range(samples):
        arrays = [rng.standard_normal(shape).astype(np.float32) for shape in shapes]
        try:
            expected, actual = original.run(arrays), fixed.run(arrays)
        except Exception as exc:  # a wrong --input-shape surfaces as a runtime error
            first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
            raise InputError(
                f"the model did not run on inputs of shape {shapes} ({first[:200]})",
                hint="give the model's input shape with --input-shape",
            ) from None
        if len(expected) != len(actual):
            return False, float("inf"), shapes
        for a, b in zip(expected, actual, strict=True):
            if a.shape != b.shape:
                return False, float("inf"), shapes
            error = float(np.max(np.abs(a.astype(np.float64) - b))) if a.size else 0.0
            worst = max(worst, error)
            ok = ok and error <= VERIFY_ATOL + VERIFY_RTOL * float(
                np.max(np.abs(a)) if a.size else 0.0
            )
    return ok, worst, shapes


def apply_fix(
    artifact: str | Path,
    action: str,
    value: int,
    output: str | Path | None = None,
    input_shapes: list[list[int]] | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> FixResult:
    """Apply one fix to an artifact, write the result atomically and verify it."""
    source = Path(artifact)
    kind = detect_kind(source)
    needs = ACTIONS.get(action)
    if needs is None:
        raise InputError(f"unknown fix {action!r}", hint="use backport or opset")
    if kind != needs:
        what = "a PyTorch Lite model (.ptl)" if needs == PTL else "an ONNX model (.onnx)"
        raise InputError(f"--fix {action} works on {what}, not on {source.name}")
    destination = Path(output) if output else default_output(source, action, value)
    if destination.resolve() == source.resolve():
        raise InputError(
            "the fixed artifact must not replace the original", hint="choose another --fix-output"
        )
    cancel = cancel or CancelToken()
    stage = f"fix {action}={value}"
    progress(ProgressEvent(stage, 0.0, "converting"))
    cancel.check()
    if action == BACKPORT:
        backport_ptl(source, destination, value)
    else:
        lower_opset(source, destination, value)
    progress(ProgressEvent(stage, 0.5, "verifying"))
    try:
        cancel.check()
        ok, worst, shapes = verify(source, destination, kind, input_shapes)
    except BaseException:
        destination.unlink(missing_ok=True)  # an unverified artifact is not left behind
        raise
    if not ok:
        destination.unlink(missing_ok=True)
        raise ConversionError(
            f"the {action}={value} result gives different outputs from {source.name} "
            f"(up to {worst:.3g}); it was not kept",
            hint="convert the model again from PyTorch for this runtime",
        )
    progress(ProgressEvent(stage, 1.0, "verified"))
    return FixResult(action, value, source, destination, True, worst, VERIFY_SAMPLES, shapes)
