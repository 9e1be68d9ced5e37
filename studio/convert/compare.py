"""Comparing an artifact's outputs with eager PyTorch, with explicit tolerances.

Float32 artifacts are judged sample by sample: absolute error (``atol + rtol *
max|reference|``) and the worst sample's cosine similarity, since any difference is a bug.
Float16 and int8 ones are judged by statistics that settle as samples are added: the mean
cosine similarity, and top-1 agreement on the inputs where the original is sure of its
answer, given the benefit of the doubt its 95% interval allows (``studio.convert.statistics``).
Their errors are expected; only their effect on the answer matters.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace

import numpy as np

from studio.convert.detections import DetectionComparison, judge_detections, unsure_note
from studio.convert.statistics import (
    UNSURE_MARGIN,
    Interval,
    mean_interval,
    sqnr_db,
    straddles,
    top2_margin,
    wilson_interval,
)

PASS, WARN, FAIL = "pass", "warn", "fail"


@dataclass(frozen=True)
class Tolerances:
    atol: float | None = None  # None: absolute error is reported, not judged
    rtol: float = 0.0
    min_cosine: float = 0.0
    min_top1: float = 0.0
    min_sqnr: float | None = None  # dB over all outputs; None: reported, not judged
    max_accuracy_drop: float = 0.02  # on a labelled folder, in fractions (0.02 = 2 points)
    # Below the pass bar but above these, the verdict is "warn" rather than "fail".
    warn_factor: float = 10.0  # error up to warn_factor x the allowed error
    warn_cosine_margin: float = 0.02
    warn_top1_margin: float = 0.10
    warn_sqnr_margin: float = 3.0  # dB
    # Judge every sample (float32: any difference is a bug) rather than the statistics.
    worst_case: bool = False
    # Detectors (studio.convert.detections): the share of the original's boxes the artifact
    # must give with the same label at IoU min_box_iou, and how far a matched box's score
    # may move (boxes that close to the model's score cut are not counted).
    min_box_match: float = 0.99
    min_box_iou: float = 0.9
    max_score_diff: float = 1e-3

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, doc: dict) -> Tolerances:
        return cls(**doc)


DEFAULT_TOLERANCES: dict[str, Tolerances] = {
    "none": Tolerances(atol=1e-4, rtol=1e-3, min_cosine=0.9999, min_top1=1.0, worst_case=True),
    "fp16": Tolerances(
        atol=None,
        min_cosine=0.999,
        min_top1=0.95,
        min_box_match=0.95,
        min_box_iou=0.8,
        max_score_diff=0.02,
    ),
    "dynamic": Tolerances(
        atol=None,
        min_cosine=0.99,
        min_top1=0.95,
        min_box_match=0.9,
        min_box_iou=0.7,
        max_score_diff=0.05,
    ),
    "static": Tolerances(
        atol=None,
        min_cosine=0.98,
        min_top1=0.95,
        warn_cosine_margin=0.05,
        min_box_match=0.9,
        min_box_iou=0.7,
        max_score_diff=0.1,
    ),
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
    sqnr_db: float | None = None  # over all outputs; infinite when they are identical
    mean_cosine_interval: Interval | None = None
    top1_interval: Interval | None = None
    top5_interval: Interval | None = None
    # Top-1 agreement on the inputs where the original is sure (its two likeliest classes
    # at least UNSURE_MARGIN apart): the measure a changed answer is judged by.
    confident_samples: int | None = None
    confident_top1: float | None = None
    confident_top1_interval: Interval | None = None
    flips: int = 0  # inputs whose top class changed
    unsure_flips: int = 0  # of them, inputs where the original hesitates
    detections: DetectionComparison | None = None  # detectors: boxes matched, not elements

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
    """A (batch, classes) output with at least two classes. A detector's boxes (n, 4) are
    not: detectors are compared by :mod:`studio.convert.detections` instead."""
    return array.ndim == 2 and array.shape[1] >= 2


def compare_outputs(
    reference: Sequence[Sequence[np.ndarray]], actual: Sequence[Sequence[np.ndarray]]
) -> Comparison:
    """Compare per-sample output lists. Classifier metrics use the first output."""
    max_abs = mean_total = max_ref = signal = noise = 0.0
    count = 0
    cosines: list[float] = []
    top1: list[bool] = []
    top5: list[bool] = []
    sure: list[bool] = []
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
                signal += float(np.sum(ref * ref))
                noise += float(np.sum(diff * diff))
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
                sure.append(top2_margin(r_row) >= UNSURE_MARGIN)
                if r_row.shape[0] > 5:
                    top5.append(expected in np.argsort(-a_row)[:5])
    confident = [agrees for agrees, is_sure in zip(top1, sure, strict=True) if is_sure]
    flips = [not agrees for agrees in top1]
    return Comparison(
        samples=len(reference),
        max_abs_error=max_abs,
        mean_abs_error=mean_total / count if count else 0.0,
        max_reference=max_ref,
        cosine=min(cosines) if cosines else 0.0,
        mean_cosine=float(np.mean(cosines)) if cosines else 0.0,
        top1_agreement=_rate(top1),
        top5_agreement=_rate(top5),
        sqnr_db=sqnr_db(signal, noise) if count else None,
        mean_cosine_interval=mean_interval(cosines),
        top1_interval=wilson_interval(sum(top1), len(top1)),
        top5_interval=wilson_interval(sum(top5), len(top5)),
        confident_samples=len(confident) if top1 else None,
        confident_top1=_rate(confident),
        confident_top1_interval=wilson_interval(sum(confident), len(confident)),
        flips=sum(flips),
        unsure_flips=sum(f and not s for f, s in zip(flips, sure, strict=True)),
    )


def _rate(outcomes: Sequence[bool]) -> float | None:
    return float(np.mean(outcomes)) if outcomes else None


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
    if comparison.detections is not None:
        verdicts, reasons = judge_detections(comparison.detections, tolerances)
        return (FAIL if FAIL in verdicts else WARN if verdicts else PASS), reasons
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
    cosine, which = judged_cosine(comparison, tolerances)
    grade(
        cosine >= tolerances.min_cosine,
        cosine >= tolerances.min_cosine - tolerances.warn_cosine_margin,
        f"{which} {cosine:.5f} is below {tolerances.min_cosine}",
    )
    top1 = judged_top1(comparison, tolerances)
    if top1 is not None:
        rate, best_case, which = top1
        grade(
            best_case >= tolerances.min_top1,
            best_case >= tolerances.min_top1 - tolerances.warn_top1_margin,
            f"{which} {rate:.1%} is below {tolerances.min_top1:.0%}"
            + ("" if best_case == rate else f" (95% interval up to {best_case:.1%})"),
        )
    if tolerances.min_sqnr is not None and comparison.sqnr_db is not None:
        grade(
            comparison.sqnr_db >= tolerances.min_sqnr,
            comparison.sqnr_db >= tolerances.min_sqnr - tolerances.warn_sqnr_margin,
            f"SQNR {comparison.sqnr_db:.1f} dB is below {tolerances.min_sqnr:g} dB",
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


def judged_cosine(comparison: Comparison, tolerances: Tolerances) -> tuple[float, str]:
    if tolerances.worst_case:
        return comparison.cosine, "cosine similarity"
    return comparison.mean_cosine, "mean cosine similarity"


def judged_top1(comparison: Comparison, tolerances: Tolerances) -> tuple[float, float, str] | None:
    """The top-1 rate judged, the highest rate its interval allows, and its name; None
    when there is nothing to judge (not a classifier, or the original never sure)."""
    if tolerances.worst_case or comparison.confident_samples is None:
        rate = comparison.top1_agreement
        return None if rate is None else (rate, rate, "top-1 agreement")
    rate, interval = comparison.confident_top1, comparison.confident_top1_interval
    if rate is None:
        return None
    return rate, interval[1] if interval else rate, "top-1 agreement where the original is sure"


def settled(comparison: Comparison, tolerances: Tolerances) -> bool:
    """Whether the verdict is no close call: the mean cosine's interval lies on one side of
    its bar, and top-1 agreement does not pass only on the benefit of the doubt (a rate
    below the bar whose interval still reaches it). A perfect 32 of 32 is settled, though
    its interval reaches down to 89%: its verdict does not rest on the doubt."""
    if tolerances.worst_case:
        return True
    return not (_cosine_close(comparison, tolerances) or _top1_close(comparison, tolerances))


def _cosine_close(comparison: Comparison, tolerances: Tolerances) -> bool:
    return straddles(comparison.mean_cosine_interval, tolerances.min_cosine)


def _top1_close(comparison: Comparison, tolerances: Tolerances) -> bool:
    rate = comparison.confident_top1
    return (
        rate is not None
        and rate < tolerances.min_top1
        and straddles(comparison.confident_top1_interval, tolerances.min_top1)
    )


def uncertainties(comparison: Comparison, tolerances: Tolerances) -> list[str]:
    """What the verdict cannot be sure of with these samples, and flips that do not count."""
    notes = []
    if comparison.detections is not None:
        said = unsure_note(comparison.detections)
        return [said] if said else []
    if tolerances.worst_case or comparison.shape_mismatch:
        return notes
    if _cosine_close(comparison, tolerances):
        low, high = comparison.mean_cosine_interval
        notes.append(
            f"the mean cosine similarity lies between {low:.4f} and {high:.4f} (95%), "
            f"either side of {tolerances.min_cosine}: more samples would settle it"
        )
    if _top1_close(comparison, tolerances):
        low, high = comparison.confident_top1_interval
        notes.append(
            f"top-1 agreement where the original is sure is {comparison.confident_top1:.0%}, "
            f"below {tolerances.min_top1:.0%}, but could be up to {high:.0%} (95%): it passes "
            f"on the benefit of the doubt, and more samples would settle it"
        )
    if comparison.unsure_flips:
        notes.append(
            f"{comparison.unsure_flips} of the {comparison.flips} changed top classes are on "
            f"inputs where the original hesitates (its two likeliest classes within "
            f"{UNSURE_MARGIN:.0%}); they are not counted against the artifact"
        )
    return notes
