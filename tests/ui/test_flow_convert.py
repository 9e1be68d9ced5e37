"""The Convert tab: the sample to an int8 pte and ptl, calibrated on its digits, verified,
and on to the Compatibility tab."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import click, open_sample, wait_done

CONVERT_TIMEOUT_MS = 240_000


@pytest.mark.slow
def test_static_int8_pte_and_ptl_with_clicks(qtbot, window, tmp_path):
    open_sample(qtbot, window)
    click(qtbot, window.model_tab.next_button)
    convert = window.convert_tab
    assert window.tabs.currentIndex() == 1 and convert.isVisible()
    convert.target_boxes["ptl"].setChecked(True)
    convert.target_boxes["pte"].setChecked(True)
    convert.quantize_combo.setCurrentIndex(convert.quantize_combo.findData("static"))
    assert convert.calibration_edit.isEnabled()
    assert Path(convert.calibration_edit.text()).is_dir()  # the sample's digits, filled in
    out = tmp_path / "artifacts"
    convert.output_edit.setText(str(out))
    assert convert.problem_label.text() == ""
    click(qtbot, convert.convert_button)
    assert not convert.convert_button.isEnabled()  # one conversion at a time
    job = wait_done(qtbot, convert.job, CONVERT_TIMEOUT_MS)
    assert job.error is None, job.error
    assert {a.target for a in window.state.artifacts} == {"pte", "ptl"}
    assert all(a.path.parent == out and a.path.is_file() for a in window.state.artifacts)
    assert all("-int8" in a.name for a in window.state.artifacts)
    assert convert.results.topLevelItemCount() == 2
    verdicts = {a.verdict for a in window.state.artifacts}
    assert verdicts <= {"pass", "warn", "fail"} and verdicts  # verified, with a verdict each
    first = convert.results.topLevelItem(0)
    assert first.childCount() > 0  # the numbers behind the badge
    assert any(
        first.child(i).text(0).startswith("mean cosine similarity: 0.9")
        for i in range(first.childCount())
    )
    assert convert.folder_button.isEnabled()
    assert window.tabs.isTabEnabled(2)

    # Next: the Compatibility tab checks what was just converted.
    click(qtbot, convert.next_button)
    assert window.tabs.currentIndex() == 2
    compat = window.compat_tab
    wait_done(qtbot, compat.job)
    assert compat.job.error is None, compat.job.error
    rows = {compat.grid.item(r, 0).text() for r in range(compat.grid.rowCount())}
    assert rows == {a.name for a in window.state.artifacts}
