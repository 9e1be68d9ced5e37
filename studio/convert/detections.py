"""Comparing a detector's outputs as detections: boxes matched by overlap, then scores and
labels compared, instead of element by element.

Two correct runtimes may list the same boxes in another order, and a box whose score sits
at the model's cut (its score threshold, or the lowest score kept when the per-image
limit is reached) may be kept by one and dropped by the other: such a box is "unsure"
and not counted against the artifact, like a flip where a classifier hesitates. A box is
unsure when its score is within the allowed score difference of the cut.

Matching is greedy by IoU: pairs of the same label first, most overlapping first, each
box used once; then what is left is paired regardless of label, to tell a changed label
from a missing box.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from studio.model.detection import DetectionOutputs


@dataclass
class DetectionComparison:
    reference_boxes: int  # every box the original gives
    judged_boxes: int  # of them, those clear of the score cut
    matched_boxes: int  # judged boxes the artifact gives too (same label, IoU at the bar)
    artifact_boxes: int  # the artifact's boxes clear of the cut
    extra_boxes: int  # of them, those the original does not give
    relabelled_boxes: int  # judged boxes the artifact gives with another label
    mean_iou: float | None  # over matched boxes
    min_iou: float | None
    max_score_diff: float | None
    min_box_iou: float  # the overlap a box needed to match
    score_margin: float  # boxes scoring within this of the cut are unsure

    @property
    def unsure_boxes(self) -> int:
        return self.reference_boxes - self.judged_boxes

    @property
    def matched_fraction(self) -> float | None:
        return self.matched_boxes / self.judged_boxes if self.judged_boxes else None

    @property
    def extra_fraction(self) -> float | None:
        return self.extra_boxes / self.artifact_boxes if self.artifact_boxes else None

    @property
    def label_agreement(self) -> float | None:
        paired = self.matched_boxes + self.relabelled_boxes
        return self.matched_boxes / paired if paired else None

    def to_dict(self) -> dict:
        doc = asdict(self)
        doc.update(
            unsure_boxes=self.unsure_boxes,
            matched_fraction=self.matched_fraction,
            label_agreement=self.label_agreement,
        )
        return doc

    @classmethod
    def from_dict(cls, doc: dict) -> DetectionComparison:
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in doc.items() if k in names})


def box_iou(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """IoU of every box of ``a`` (n, 4) with every box of ``b`` (m, 4), corners x1 y1 x2 y2."""
    a = np.asarray(a, dtype=np.float64).reshape(-1, 4)
    b = np.asarray(b, dtype=np.float64).reshape(-1, 4)
    area_a = np.clip(a[:, 2] - a[:, 0], 0, None) * np.clip(a[:, 3] - a[:, 1], 0, None)
    area_b = np.clip(b[:, 2] - b[:, 0], 0, None) * np.clip(b[:, 3] - b[:, 1], 0, None)
    low = np.maximum(a[:, None, :2], b[None, :, :2])
    high = np.minimum(a[:, None, 2:], b[None, :, 2:])
    inter = np.prod(np.clip(high - low, 0, None), axis=2)
    union = area_a[:, None] + area_b[None, :] - inter
    iou = np.divide(inter, union, out=np.zeros_like(inter), where=union > 0)
    # the same empty box twice (a point, a line) is the same box
    same = np.all(a[:, None, :] == b[None, :, :], axis=2)
    return np.where(same, 1.0, iou)


def _greedy(iou: np.ndarray, allowed: np.ndarray, bar: float) -> list[tuple[int, int]]:
    rows, cols = np.nonzero(allowed & (iou >= bar))
    order = np.argsort(-iou[rows, cols], kind="stable")
    used_r, used_c, pairs = set(), set(), []
    for k in order:
        r, c = int(rows[k]), int(cols[k])
        if r not in used_r and c not in used_c:
            used_r.add(r)
            used_c.add(c)
            pairs.append((r, c))
    return pairs


def cut_score(scores: np.ndarray, layout: DetectionOutputs) -> float:
    """The score below which the model drops boxes for this image: its threshold, or the
    lowest score it kept when it kept as many boxes as it may."""
    cut = layout.score_threshold if layout.score_threshold is not None else -np.inf
    if layout.max_detections is not None and scores.size >= layout.max_detections:
        cut = max(cut, float(scores.min()))
    return float(cut)


@dataclass
class _Image:
    matched: int = 0
    judged: int = 0
    extra: int = 0
    artifact: int = 0
    relabelled: int = 0


def compare_image(
    reference: Sequence[np.ndarray],
    actual: Sequence[np.ndarray],
    layout: DetectionOutputs,
    min_iou: float,
    margin: float,
) -> tuple[_Image, list[float], list[float], list[tuple[int, int]]]:
    """One image's boxes, scores and labels: counts, the matched IoUs and score differences,
    and the matched pairs."""
    r_boxes, r_scores, r_labels = (np.asarray(a) for a in reference)
    a_boxes, a_scores, a_labels = (np.asarray(a) for a in actual)
    r_scores, a_scores = r_scores.astype(np.float64).ravel(), a_scores.astype(np.float64).ravel()
    r_labels, a_labels = r_labels.ravel(), a_labels.ravel()
    iou = box_iou(r_boxes, a_boxes)
    same = r_labels[:, None] == a_labels[None, :]
    pairs = _greedy(iou, same, min_iou)
    left_r = np.ones(len(r_scores), bool)
    left_a = np.ones(len(a_scores), bool)
    for r, c in pairs:
        left_r[r] = left_a[c] = False
    relabelled = _greedy(iou, left_r[:, None] & left_a[None, :], min_iou)
    r_sure = r_scores > cut_score(r_scores, layout) + margin
    a_sure = a_scores > cut_score(a_scores, layout) + margin
    matched_r = {r for r, _ in pairs}
    matched_a = {c for _, c in pairs}
    counts = _Image(
        matched=sum(1 for r in matched_r if r_sure[r]),
        judged=int(r_sure.sum()),
        extra=sum(1 for c in np.nonzero(a_sure)[0] if int(c) not in matched_a),
        artifact=int(a_sure.sum()),
        relabelled=sum(1 for r, _ in relabelled if r_sure[r]),
    )
    ious = [float(iou[r, c]) for r, c in pairs if r_sure[r]]
    diffs = [abs(r_scores[r] - a_scores[c]) for r, c in pairs if r_sure[r]]
    return counts, ious, diffs, pairs


def compare_detections(
    reference: Sequence[Sequence[np.ndarray]],
    actual: Sequence[Sequence[np.ndarray]],
    layout: DetectionOutputs,
    min_iou: float,
    margin: float,
):
    """Per-sample detector outputs compared as detections; a ``Comparison`` whose
    ``detections`` holds the counts, and whose errors and cosine are over matched boxes
    (coordinates and scores)."""
    from studio.convert.compare import Comparison, cosine_similarity

    total = _Image()
    reference_boxes = 0
    ious: list[float] = []
    diffs: list[float] = []
    cosines: list[float] = []
    errors: list[np.ndarray] = []
    max_ref = 0.0
    for ref_outputs, act_outputs in zip(reference, actual, strict=False):
        if len(act_outputs) != len(ref_outputs):
            from studio.convert.compare import _mismatch

            return _mismatch(
                len(reference), f"{len(act_outputs)} outputs instead of {len(ref_outputs)}"
            )
        matched_ref, matched_act = [], []
        for image in range(layout.images):
            picked = layout.indices(image)
            ref = [ref_outputs[i] for i in picked]
            act = [act_outputs[i] for i in picked]
            counts, image_ious, image_diffs, pairs = compare_image(
                ref, act, layout, min_iou, margin
            )
            reference_boxes += len(np.ravel(ref[1]))
            for name in ("matched", "judged", "extra", "artifact", "relabelled"):
                setattr(total, name, getattr(total, name) + getattr(counts, name))
            ious += image_ious
            diffs += image_diffs
            rows = [r for r, _ in pairs]
            cols = [c for _, c in pairs]
            r_boxes, a_boxes = np.asarray(ref[0]).reshape(-1, 4), np.asarray(act[0]).reshape(-1, 4)
            if r_boxes.size:
                max_ref = max(max_ref, float(np.abs(r_boxes).max()))
            matched_ref.append(
                np.concatenate([r_boxes[rows].ravel(), np.ravel(ref[1])[rows]]).astype(np.float64)
            )
            matched_act.append(
                np.concatenate([a_boxes[cols].ravel(), np.ravel(act[1])[cols]]).astype(np.float64)
            )
        r_all, a_all = np.concatenate(matched_ref), np.concatenate(matched_act)
        cosines.append(cosine_similarity(r_all, a_all) if r_all.size else 1.0)
        errors.append(np.abs(r_all - a_all))
    error = np.concatenate(errors) if errors else np.zeros(0)
    detections = DetectionComparison(
        reference_boxes=reference_boxes,
        judged_boxes=total.judged,
        matched_boxes=total.matched,
        artifact_boxes=total.artifact,
        extra_boxes=total.extra,
        relabelled_boxes=total.relabelled,
        mean_iou=float(np.mean(ious)) if ious else None,
        min_iou=float(np.min(ious)) if ious else None,
        max_score_diff=float(np.max(diffs)) if diffs else None,
        min_box_iou=min_iou,
        score_margin=margin,
    )
    return Comparison(
        samples=len(reference),
        max_abs_error=float(error.max()) if error.size else 0.0,
        mean_abs_error=float(error.mean()) if error.size else 0.0,
        max_reference=max_ref,
        cosine=min(cosines) if cosines else 0.0,
        mean_cosine=float(np.mean(cosines)) if cosines else 0.0,
        detections=detections,
    )


def judge_detections(detections: DetectionComparison, tolerances) -> tuple[list[str], list[str]]:
    """The verdicts and reasons of a detection comparison against ``tolerances``
    (``min_box_match``, ``max_score_diff``; a box matched at ``min_box_iou``)."""
    from studio.convert.compare import FAIL, WARN

    verdicts: list[str] = []
    reasons: list[str] = []
    bar = tolerances.min_box_match
    low = bar - tolerances.warn_top1_margin
    if detections.judged_boxes == 0:
        if detections.reference_boxes:
            verdicts.append(WARN)
            reasons.append(
                f"all {detections.reference_boxes} boxes of the original score within "
                f"{detections.score_margin:g} of its score cut: none can be judged"
            )
        return verdicts, reasons
    matched = detections.matched_fraction
    if matched < bar:
        verdicts.append(WARN if matched >= low else FAIL)
        reasons.append(
            f"{detections.matched_boxes} of {detections.judged_boxes} boxes "
            f"({matched:.1%}) found with the same label at IoU {detections.min_box_iou:g}, "
            f"below {bar:.0%}"
        )
    extra = detections.extra_fraction
    if extra is not None and 1 - extra < bar:
        verdicts.append(WARN if 1 - extra >= low else FAIL)
        reasons.append(
            f"{detections.extra_boxes} of the artifact's {detections.artifact_boxes} boxes "
            f"({extra:.1%}) are not among the original's"
        )
    diff = detections.max_score_diff
    allowed = tolerances.max_score_diff
    if diff is not None and diff > allowed:
        verdicts.append(WARN if diff <= allowed * tolerances.warn_factor else FAIL)
        reasons.append(f"a matched box's score differs by {diff:.3g}, more than {allowed:g}")
    return verdicts, reasons


def unsure_note(detections: DetectionComparison) -> str | None:
    if not detections.unsure_boxes or not detections.judged_boxes:
        return None
    return (
        f"{detections.unsure_boxes} of the original's {detections.reference_boxes} boxes score "
        f"within {detections.score_margin:g} of its score cut, where a correct artifact may "
        "keep or drop them: they are not counted"
    )
