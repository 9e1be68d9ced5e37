"""The Latency tab's line for a run verified on the device (``bench --verify``).

No Qt here: the tab passes its translated template and verdict words.
"""

from __future__ import annotations

from studio.ui.latency_run import LatencyRun


def verification_text(run: LatencyRun, template: str, verdicts: dict[str, str]) -> str:
    """``template`` filled for a verified run: %1 run, %2 verdict, %3 mean cosine, %4 top-1
    agreement, %5 max error, %6 samples, then the reasons; empty when not verified."""
    result = run.result
    verification = result.verification if result is not None else None
    if not verification:
        return ""
    verdict = verification.get("verdict") or ""
    cosine, top1 = verification.get("cosine"), verification.get("top1_agreement")
    error = verification.get("max_abs_error")
    text = (
        template.replace("%1", run.label)
        .replace("%2", verdicts.get(verdict, verdict))
        .replace("%3", "-" if cosine is None else f"{cosine:.5f}")
        .replace("%4", "-" if top1 is None else f"{top1:.0%}")
        .replace("%5", "-" if error is None else f"{error:.2g}")
        .replace("%6", str(verification.get("samples", 0)))
    )
    reasons = verification.get("reasons") or []
    return text + (" — " + "; ".join(reasons) if reasons else "")
