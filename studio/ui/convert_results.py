"""What a conversion's results mean for the person at the Convert tab, as plain Python.

For an artifact that failed (or nearly failed) verification: what failed, from its
verification's numbers, and what to do next, as choices on the form. Each is a code with
its values; the tab words them (translatable) for the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from studio.convert.compare import judged_cosine, judged_top1

if TYPE_CHECKING:
    from studio.convert.verify import Verification

DOES_NOT_RUN = "the artifact does not run: "


@dataclass(frozen=True)
class Finding:
    code: str  # "does not run", "other shape", "top class", "similarity", "difference", "accuracy"
    values: dict = field(default_factory=dict)


def findings(verification: Verification) -> list[Finding]:
    """What failed, most telling first."""
    reasons, tolerances = verification.reasons, verification.tolerances
    comparison = verification.comparison
    for reason in reasons:
        if reason.startswith(DOES_NOT_RUN):
            return [Finding("does not run", {"reason": reason.removeprefix(DOES_NOT_RUN)})]
        if reason.startswith("the artifact returns"):
            return [Finding("other shape")]
    found = []
    before, after = verification.accuracy_before, verification.accuracy_after
    drop = tolerances.max_accuracy_drop
    if before is not None and after is not None and before - after > drop:
        found.append(Finding("accuracy", {"before": before, "after": after}))
    top1 = judged_top1(comparison, tolerances)
    if top1 is not None and top1[1] < tolerances.min_top1:
        found.append(Finding("top class", {"got": top1[0], "needed": tolerances.min_top1}))
    cosine = judged_cosine(comparison, tolerances)[0]
    if cosine < tolerances.min_cosine:
        found.append(Finding("similarity", {"got": cosine, "needed": tolerances.min_cosine}))
    if not found and reasons:
        found.append(Finding("difference"))
    return found


def advice(
    quantize: str, verification: Verification | None, calibration: dict | None = None
) -> list[str]:
    """What to do on the form about an artifact (quantized as ``quantize``) that did not
    pass, best first.

    Codes: "calibration images", "no quantization", "other capture", "other target".
    ``calibration`` is the conversion report's calibration record.
    """
    if verification is None or verification.verdict not in ("fail", "warn"):
        return []
    mode = quantize
    steps = []
    runs = not any(r.startswith(DOES_NOT_RUN) for r in verification.reasons)
    if runs and mode == "static" and (calibration or {}).get("low_fidelity"):
        steps.append("calibration images")
    if runs and mode != "none":
        steps.append("no quantization")
    if mode == "none":
        steps.append("other capture")
    steps.append("other target")
    return steps
