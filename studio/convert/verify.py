"""Verification: run an artifact in its own runtime and compare it with eager PyTorch.

The reference outputs are computed once per conversion and shared by every artifact.
Given a labelled folder (one sub-folder of images per class) accuracy is measured
before (eager) and after (the artifact).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from studio.convert.compare import (
    FAIL,
    WARN,
    Comparison,
    Tolerances,
    compare_outputs,
    judge,
    settled,
    uncertainties,
)
from studio.convert.detections import DetectionComparison, compare_detections
from studio.convert.toolchain import first_line
from studio.errors import Cancelled, InputError, StudioError
from studio.model.inputs import SampleSet
from studio.progress import CancelToken
from studio.runtimes import open_runner
from studio.runtimes.base import Runner, measure_latency


@dataclass
class Verification:
    verdict: str
    reasons: list[str]
    comparison: Comparison
    tolerances: Tolerances
    data: str  # "images", "tensors" or "random"
    low_fidelity: bool
    accuracy_before: float | None = None
    accuracy_after: float | None = None
    labelled_samples: int | None = None
    # What the verdict cannot be sure of, and flips that were not counted (see compare.py).
    notes: list[str] = field(default_factory=list)
    # The inputs were also calibration inputs: the quantizer has seen them.
    seen_in_calibration: bool = False
    # "low" when an interval straddles its bar: more samples would settle the verdict.
    confidence: str = "high"

    @classmethod
    def failed(cls, reason: str, tolerances: Tolerances, samples: SampleSet) -> Verification:
        """The artifact could not be run at all: a failed verdict with the reason."""
        nothing = Comparison(len(samples), float("inf"), float("inf"), 0.0, 0.0, 0.0)
        return cls(FAIL, [reason], nothing, tolerances, samples.source, samples.low_fidelity)

    def to_dict(self) -> dict:
        c = self.comparison
        return {
            "verdict": self.verdict,
            "max_abs_error": _finite(c.max_abs_error),
            "mean_abs_error": _finite(c.mean_abs_error),
            "cosine": c.cosine,
            "mean_cosine": c.mean_cosine,
            "mean_cosine_interval": _pair(c.mean_cosine_interval),
            "sqnr_db": None if c.sqnr_db is None else _finite(c.sqnr_db),
            "identical": c.sqnr_db == float("inf"),
            "top1_agreement": c.top1_agreement,
            "top1_interval": _pair(c.top1_interval),
            "top5_agreement": c.top5_agreement,
            "top5_interval": _pair(c.top5_interval),
            "confident_samples": c.confident_samples,
            "confident_top1": c.confident_top1,
            "confident_top1_interval": _pair(c.confident_top1_interval),
            "flips": c.flips,
            "unsure_flips": c.unsure_flips,
            "detections": c.detections.to_dict() if c.detections else None,
            "confidence": self.confidence,
            "notes": list(self.notes),
            "seen_in_calibration": self.seen_in_calibration,
            "accuracy_before": self.accuracy_before,
            "accuracy_after": self.accuracy_after,
            "labelled_samples": self.labelled_samples,
            "samples": c.samples,
            "data": self.data,
            "low_fidelity": self.low_fidelity,
            "reasons": list(self.reasons),
            "tolerances": self.tolerances.to_dict(),
        }

    @classmethod
    def from_dict(cls, doc: dict) -> Verification:
        """The verification of :meth:`to_dict`. The document does not hold the reference's
        scale nor a shape mismatch (its reasons say so): they come back as 0.0 and None."""
        comparison = Comparison(
            samples=int(doc["samples"]),
            max_abs_error=_infinite_if_none(doc["max_abs_error"]),
            mean_abs_error=_infinite_if_none(doc["mean_abs_error"]),
            max_reference=0.0,
            cosine=doc["cosine"],
            mean_cosine=doc["mean_cosine"],
            top1_agreement=doc.get("top1_agreement"),
            top5_agreement=doc.get("top5_agreement"),
            sqnr_db=float("inf") if doc.get("identical") else doc.get("sqnr_db"),
            mean_cosine_interval=_pair(doc.get("mean_cosine_interval")),
            top1_interval=_pair(doc.get("top1_interval")),
            top5_interval=_pair(doc.get("top5_interval")),
            confident_samples=doc.get("confident_samples"),
            confident_top1=doc.get("confident_top1"),
            confident_top1_interval=_pair(doc.get("confident_top1_interval")),
            flips=int(doc.get("flips") or 0),
            unsure_flips=int(doc.get("unsure_flips") or 0),
            detections=(
                DetectionComparison.from_dict(doc["detections"]) if doc.get("detections") else None
            ),
        )
        return cls(
            verdict=doc["verdict"],
            reasons=list(doc.get("reasons") or []),
            comparison=comparison,
            tolerances=Tolerances.from_dict(doc["tolerances"]),
            data=doc["data"],
            low_fidelity=bool(doc["low_fidelity"]),
            accuracy_before=doc.get("accuracy_before"),
            accuracy_after=doc.get("accuracy_after"),
            labelled_samples=doc.get("labelled_samples"),
            notes=list(doc.get("notes") or []),
            seen_in_calibration=bool(doc.get("seen_in_calibration")),
            confidence=doc.get("confidence", "high"),
        )


def _finite(value: float) -> float | None:
    return value if np.isfinite(value) else None


def _infinite_if_none(value: float | None) -> float:
    return float("inf") if value is None else float(value)


def _pair(interval) -> tuple[float, float] | None:
    return None if interval is None else (float(interval[0]), float(interval[1]))


def run_samples(
    runner: Runner, inputs: Sequence[Sequence[np.ndarray]], cancel: CancelToken | None = None
) -> list[list[np.ndarray]]:
    outputs = []
    for sample in inputs:
        if cancel is not None:
            cancel.check()
        outputs.append(runner.infer(sample))
    return outputs


def class_indices(samples: SampleSet, model_labels: Sequence[str] | None) -> list[int]:
    """Map a labelled folder's classes to the model's output indices, one per sample."""
    mapping = class_mapping(samples.class_names or [], model_labels)
    return [mapping[label] for label in samples.labels or []]


def class_mapping(names: Sequence[str], model_labels: Sequence[str] | None) -> list[int]:
    """The model's output index of each class sub-folder name.

    Names that are the model's labels map to their position; names that are whole
    numbers map to that number; otherwise sorted folder order is the class order.
    """
    if model_labels and all(name in model_labels for name in names):
        return [list(model_labels).index(name) for name in names]
    if names and all(name.isdigit() for name in names):
        return [int(name) for name in names]
    return list(range(len(names)))


def check_classes(samples: SampleSet, model_labels: Sequence[str] | None, outputs: int) -> None:
    """Refuse a labelled folder whose classes the model cannot output.

    ``outputs`` is how many classes the model gives. Accuracy against labels the model
    can never give measures nothing, and a verdict on it would be a false pass.
    """
    names = samples.class_names or []
    mapping = class_mapping(names, model_labels)
    if len(names) <= outputs and all(index < outputs for index in mapping):
        return
    shown = ", ".join(names[:10]) + (", ..." if len(names) > 10 else "")
    raise InputError(
        f"the labelled folder has {len(names)} classes ({shown}), but the model gives "
        f"{outputs} outputs: accuracy cannot be measured on these images",
        hint=f"use a folder with one sub-folder per class the model gives, named 0 to "
        f"{outputs - 1} or after the model's labels, or measure no accuracy",
    )


def check_labelled(eager: Runner, labelled: SampleSet, model_labels: Sequence[str] | None) -> None:
    """Refuse a labelled folder the model cannot judge, from one forward pass of its first
    image: before any target is built, not after."""
    check_classes(labelled, model_labels, output_width([eager.infer(labelled.inputs[0])]))


def output_width(outputs: Sequence[Sequence[np.ndarray]]) -> int:
    """How many classes a model's first output gives (its last dimension)."""
    first = np.asarray(outputs[0][0])
    return int(first.shape[-1]) if first.ndim else 1


def accuracy(outputs: Sequence[Sequence[np.ndarray]], targets: Sequence[int]) -> float | None:
    if not targets:
        return None
    hits = 0
    for out, target in zip(outputs, targets, strict=True):
        logits = np.asarray(out[0])
        first_row = logits.reshape(logits.shape[0], -1)[0] if logits.ndim > 1 else logits
        hits += int(np.argmax(first_row) == target)
    return hits / len(targets)


@dataclass
class Reference:
    """Eager PyTorch's outputs on the verification samples (and the labelled set)."""

    samples: SampleSet
    outputs: list[list[np.ndarray]]
    labelled: SampleSet | None = None
    labelled_outputs: list[list[np.ndarray]] | None = None
    targets: list[int] = field(default_factory=list)
    # A detector's outputs (studio.model.detection.DetectionOutputs): compared as detections.
    detections: Any = None

    @classmethod
    def compute(
        cls,
        eager: Runner,
        samples: SampleSet,
        labelled: SampleSet | None = None,
        model_labels: Sequence[str] | None = None,
        cancel: CancelToken | None = None,
    ) -> Reference:
        outputs = run_samples(eager, samples.inputs, cancel)
        reference = cls(samples, outputs)
        if labelled is not None:
            reference.labelled = labelled
            reference.labelled_outputs = run_samples(eager, labelled.inputs, cancel)
            check_classes(labelled, model_labels, output_width(reference.labelled_outputs))
            reference.targets = class_indices(labelled, model_labels)
        return reference

    @property
    def accuracy(self) -> float | None:
        if self.labelled_outputs is None:
            return None
        return accuracy(self.labelled_outputs, self.targets)


def verify_runner(
    runner: Runner,
    reference: Reference,
    tolerances: Tolerances,
    cancel: CancelToken | None = None,
) -> Verification:
    """Compare a loaded artifact with the reference outputs and judge it."""
    outputs = run_samples(runner, reference.samples.inputs, cancel)
    if reference.detections is not None:
        comparison = compare_detections(
            reference.outputs,
            outputs,
            reference.detections,
            tolerances.min_box_iou,
            tolerances.max_score_diff,
        )
    else:
        comparison = compare_outputs(reference.outputs, outputs)
    before = after = None
    if reference.labelled is not None:
        after_outputs = run_samples(runner, reference.labelled.inputs, cancel)
        before, after = reference.accuracy, accuracy(after_outputs, reference.targets)
    verdict, reasons = judge(comparison, tolerances, before, after)
    notes = uncertainties(comparison, tolerances)
    if reference.samples.seen_in_calibration:
        notes.append(
            "verified on calibration inputs (too few were given to hold any out): "
            "the quantizer has seen them, so other inputs may fare worse"
        )
    return Verification(
        verdict,
        reasons,
        comparison,
        tolerances,
        reference.samples.source,
        reference.samples.low_fidelity,
        before,
        after,
        len(reference.targets) if reference.labelled is not None else None,
        notes,
        reference.samples.seen_in_calibration,
        "high" if settled(comparison, tolerances) else "low",
    )


def verify_artifact(
    path: str | Path,
    reference: Reference,
    tolerances: Tolerances,
    cancel: CancelToken | None = None,
    latency_runs: int = 0,
    threads: int | None = None,
) -> tuple[Verification, float | None]:
    """Load ``path`` in its runtime, verify it, and measure its median latency here.

    An artifact that its runtime cannot load or run fails verification with the reason.
    """
    try:
        with open_runner(path, threads) as runner:
            verification = verify_runner(runner, reference, tolerances, cancel)
            if getattr(runner, "note", None):
                verification.notes.append(runner.note)
            unverifiable = getattr(runner, "unverifiable", None)
            if unverifiable and verification.verdict == FAIL:
                # what this computer computes is not what the file computes on a phone
                verification.notes += [f"on this computer: {r}" for r in verification.reasons]
                verification.verdict = WARN
                verification.reasons = [f"not verifiable here: {unverifiable}"]
                verification.confidence = "low"
            latency = None
            if latency_runs > 0 and reference.samples.inputs:
                latency = measure_latency(runner, reference.samples.inputs[0], latency_runs)
    except Cancelled:
        raise
    except Exception as exc:
        reason = exc.message if isinstance(exc, StudioError) else first_line(exc)
        return Verification.failed(
            f"the artifact does not run: {reason}", tolerances, reference.samples
        ), None
    return verification, latency


def verify_against_artifact(
    candidate: str | Path,
    original: str | Path,
    samples: SampleSet,
    tolerances: Tolerances,
    cancel: CancelToken | None = None,
) -> Verification:
    """Verify one artifact against another (a backported .ptl against its source, an ONNX
    file re-exported at another opset against the original)."""
    with open_runner(original) as runner:
        reference = Reference.compute(runner, samples, cancel=cancel)
    with open_runner(candidate) as runner:
        return verify_runner(runner, reference, tolerances, cancel)
