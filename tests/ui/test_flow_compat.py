"""The Compatibility tab over converted artifacts: a verdict per artifact and runtime,
operators, an export; a phone's own runtimes beside the built-in ones, and a fix."""

from __future__ import annotations

import pytest
from ui_helpers import click, start_virtual_phone, wait_done


def grid_rows(compat) -> dict[str, int]:
    return {compat.grid.item(r, 0).text(): r for r in range(compat.grid.rowCount())}


@pytest.mark.slow
def test_a_verdict_per_artifact_and_runtime_and_an_export(qtbot, converted, tmp_path):
    window = converted
    window.go_to("compat")
    assert window.tabs.currentIndex() == 2
    compat = window.compat_tab
    wait_done(qtbot, compat.job)
    assert compat.job.error is None, compat.job.error
    assert set(grid_rows(compat)) == {a.name for a in window.state.artifacts}
    assert compat.grid.columnCount() > 2
    cells = [
        compat.grid.item(r, c).text()
        for r in range(compat.grid.rowCount())
        for c in range(1, compat.grid.columnCount())
    ]
    assert any("ready" in c or "fallback" in c for c in cells)
    assert compat.ops_table.rowCount() > 0
    compat.filter_edit.setText("conv")
    visible = compat.visible_operators()
    assert visible and all("conv" in name.lower() for name in visible)
    html = tmp_path / "compat.html"
    wait_done(qtbot, compat.export_report(str(html), "html"))
    assert html.read_text().lstrip().lower().startswith("<!doctype html")


@pytest.mark.slow
def test_a_phones_runtimes_join_the_grid_and_a_fix_makes_a_ptl_ready(qtbot, converted):
    window = converted
    virtual = start_virtual_phone(qtbot, window)
    window.go_to("compat")
    compat = window.compat_tab
    wait_done(qtbot, compat.job)
    click(qtbot, compat.device_button)
    wait_done(qtbot, compat.devices_task, 120_000)
    assert compat.devices_task.error is None, compat.devices_task.error
    assert window.state.device_runtimes[virtual.serial]
    wait_done(qtbot, compat.job)
    names = [name for name, _title in compat.runtime_columns()]
    assert any(name.startswith(virtual.serial + "/") for name in names)
    rows = grid_rows(compat)
    ptl_row = next(row for name, row in rows.items() if name.endswith(".ptl"))
    old = names.index("pytorch-lite-v5") + 1
    compat.grid.setCurrentCell(ptl_row, old)
    assert "fail" in compat.grid.item(ptl_row, old).text()
    click(qtbot, compat.fix_button)
    wait_done(qtbot, compat.fix_job)
    assert compat.fix_job.error is None, compat.fix_job.error
    fixed = compat.fix_job.result.output
    assert fixed.is_file() and any(a.path == fixed for a in window.state.artifacts)
    qtbot.waitUntil(lambda: compat.grid.rowCount() == len(rows) + 1, timeout=60_000)
    assert "ready" in compat.grid.item(grid_rows(compat)[fixed.name], old).text()
