"""The Convert tab's layer choices and its "Layer sensitivity" panel, with real widgets and
the real worker: the choices need static int8, the panel shows a report's layer plan (ranked,
what stayed float marked) and goes away with the model it was measured on."""

from __future__ import annotations

import pyqtgraph as pg
import pytest
from PySide6.QtWidgets import QApplication
from small_models import save_four_classes
from ui_helpers import click, load_artifacts, open_sample, wait_done

from studio.convert.report import ConversionReport
from studio.convert.sensitivity import (
    FALLBACK_STAGE,
    SENSITIVITY_STAGE,
    Fallback,
    FallbackStep,
    LayerEffect,
    LayerPlan,
    Sensitivity,
)
from studio.model import sample
from studio.ui.widgets.sensitivity_panel import FLOAT_COLOR, SensitivityPanel

CONVERT_TIMEOUT_MS = 400_000


def measured_plan() -> LayerPlan:
    layers = [
        LayerEffect("features.0", 18.2, 0.981, 176),
        LayerEffect("classifier", 27.5, 0.9981, 10250),
        LayerEffect("features.1", 35.0, 0.99968, 4672),
        LayerEffect("features.2", None, 1.0, 18560),
    ]
    steps = [
        FallbackStep([], "fail", 16.0, 0.97),
        FallbackStep(["features.0"], "pass", 26.0, 0.996),
    ]
    return LayerPlan(
        ["features.0"],
        Sensitivity(layers, 16.0, 0.97, 32, 21.0),
        Fallback(["features.0"], True, steps),
    )


def table_rows(panel: SensitivityPanel) -> list[list[str]]:
    table = panel.table
    return [
        [table.item(row, col).text() for col in range(table.columnCount())]
        for row in range(table.rowCount())
    ]


def with_plan(report: ConversionReport, plan: LayerPlan) -> ConversionReport:
    doc = report.to_dict()
    doc["layers"] = plan.to_dict()
    return ConversionReport.from_dict(doc)


def test_the_layer_choices_need_static_int8(qtbot, window):
    open_sample(qtbot, window)
    tab = window.convert_tab
    combo = tab.quantize_combo
    for mode in ("none", "fp16", "dynamic"):
        combo.setCurrentIndex(combo.findData(mode))
        assert not tab.keep_float_combo.isEnabled(), mode
        assert not tab.sensitivity_box.isEnabled(), mode
        for widget in (tab.keep_float_combo, tab.sensitivity_box):
            assert "static int8 (calibrated)" in widget.toolTip()
    combo.setCurrentIndex(combo.findData("static"))
    assert tab.keep_float_combo.isEnabled() and tab.sensitivity_box.isEnabled()
    for widget in (tab.keep_float_combo, tab.sensitivity_box):
        assert "one trial quantization of the model per layer group" in widget.toolTip()
        assert "--" not in widget.toolTip() and "keep_float" not in widget.toolTip()
    auto = tab.keep_float_combo.findData("auto")
    tab.keep_float_combo.setCurrentIndex(auto)
    assert tab.recipe().quantize.keep_float == "auto"
    # choosing which layers stay float measures them all: the box says so and is not a choice
    assert tab.sensitivity_box.isChecked() and not tab.sensitivity_box.isEnabled()
    tab.keep_float_combo.setCurrentIndex(tab.keep_float_combo.findData("none"))
    assert not tab.sensitivity_box.isChecked() and tab.sensitivity_box.isEnabled()
    tab.sensitivity_box.setChecked(True)
    assert tab.recipe().quantize.sensitivity


def test_a_recipe_that_lists_layers_shows_them(window, tmp_path):
    from studio.convert.recipe import Recipe

    recipe = Recipe()
    recipe.quantize.mode = "static"
    recipe.quantize.calibration = str(sample.images_dir())
    recipe.quantize.keep_float = ["features.0", "classifier"]
    tab = window.convert_tab
    tab.set_recipe(recipe)
    combo = tab.keep_float_combo
    assert combo.currentData() == "listed"
    assert "features.0, classifier" in combo.currentText()
    assert tab.recipe().quantize.keep_float == ["features.0", "classifier"]


def test_the_panel_ranks_the_groups_and_marks_what_stayed_float(qtbot):
    panel = SensitivityPanel()
    qtbot.addWidget(panel)
    panel.resize(800, 300)
    panel.show_plan(measured_plan())
    panel.show()
    assert panel.isVisible()
    rows = table_rows(panel)
    assert [r[0] for r in rows] == ["features.0", "classifier", "features.1", "features.2"]
    assert rows[0][1:] == ["18.2", "0.981000", "176", "yes"]
    assert rows[3][1] == "identical" and rows[3][4] == ""
    assert rows[1][3] == "10,250"
    assert panel.table.item(0, 0).foreground().color().name() == FLOAT_COLOR
    bars = [i for i in panel.plot.getPlotItem().items if type(i).__name__ == "BarGraphItem"]
    assert len(bars) == 1
    brushes = [pg.mkBrush(b).color().name() for b in bars[0].opts["brushes"]]
    assert brushes[0] != brushes[1] and brushes[0] == FLOAT_COLOR
    assert "dB" in panel.plot.getPlotItem().getAxis("bottom").labelString()
    summary = panel.summary_label.text()
    assert "passes with 1 of 4 layer groups in float" in summary
    assert "Trials: 2." in summary and "Kept in float: features.0." in summary


def test_a_plan_without_measures_shows_only_what_stays_float(qtbot):
    panel = SensitivityPanel()
    qtbot.addWidget(panel)
    panel.show_plan(LayerPlan(["features.0"]))
    panel.show()
    assert panel.isVisible() and not panel.table.isVisible() and not panel.plot.isVisible()
    assert panel.summary_label.text() == "Kept in float: features.0."
    panel.show_plan(None)
    assert not panel.isVisible()


def test_the_panel_follows_the_report_and_another_model_hides_it(
    qtbot, window, sample_artifacts, tmp_path
):
    open_sample(qtbot, window)
    tab = window.convert_tab
    load_artifacts(window, sample_artifacts, tmp_path / "plain")
    assert not tab.sensitivity_panel.isVisibleTo(tab)  # no layer plan in the report
    load_artifacts(window, with_plan(sample_artifacts, measured_plan()), tmp_path / "planned")
    assert tab.sensitivity_panel.isVisibleTo(tab)
    assert len(table_rows(tab.sensitivity_panel)) == 4

    path = save_four_classes(tmp_path / "four_classes.pt")
    wait_done(qtbot, window.open_model({"path": str(path), "input_shape": [1, 3, 32, 32]}))
    assert window.state.model_ready
    assert not tab.sensitivity_panel.isVisibleTo(tab)
    assert tab.sensitivity_panel.table.rowCount() == 0


@pytest.mark.slow
def test_a_conversion_with_sensitivity_and_fallback_fills_the_panel(qtbot, window, tmp_path):
    open_sample(qtbot, window)
    tab = window.convert_tab
    window.go_to("convert")
    for target, box in tab.target_boxes.items():
        box.setChecked(target == "pte")
    tab.quantize_combo.setCurrentIndex(tab.quantize_combo.findData("static"))
    tab.keep_float_combo.setCurrentIndex(tab.keep_float_combo.findData("auto"))
    tab.output_edit.setText(str(tmp_path / "out"))
    assert tab.calibration_edit.text() == str(sample.images_dir())
    click(qtbot, tab.convert_button)
    assert {SENSITIVITY_STAGE, FALLBACK_STAGE} <= set(tab.progress.model.stages)
    job = wait_done(qtbot, tab.job, CONVERT_TIMEOUT_MS)
    assert job.error is None, job.error
    report = window.state.conversion
    plan = report.layers
    assert plan is not None and plan.sensitivity is not None and plan.fallback is not None
    QApplication.processEvents()
    panel = tab.sensitivity_panel
    assert panel.isVisibleTo(tab)
    rows = table_rows(panel)
    effects = plan.sensitivity.layers
    assert [r[0] for r in rows] == [e.group for e in effects]
    assert [r[1] for r in rows] == [
        "identical" if e.sqnr_db is None else f"{e.sqnr_db:.1f}" for e in effects
    ]
    assert [r[3] for r in rows] == [f"{e.parameters:,}" for e in effects]
    assert [r[4] == "yes" for r in rows] == [e.group in plan.kept_float for e in effects]
    assert "Float fallback:" in panel.summary_label.text()
    assert tab.progress.model.fractions[FALLBACK_STAGE] == 1.0
