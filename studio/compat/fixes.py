"""Fixes the studio can make when a runtime cannot read an artifact, each verified by running it.

- ``backport=N``: write a ``.ptl`` again at PyTorch Lite bytecode version N
  (``torch.jit.mobile._backport_for_mobile``),
- ``opset=N``: convert an ``.onnx`` model to ONNX opset N (onnx's version converter).

The result is written beside the original (``model.v7.ptl``, ``model.opset13.onnx``) unless
an output path is given, atomically, and then run against the original on random inputs.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from studio.compat.operators import ONNX, PTL, detect_kind
from studio.convert.recipe import LITE_MIN_BYTECODE
from studio.errors import Action, ConversionError, InputError, ModelFileError, StudioError
from studio.fileio import atomic_path
from studio.progress import CancelToken, Progress, ProgressEvent, no_progress

BACKPORT = "backport"
OPSET = "opset"
ACTIONS = {BACKPORT: PTL, OPSET: ONNX}
VERIFY_SAMPLES = 2


@dataclass
class FixResult:
    action: str
    value: int
    source: Path
    output: Path
    verdict: str  # the verification verdict: "pass" or "warn"
    max_abs_error: float
    samples: int
    input_shapes: list[list[int]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "action": self.action,
            "value": self.value,
            "source": str(self.source),
            "output": str(self.output),
            "verification": self.verdict,
            "max_abs_error": self.max_abs_error,
            "samples": self.samples,
            "input_shapes": self.input_shapes,
            "reasons": self.reasons,
        }

    @classmethod
    def from_dict(cls, doc: dict) -> FixResult:
        """The result that :meth:`to_dict` wrote (the worker's reply to a fix job)."""
        return cls(
            action=doc["action"],
            value=int(doc["value"]),
            source=Path(doc["source"]),
            output=Path(doc["output"]),
            verdict=doc["verification"],
            max_abs_error=float(doc["max_abs_error"]),
            samples=int(doc["samples"]),
            input_shapes=[list(shape) for shape in doc.get("input_shapes") or []],
            reasons=list(doc.get("reasons") or []),
        )


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
    from studio.convert.targets.ptl import backport

    if version < LITE_MIN_BYTECODE:
        raise ConversionError(
            f"the studio cannot write PyTorch Lite bytecode older than version {LITE_MIN_BYTECODE}",
            hint="update the app's PyTorch Lite library",
        )
    backport(source, destination, version)


def _drop_identities(graph) -> bool:
    """Rewire the consumers of Identity nodes to their inputs (same values, fewer nodes).

    onnx's version converter has no adapter down from Identity-16, which exporters often
    emit. Identities that produce a graph output stay. Returns whether anything changed.
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
        return False

    def resolve(name: str) -> str:
        while name in rename:
            name = rename[name]
        return name

    for node in keep:
        node.input[:] = [resolve(name) for name in node.input]
    del graph.node[:]
    graph.node.extend(keep)
    return True


def _relabel_to_opset(model, opset: int):
    """The model at ``opset`` when every operator kept the same signature between the two
    opsets (only the types it accepts changed: Relu 13 -> 14 added bfloat16), else None.

    onnx's converter has no adapter for many such changes. Type and semantic differences
    that the signature does not show are caught when the result is loaded and verified.
    """
    import onnx

    current = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")), None)
    if current is None or opset >= current:
        return None
    for node in model.graph.node:
        if node.domain not in ("", "ai.onnx"):
            continue
        if any(attr.HasField("g") or attr.graphs for attr in node.attribute):
            return None
        try:
            new = onnx.defs.get_schema(node.op_type, current, "")
            old = onnx.defs.get_schema(node.op_type, opset, "")
        except onnx.defs.SchemaError:
            return None  # the operator does not exist at the older opset
        if new.since_version == old.since_version:
            continue
        same = (
            [i.name for i in new.inputs] == [i.name for i in old.inputs]
            and [o.name for o in new.outputs] == [o.name for o in old.outputs]
            and all(attr.name in old.attributes for attr in node.attribute)
        )
        if not same:
            return None
    relabelled = onnx.ModelProto()
    relabelled.CopyFrom(model)
    for entry in relabelled.opset_import:
        if entry.domain in ("", "ai.onnx"):
            entry.version = opset
    onnx.checker.check_model(relabelled)
    return relabelled


def lower_opset(source: Path, destination: Path, opset: int) -> None:
    import onnx

    from studio.convert.targets.onnx import reexport_opset

    try:
        model = onnx.load(str(source))
    except Exception as exc:  # protobuf's DecodeError and friends
        raise ModelFileError(f"{source} is not a readable ONNX model ({exc})") from None
    _drop_identities(model.graph)
    with tempfile.TemporaryDirectory(prefix="studio-opset-") as tmp:
        prepared = Path(tmp) / source.name
        onnx.save_model(model, str(prepared))
        try:
            reexport_opset(prepared, destination, opset)
        except ConversionError as exc:
            if "No Adapter" not in str(exc.details or exc):
                raise
            relabelled = _relabel_to_opset(model, opset)
            if relabelled is None:
                raise
            with atomic_path(destination) as out:
                onnx.save_model(relabelled, str(out))


# ------------------------------------------------------------------ verification


def verify(
    source: Path,
    output: Path,
    input_shapes: list[list[int]] | None,
    samples: int = VERIFY_SAMPLES,
    seed: int = 0,
):
    """Run the original and the fixed artifact on the same random inputs and judge the outputs
    with the tolerances of an unquantized conversion. Returns (verdict, reasons, comparison)."""
    from studio.convert.compare import tolerances_for
    from studio.convert.verify import Reference, verify_runner
    from studio.model.inputs import UnknownShape, runner_inputs
    from studio.runtimes import open_runner

    shapes = None
    try:
        # the original is opened once: for its input shapes, then for the reference outputs
        with open_runner(source) as original:
            try:
                inputs = runner_inputs(original.inputs, samples, seed, input_shapes)
            except UnknownShape:
                raise InputError(
                    f"{source.name} does not record its input shape, which verification needs",
                    hint="give it with --input-shape, for example --input-shape 1,3,224,224",
                    action=Action.INPUT_SHAPE,
                ) from None
            shapes = [list(a.shape) for a in inputs.inputs[0]]
            reference = Reference.compute(original, inputs)
        with open_runner(output) as fixed:
            verification = verify_runner(fixed, reference, tolerances_for("none"))
    except StudioError:
        raise
    except Exception as exc:  # a wrong --input-shape surfaces as a runtime error
        if shapes is None:  # the original did not even open: not a question of shapes
            raise
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise InputError(
            f"the model did not run on inputs of shape {shapes} ({first[:200]})",
            hint="give the model's input shape with --input-shape",
            action=Action.INPUT_SHAPE,
        ) from None
    return verification.verdict, verification.reasons, verification.comparison, shapes


def apply_fix(
    artifact: str | Path,
    action: str,
    value: int,
    output: str | Path | None = None,
    input_shapes: list[list[int]] | None = None,
    progress: Progress = no_progress,
    cancel: CancelToken | None = None,
) -> FixResult:
    """Apply one fix to an artifact, write the result atomically and verify it.

    The conversions are the conversion pipeline's own (``studio.convert.targets``); the
    verification runs both files in their runtime (``studio.runtimes``) and judges them
    like a conversion (``studio.convert.compare``).
    """
    source = Path(artifact)
    kind = detect_kind(source)
    needs = ACTIONS.get(action)
    if needs is None:
        raise InputError(f"unknown fix {action!r}", hint="use backport or opset")
    if kind != needs:
        what = "a PyTorch Lite model (.ptl)" if needs == PTL else "an ONNX model (.onnx)"
        raise InputError(f"the {action} fix works on {what}, not on {source.name}")
    destination = Path(output) if output else default_output(source, action, value)
    if destination.resolve() == source.resolve():
        raise InputError(
            "the fixed artifact must not replace the original", hint="choose another --fix-output"
        )
    cancel = cancel or CancelToken()
    stage = f"fix {action}={value}"
    destination.parent.mkdir(parents=True, exist_ok=True)
    # Convert and verify under a temporary name (with the real suffix, which picks the
    # runtime); only a verified result takes the final name, and an existing file there is
    # untouched until then.
    fd, name = tempfile.mkstemp(
        prefix=f".{destination.stem}.", suffix=destination.suffix, dir=destination.parent
    )
    os.close(fd)
    work = Path(name)
    try:
        progress(ProgressEvent(stage, 0.0, "converting"))
        cancel.check()
        if action == BACKPORT:
            backport_ptl(source, work, value)
        else:
            lower_opset(source, work, value)
        progress(ProgressEvent(stage, 0.5, "verifying"))
        cancel.check()
        verdict, reasons, comparison, shapes = verify(source, work, input_shapes)
        if verdict == "fail":
            raise ConversionError(
                f"the {action}={value} result gives different outputs from {source.name} "
                f"({'; '.join(reasons)}); it was not kept",
                hint="convert the model again from PyTorch for this runtime",
            )
        os.replace(work, destination)
    finally:
        work.unlink(missing_ok=True)
    progress(ProgressEvent(stage, 1.0, "verified"))
    return FixResult(
        action,
        value,
        source,
        destination,
        verdict,
        comparison.max_abs_error,
        comparison.samples,
        shapes,
        reasons,
    )
