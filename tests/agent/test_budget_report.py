"""A run's budgets as a BudgetReport: the command line's table and failure lines read it."""

from __future__ import annotations

import pytest

from studio.cli import main

pytestmark = pytest.mark.slow


def test_a_failed_budget_is_named_with_what_was_measured(
    capsys, make_virtual_device, digits_artifacts
):
    phone = make_virtual_device()
    code = main(
        [
            "bench",
            str(digits_artifacts["onnx"]),
            "--device",
            phone.serial,
            "--iterations",
            "10",
            "--budget",
            "p90=1us",
            "--budget",
            "max=10s",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    row = next(line for line in out.splitlines() if line.startswith(phone.serial))
    assert row.split()[-1] == "FAIL"  # the table's budget column
    failed = [line for line in out.splitlines() if "budget" in line and "failed" in line]
    assert len(failed) == 1  # max=10s passed
    assert failed[0].startswith(f"{phone.serial}: budget p90<=0.001ms failed (measured ")
    measured = float(failed[0].rsplit("measured ", 1)[1].rstrip(")"))
    assert measured > 0.001
