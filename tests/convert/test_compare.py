"""The comparator: metrics on real arrays and verdicts against explicit tolerances."""

from __future__ import annotations

import numpy as np
import pytest

from studio.convert.compare import (
    FAIL,
    PASS,
    WARN,
    Tolerances,
    compare_outputs,
    cosine_similarity,
    judge,
    tolerances_for,
)


def logits(rng, n=20, classes=10, scale=3.0):
    return [[rng.standard_normal((1, classes)).astype(np.float32) * scale] for _ in range(n)]


def test_identical_outputs_agree_completely():
    rng = np.random.default_rng(0)
    ref = logits(rng)
    c = compare_outputs(ref, [[a.copy() for a in s] for s in ref])
    assert c.max_abs_error == 0.0 and c.cosine == pytest.approx(1.0)
    assert c.top1_agreement == 1.0 and c.top5_agreement == 1.0
    assert judge(c, tolerances_for("none")) == (PASS, [])


def test_small_noise_passes_int8_but_not_float32():
    rng = np.random.default_rng(1)
    ref = logits(rng)
    noisy = [[a + rng.normal(0, 0.01, a.shape).astype(np.float32)] for (a,) in ref]
    c = compare_outputs(ref, noisy)
    assert 0.005 < c.max_abs_error < 0.1
    assert c.top1_agreement >= 0.95
    assert judge(c, tolerances_for("static"))[0] == PASS
    verdict, reasons = judge(c, tolerances_for("none"))
    assert verdict in (WARN, FAIL) and "max error" in reasons[0]


def test_swapped_winners_lower_top1_agreement():
    ref = [[np.array([[5.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0]], dtype=np.float32)] for _ in range(40)]
    act = [[s[0].copy()] for s in ref]
    for sample in act[:10]:
        sample[0][0, :2] = [1.0, 5.0]  # a quarter of the samples' top class changes
    c = compare_outputs(ref, act)
    assert c.top1_agreement == 0.75
    assert c.top5_agreement == 1.0  # the reference's class is still in the top 5
    verdict, reasons = judge(c, tolerances_for("static"))
    assert verdict == FAIL
    assert any("top-1 agreement where the original is sure 75.0%" in r for r in reasons)


def test_warn_band_between_pass_and_fail():
    tol = Tolerances(atol=1e-3, rtol=0.0, warn_factor=10.0)
    ref = [[np.zeros((1, 3), dtype=np.float32)]]
    assert judge(compare_outputs(ref, [[np.full((1, 3), 5e-4, np.float32)]]), tol)[0] == PASS
    assert judge(compare_outputs(ref, [[np.full((1, 3), 5e-3, np.float32)]]), tol)[0] == WARN
    assert judge(compare_outputs(ref, [[np.full((1, 3), 5e-2, np.float32)]]), tol)[0] == FAIL


def test_shape_mismatch_and_nan_fail():
    ref = [[np.zeros((1, 10), dtype=np.float32)]]
    c = compare_outputs(ref, [[np.zeros((1, 9), dtype=np.float32)]])
    assert judge(c, tolerances_for("none"))[0] == FAIL and c.shape_mismatch
    c = compare_outputs(ref, [[np.full((1, 10), np.nan, dtype=np.float32)]])
    assert c.max_abs_error == float("inf")
    assert judge(c, tolerances_for("none"))[0] == FAIL


def test_accuracy_drop_is_judged():
    rng = np.random.default_rng(2)
    ref = logits(rng)
    c = compare_outputs(ref, ref)
    tol = tolerances_for("static")
    assert judge(c, tol, 0.95, 0.94)[0] == PASS
    assert judge(c, tol, 0.95, 0.92)[0] == WARN
    verdict, reasons = judge(c, tol, 0.95, 0.80)
    assert verdict == FAIL and "accuracy dropped 15.0 points" in reasons[0]


def test_cosine_edge_cases_and_overrides():
    assert cosine_similarity(np.zeros(3), np.zeros(3)) == 1.0
    assert cosine_similarity(np.zeros(3), np.ones(3)) == 0.0
    assert cosine_similarity(np.array([1.0, 0.0]), np.array([-1.0, 0.0])) == -1.0
    assert tolerances_for("static", min_cosine=0.5, atol=None).min_cosine == 0.5
    non_classifier = compare_outputs([[np.ones((1, 4, 4))]], [[np.ones((1, 4, 4))]])
    assert non_classifier.top1_agreement is None
