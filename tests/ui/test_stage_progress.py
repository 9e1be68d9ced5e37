"""Progress through stages and what a failed verification advises, as plain Python."""

from __future__ import annotations

import pytest

from studio.convert.verify import Verification
from studio.ui.convert_results import advice, findings
from studio.ui.stage_progress import StageProgress


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_overall_progress_and_time_left_follow_the_planned_stages():
    clock = Clock()
    progress = StageProgress(["load", "build pte", "verify pte", "publish"], clock)
    assert progress.overall == 0.0 and progress.seconds_left() is None
    progress.update("load", 0.0)
    progress.update("load", 1.0)
    progress.update("build pte", 0.5)
    progress.update("lower pte", None, "XNNPACK")  # a step inside build pte
    assert progress.stages == ["load", "build pte", "verify pte", "publish"]
    assert progress.current == "build pte" and progress.detail.name == "lower pte"
    assert progress.position == (2, 4)
    assert progress.overall == pytest.approx(1.5 / 4)
    clock.now += 30.0
    assert progress.seconds_left() == pytest.approx(30.0 / 0.375 * 0.625)
    progress.update("publish", 0.0)  # stages skipped on the way count as done
    assert progress.overall == pytest.approx(3 / 4) and progress.detail is None


def test_without_a_plan_every_stage_counts():
    progress = StageProgress()
    progress.update("check", 0.5)
    progress.update("report", None)
    assert progress.stages == ["check", "report"] and not progress.planned


def verification(verdict="fail", **values) -> Verification:
    """A verification as a conversion report holds it."""
    return Verification.from_dict(
        {
            "verdict": verdict,
            "reasons": values.pop("reasons", ["cosine similarity 0.9 is below 0.98"]),
            "tolerances": {"min_cosine": 0.98, "min_top1": 0.95, "max_accuracy_drop": 0.02},
            "samples": 8,
            "max_abs_error": None,
            "mean_abs_error": None,
            "cosine": 1.0,
            "mean_cosine": 1.0,
            "data": "random",
            "low_fidelity": True,
            **values,
        }
    )


def test_findings_name_what_failed_from_the_numbers():
    found = findings(verification(cosine=0.9, mean_cosine=0.92, top1_agreement=0.5))
    assert [f.code for f in found] == ["top class", "similarity"]
    assert found[0].values == {"got": 0.5, "needed": 0.95}
    assert found[1].values == {"got": 0.92, "needed": 0.98}  # int8: the mean is judged
    drop = findings(verification(accuracy_before=0.9, accuracy_after=0.6, cosine=0.99))
    assert [f.code for f in drop] == ["accuracy"]
    crash = findings(verification(reasons=["the artifact does not run: no kernel"]))
    assert crash[0].code == "does not run" and crash[0].values["reason"] == "no kernel"


def test_advice_says_which_choice_to_change():
    int8 = ("static", verification(cosine=0.5))
    assert advice(*int8, {"low_fidelity": True}) == [
        "calibration images",
        "no quantization",
        "other target",
    ]
    assert advice(*int8, {"low_fidelity": False}) == ["no quantization", "other target"]
    assert advice("none", verification(cosine=0.5)) == ["other capture", "other target"]
    assert advice("static", verification("pass")) == []
    assert advice("static", None) == []  # not verified
