"""The Convert tab with the real worker: what opening another model resets, a labelled folder
the model cannot answer, a failed verification's advice, progress and Cancel, and latency
measured here labelled as such."""

from __future__ import annotations

import pytest
from small_models import save_four_classes
from ui_helpers import click, close_errors, last_error, load_artifacts, open_sample, wait_done

from studio.convert import convert
from studio.convert.recipe import (
    ModelSource,
    OutputSettings,
    QuantizeSettings,
    Recipe,
    VerifySettings,
)
from studio.model import sample
from studio.ui.widgets.progress import ProgressPanel

CONVERT_TIMEOUT_MS = 240_000


def four_class_model(folder):
    path = folder / "four_classes.pt"
    save_four_classes(path)
    return path


def open_four_classes(qtbot, window, tmp_path):
    job = window.open_model(
        {"path": str(four_class_model(tmp_path)), "input_shape": [1, 3, 32, 32]}
    )
    wait_done(qtbot, job)
    assert window.state.model_ready, window.last_error and window.last_error.error


def test_another_model_resets_folders_results_and_the_last_verdict(
    qtbot, window, sample_artifacts, tmp_path
):
    open_sample(qtbot, window)
    convert_tab = window.convert_tab
    digits = str(sample.images_dir())
    assert convert_tab.calibration_edit.text() == digits
    assert convert_tab.labelled_edit.text() == digits
    artifacts = load_artifacts(window, sample_artifacts, tmp_path / "artifacts")
    convert_tab.progress.finish("Done: pass")  # as a finished conversion leaves it
    assert artifacts and convert_tab.results.topLevelItemCount() == len(artifacts)  # a row each

    open_four_classes(qtbot, window, tmp_path)
    assert convert_tab.calibration_edit.text() == ""
    assert convert_tab.labelled_edit.text() == ""
    assert convert_tab.output_edit.text() == ""
    assert convert_tab.results.topLevelItemCount() == 0
    assert "pass" not in convert_tab.progress.status.text()
    assert not convert_tab.next_button.isEnabled()
    assert convert_tab.recipe().input.shape == (1, 3, 32, 32)


@pytest.mark.slow
def test_the_digits_as_accuracy_set_of_a_four_class_model_are_refused(qtbot, window, tmp_path):
    open_four_classes(qtbot, window, tmp_path)
    convert_tab = window.convert_tab
    window.go_to("convert")
    for target, box in convert_tab.target_boxes.items():
        box.setChecked(target == "pt")
    convert_tab.labelled_edit.setText(str(sample.images_dir()))
    convert_tab.output_edit.setText(str(tmp_path / "out"))
    click(qtbot, convert_tab.convert_button)
    job = wait_done(qtbot, convert_tab.job, CONVERT_TIMEOUT_MS)
    assert job.error is not None  # refused, not judged
    assert "4 outputs" in last_error(window).message
    close_errors()
    assert window.state.artifacts == []
    assert "pass" not in convert_tab.progress.status.text()
    assert "4 outputs" in convert_tab.guide.text()


@pytest.fixture(scope="module")
def failed_report(tmp_path_factory):
    """A real conversion whose verification fails: int8 on random calibration, judged by
    float32 tolerances."""
    out = tmp_path_factory.mktemp("failed")
    recipe = Recipe(
        model=ModelSource(path=str(sample.weights_path())),
        targets=["pt"],
        quantize=QuantizeSettings(mode="static", calibration="random", samples=4),
        verify=VerifySettings(
            data=str(sample.images_dir()), samples=8, latency_runs=2, min_cosine=1.0, atol=0.0
        ),
        output=OutputSettings(folder=str(out)),
    )
    report = convert(recipe)
    assert report.artifacts[0].verdict == "fail"
    return report


def test_a_failed_verification_says_what_failed_and_what_to_click(
    qtbot, window, failed_report, tmp_path
):
    open_sample(qtbot, window)
    load_artifacts(window, failed_report, tmp_path / "artifacts")
    convert_tab = window.convert_tab
    item = convert_tab.results.topLevelItem(0)
    assert "failed verification" in item.text(0)
    assert item.isExpanded()
    lines = [item.child(i).text(0) for i in range(item.childCount())]
    assert any(line.startswith("What failed:") for line in lines)
    advice = [line for line in lines if line.startswith("Try:")]
    assert any("Calibration folder" in line for line in advice)
    assert any("Quantization" in line and "none (float32)" in line for line in advice)
    assert any("Targets" in line for line in advice)
    shown = " ".join(lines + [convert_tab.notes_label.text(), convert_tab.guide.text()])
    for cli_word in ("--", "[verify]", "[quantize]", "recipe key"):
        assert cli_word not in shown
    assert "failed verification" in convert_tab.guide.text()


def test_latency_here_is_labelled_as_this_computers(qtbot, window, sample_artifacts, tmp_path):
    open_sample(qtbot, window)
    load_artifacts(window, sample_artifacts, tmp_path / "artifacts")
    convert_tab = window.convert_tab
    header = convert_tab.results.headerItem()
    assert header.text(3) == "Latency on this computer"
    assert "phone" in header.toolTip(3)
    item = convert_tab.results.topLevelItem(0)
    assert item.text(3).endswith("ms here")
    assert "this computer" in item.toolTip(3) and item.text(4) in item.toolTip(3)


def test_progress_follows_the_running_stage_with_overall_and_time_left(qtbot):
    panel = ProgressPanel(min_bars_height=6 * 24)
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    stages = [f"stage {i}" for i in range(14)]
    panel.start(stages)
    assert panel.overall.isVisible()
    assert panel.scroll.height() >= 6 * 24
    panel.model.started -= 10.0  # ten seconds ago
    for stage in stages[:12]:
        panel.update_event({"stage": stage, "fraction": 0.0})
    panel.update_event({"stage": "capture (torch.export)", "fraction": 0.5, "message": "x"})
    assert len(panel.bars) == 14  # a step inside a stage is not one more bar
    assert "Step 12 of 14: stage 11" in panel.step_label.text()
    assert "capture (torch.export) 50%" in panel.step_label.text()
    assert panel.overall_bar.value() == pytest.approx(1000 * 11 / 14, abs=1)
    assert "left" in panel.time_left.text()
    running = panel.bars["stage 11"]

    def in_sight():
        viewport = panel.scroll.viewport()
        top = running.mapTo(viewport, running.rect().topLeft()).y()
        return top >= 0 and top + running.height() <= viewport.height()

    qtbot.waitUntil(in_sight, timeout=2000)

    click(qtbot, panel.cancel_button)
    assert panel.cancel_button.text() == "Cancelling…"
    panel.finish("Cancelled.")
    assert panel.cancel_button.text() == "Cancel"


def test_cancel_leaves_no_folder_and_says_so(qtbot, window, tmp_path):
    open_sample(qtbot, window)
    convert_tab = window.convert_tab
    window.go_to("convert")
    for target, box in convert_tab.target_boxes.items():
        box.setChecked(target == "pte")
    out = tmp_path / "new" / "cancelled"
    convert_tab.output_edit.setText(str(out))
    click(qtbot, convert_tab.convert_button)
    with qtbot.waitSignal(convert_tab.job.progress, timeout=60_000):
        pass
    click(qtbot, convert_tab.progress.cancel_button)
    job = wait_done(qtbot, convert_tab.job, CONVERT_TIMEOUT_MS)
    assert job.error is not None
    assert not (tmp_path / "new").exists()
    assert convert_tab.progress.status.text() == "Cancelled. Nothing was left behind."
    assert convert_tab.progress.cancel_button.text() == "Cancel"
    assert convert_tab.convert_button.isEnabled()
