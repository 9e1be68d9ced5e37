"""Comparing an artifact's outputs with eager PyTorch, with explicit tolerances.

Float32 artifacts are judged by absolute error (``atol + rtol * max|reference|``);
float16 and int8 ones by cosine similarity and top-1 agreement, since their errors are
expected and only their effect on the answer matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

PASS, WARN, FAIL = "pass", "warn", "fail"


@dataclass(frozen=True)
class Tolerances:
    atol: float | None = None  # None: absolute error is reported, not judged
    rtol: float = 0.0
    min_cosine: float = 0.0
    min_top1: float = 0.0
    max_accuracy_drop: float = 0.02  # on a labelled folder, in fractions (0.02 = 2 points)
    # Below the pass bar but above these, the verdict is "warn" rather than "fail".
    warn_factor: float = 10.0  # error up to warn_factor x the allowed error
    warn_cosine_margin: float = 0.02
    warn_top1_margin: float = 0.10

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict) -> Tolerances:
        return cls(**doc)


DEFAULT_TOLERANCES: dict[str, Tolerances] = {
    "none": Tolerances(atol=1e-4, rtol=1e-3, min_cosine=0.9999, min_top1=1.0),
    "fp16": Tolerances(atol=None, min_cosine=0.999, min_top1=0.95),
    "dynamic": Tolerances(atol=None, min_cosine=0.99, min_top1=0.95),
    "static": Tolerances(atol=None, min_cosine=0.98, min_top1=0.95, warn_cosine_margin=0.05),
}


def tolerances_for(mode: str, **overrides) -> Tolerances:
    """The default tolerances of a quantization mode, with any non-None overrides."""
    base = DEFAULT_TOLERANCES[mode]
    changes = {k: v for k, v in overrides.items() if v is not None}
    return replace(base, **changes) if changes else base


@dataclass
class Comparison:
    samples: int
    max_abs_error: float
    mean_abs_error: float
    max_reference: float  # the largest |reference| value, the scale errors are judged against
    cosine: float  # the lowest per-sample cosine similarity
    mean_cosine: float
    top1_agreement: float | None = None  # classifiers only
    top5_agreement: float | None = None  # reference top-1 within the artifact's top-5
    shape_mismatch: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> float:
    a = np.asarray(a, dtype=np.float64).ravel()
    b = np.asarray(b, dtype=np.float64).ravel()
    na, nb = np.linalg.norm(a), np.linalg.norm(b)
    if na == 0.0 and nb == 0.0:
        return 1.0
    if na == 0.0 or nb == 0.0:
        return 0.0
    return float(np.dot(a, b) / (na * nb))


def is_classifier_output(array: np.ndarray) -> bool:
    """A (batch, classes) output with at least two classes."""
    return array.ndim == 2 and array.shape[1] >= 2


def compare_outputs(
    reference: Sequence[Sequence[np.ndarray]], actual: Sequence[Sequence[np.ndarray]]
) -> Comparison:
    """Compare per-sample output lists. Classifier metrics use the first output."""
    max_abs = mean_total = max_ref = 0.0
    count = 0
    cosines: list[float] = []
    top1: list[bool] = []
    top5: list[bool] = []
    for ref_outputs, act_outputs in zip(reference, actual, strict=False):
        if len(ref_outputs) != len(act_outputs):
            return _mismatch(
                len(reference), f"{len(act_outputs)} outputs instead of {len(ref_outputs)}"
            )
        for ref, act in zip(ref_outputs, act_outputs, strict=False):
            ref = np.asarray(ref, dtype=np.float64)
            act = np.asarray(act, dtype=np.float64)
            if ref.shape != act.shape:
                return _mismatch(len(reference), f"output shape {act.shape} instead of {ref.shape}")
            diff = np.abs(ref - act)
            if diff.size:
                max_abs = max(
                    max_abs, float(np.nanmax(diff)) if not np.isnan(diff).all() else np.inf
                )
                if np.isnan(diff).any():
                    max_abs = float("inf")
                mean_total += float(np.nansum(diff))
                count += diff.size
                max_ref = max(max_ref, float(np.max(np.abs(ref))))
        cosines.append(
            cosine_similarity(
                np.concatenate([np.ravel(r) for r in ref_outputs]),
                np.concatenate([np.ravel(a) for a in act_outputs]),
            )
        )
        first_ref, first_act = np.asarray(ref_outputs[0]), np.asarray(act_outputs[0])
        if is_classifier_output(first_ref):
            for r_row, a_row in zip(first_ref, first_act, strict=False):
                expected = int(np.argmax(r_row))
                top1.append(expected == int(np.argmax(a_row)))
                if r_row.shape[0] > 5:
                    top5.append(expected in np.argsort(-a_row)[:5])
    return Comparison(
        samples=len(reference),
        max_abs_error=max_abs,
        mean_abs_error=mean_total / count if count else 0.0,
        max_reference=max_ref,
        cosine=min(cosines) if cosines else 0.0,
        mean_cosine=float(np.mean(cosines)) if cosines else 0.0,
        top1_agreement=float(np.mean(top1)) if top1 else None,
        top5_agreement=float(np.mean(top5)) if top5 else None,
    )


def _mismatch(samples: int, what: str) -> Comparison:
    inf = float("inf")
    return Comparison(samples, inf, inf, 0.0, 0.0, 0.0, None, None, shape_mismatch=what)


def judge(
    comparison: Comparison,
    tolerances: Tolerances,
    accuracy_before: float | None = None,
    accuracy_after: float | None = None,
) -> tuple[str, list[str]]:
    """The verdict (pass, warn, fail) and the reasons for anything short of pass."""
    if comparison.shape_mismatch:
        return FAIL, [f"the artifact returns {comparison.shape_mismatch}"]
    verdicts: list[str] = []
    reasons: list[str] = []

    def grade(ok: bool, near: bool, text: str) -> None:
        if ok:
            return
        verdicts.append(WARN if near else FAIL)
        reasons.append(text)

    if tolerances.atol is not None:
        allowed = tolerances.atol + tolerances.rtol * comparison.max_reference
        grade(
            comparison.max_abs_error <= allowed,
            comparison.max_abs_error <= allowed * tolerances.warn_factor,
            f"max error {comparison.max_abs_error:.3g} exceeds {allowed:.3g}",
        )
    grade(
        comparison.cosine >= tolerances.min_cosine,
        comparison.cosine >= tolerances.min_cosine - tolerances.warn_cosine_margin,
        f"cosine similarity {comparison.cosine:.5f} is below {tolerances.min_cosine}",
    )
    if comparison.top1_agreement is not None:
        grade(
            comparison.top1_agreement >= tolerances.min_top1,
            comparison.top1_agreement >= tolerances.min_top1 - tolerances.warn_top1_margin,
            f"top-1 agreement {comparison.top1_agreement:.1%} is below {tolerances.min_top1:.0%}",
        )
    if accuracy_before is not None and accuracy_after is not None:
        drop = accuracy_before - accuracy_after
        grade(
            drop <= tolerances.max_accuracy_drop + 1e-9,
            drop <= 2 * tolerances.max_accuracy_drop + 1e-9,
            f"accuracy dropped {drop * 100:.1f} points ({accuracy_before:.1%} to {accuracy_after:.1%})",
        )
    if FAIL in verdicts:
        return FAIL, reasons
    if WARN in verdicts:
        return WARN, reasons
    return PASS, reasons
