"""The Compatibility tab: a failed artifact is never shown green, a selected cell keeps its
colour, advice says what to click, an export writes what is shown, another model clears it."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor
from ui_helpers import open_sample, wait_done

from studio.ui.widgets.badges import verdict_color

pytestmark = pytest.mark.slow


def checked(qtbot, window):
    window.go_to("compat")
    compat = window.compat_tab
    wait_done(qtbot, compat.job)
    assert compat.job.error is None, compat.job.error
    return compat


def row_of(compat, artifact) -> int:
    return next(r for r, report in enumerate(compat.reports) if report.artifact == artifact.path)


def cell_pixel(grid, row: int, col: int) -> QColor:
    """The colour painted near the left edge of a cell, inside any frame, away from its text."""
    rect = grid.visualItemRect(grid.item(row, col))
    image = grid.viewport().grab().toImage()
    return image.pixelColor(rect.left() + 6, rect.top() + 5)


def test_a_failed_artifact_is_marked_failed_not_ready(qtbot, converted):
    window = converted
    ptl = next(a for a in window.state.artifacts if a.target == "ptl")
    ptl.verdict = "fail"  # what the Convert tab holds after a failed verification
    window.state.artifacts_changed.emit()
    compat = checked(qtbot, window)
    row = row_of(compat, ptl)
    assert "failed verification" in compat.grid.item(row, 0).text()
    ready_green = verdict_color("ready")
    for col in range(1, compat.grid.columnCount()):
        cell = compat.grid.item(row, col)
        if cell.text() == "n/a":
            continue
        assert "ready" not in cell.text()
        assert cell.background().color() != ready_green
    # another, verified artifact keeps its green
    other = next(a for a in window.state.artifacts if a.target == "pte")
    other_cells = [
        compat.grid.item(row_of(compat, other), c) for c in range(1, compat.grid.columnCount())
    ]
    assert any(c.background().color() == ready_green for c in other_cells)
    compat.grid.setCurrentCell(
        row, 1 + [n for n, _ in compat.runtime_columns()].index("pytorch-lite-v8")
    )
    advice = compat.advice.toPlainText()
    assert "failed verification" in advice and "Convert tab" in advice and "Convert again" in advice
    assert "--" not in advice


def test_a_selected_cell_keeps_its_colour_and_advice_names_buttons(qtbot, converted):
    compat = checked(qtbot, converted)
    names = [n for n, _ in compat.runtime_columns()]
    ptl = next(a for a in converted.state.artifacts if a.target == "ptl")
    row, col = row_of(compat, ptl), 1 + names.index("pytorch-lite-v5")
    compat.grid.setFocus()
    compat.grid.setCurrentCell(row, col)
    assert compat.grid.item(row, col).isSelected()
    expected = compat.grid.item(row, col).background().color()
    assert expected == verdict_color("fail")  # bytecode 8 on a v5 runtime
    qtbot.waitUntil(lambda: cell_pixel(compat.grid, row, col) == expected, timeout=5_000)
    # the advice says which button fixes it, not a command-line option
    advice = compat.advice.toPlainText()
    assert "Apply the fix" in advice and "--" not in advice
    assert compat.fix_button.isEnabled() and "--" not in compat.fix_button.toolTip()


def test_export_writes_the_held_report_and_another_model_clears_it(qtbot, converted, tmp_path):
    window = converted
    compat = checked(qtbot, window)
    pte = next(a for a in window.state.artifacts if a.target == "pte")
    row = row_of(compat, pte)
    compat.grid.setCurrentCell(row, 1)
    pte.path.unlink()  # checking again could not read it: the export uses what is shown
    table = tmp_path / "report.csv"
    task = wait_done(qtbot, compat.export_report(str(table), "csv"))
    assert task.error is None, task.error
    runtimes = [r.name for r in compat.reports[row].runtimes]
    assert runtimes and all(name.startswith("executorch-") for name in runtimes)
    header = table.read_text().splitlines()[0].split(",")
    assert header == ["operator", "count", "kind", "domain", *runtimes]
    html = tmp_path / "report.html"
    wait_done(qtbot, compat.export_report(str(html), "html"))
    assert pte.path.name in html.read_text()

    open_sample(qtbot, window)  # opening a model (the sample again) starts over
    assert compat.reports == [] and compat.grid.rowCount() == 0
    assert not compat.export_html_button.isEnabled()
