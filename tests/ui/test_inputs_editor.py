"""The Model tab's inputs table with a two-input text encoder (int64 token ids and mask): the
rows it shows, the recipe the Convert tab makes of them, refused cells, and a conversion with
them; and a one-input model that needs none of it."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest
from ui_helpers import click, open_sample, wait_done

TESTS = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TESTS))

from text_models import LENGTH, VOCABULARY, save_text_encoder  # noqa: E402

ARCH = f"{TESTS / 'text_models.py'}:TextEncoder"


@pytest.fixture
def encoder(qtbot, window, tmp_path):
    """The window with the text encoder open (its weights as safetensors, its .py trusted)."""
    path = save_text_encoder(tmp_path / "encoder.safetensors")
    job = window.open_model({"path": str(path), "arch": ARCH, "trust": True})
    wait_done(qtbot, job)
    assert window.state.model_ready, window.last_error and window.last_error.error
    return window


def rows(editor) -> list[tuple[str, str, str]]:
    return [(r.name, r.shape, r.dtype) for r in editor.rows()]


def test_two_int64_inputs_named_after_forward(encoder):
    editor = encoder.model_tab.inputs_editor
    assert rows(editor) == [("ids", f"1,{LENGTH}", "int64"), ("mask", f"1,{LENGTH}", "int64")]
    assert "Guessed from the model's code" in editor.note.text()
    # described with them: the dry run found the dict's outputs
    outputs = encoder.model_tab.summary_labels["outputs"].text()
    assert f"output.pooled: [1, {LENGTH}]" in outputs
    convert = encoder.convert_tab
    assert convert.inputs_label.text().splitlines() == [
        f"ids: [1, {LENGTH}] int64",
        f"mask: [1, {LENGTH}] int64",
    ]
    spec = convert.recipe().input
    assert [(t.name, t.shape, t.dtype) for t in spec.tensors] == [
        ("ids", (1, LENGTH), "int64"),
        ("mask", (1, LENGTH), "int64"),
    ]
    assert convert.convert_button.isEnabled()


def test_edits_change_the_recipe_and_a_bad_shape_disables_convert(encoder):
    editor = encoder.model_tab.inputs_editor
    convert = encoder.convert_tab
    editor.shape_edit(0).setText("2,8")
    editor.shape_edit(1).setText("2,8")
    editor.dtype_combo(1).setCurrentText("int32")
    spec = convert.recipe().input
    assert [(t.name, t.shape, t.dtype) for t in spec.tensors] == [
        ("ids", (2, 8), "int64"),
        ("mask", (2, 8), "int32"),
    ]
    assert "mask: [2, 8] int32" in convert.inputs_label.text()
    assert "press Open" in editor.note.text()

    editor.shape_edit(1).setText("2,0")
    assert "all positive" in editor.problem_text()
    assert editor.problem_text().startswith("Input 2, shape:")
    assert editor.shape_edit(1).property("refused")
    assert not editor.shape_edit(0).property("refused")
    assert not convert.convert_button.isEnabled()
    assert "all positive" in convert.problem_label.text()

    editor.shape_edit(1).setText("2,8")
    assert editor.problem_text() == ""
    assert convert.convert_button.isEnabled()
    assert convert.problem_label.text() == ""


def test_open_describes_the_model_again_with_the_inputs_changed(qtbot, encoder):
    tab = encoder.model_tab
    editor = tab.inputs_editor
    editor.shape_edit(0).setText("2,8")
    editor.shape_edit(1).setText("2,8")
    click(qtbot, tab.open_button)
    qtbot.waitUntil(lambda: tab.trust_box is not None)  # the architecture's .py asks again
    click(qtbot, tab.trust_button)
    qtbot.waitUntil(lambda: tab.inspect_job.params.get("trust") is True)
    wait_done(qtbot, tab.inspect_job)
    assert encoder.state.model_params["inputs"] == [
        {"name": "ids", "shape": [2, 8], "dtype": "int64"},
        {"name": "mask", "shape": [2, 8], "dtype": "int64"},
    ]
    assert "output.pooled: [2, 16]" in tab.summary_labels["outputs"].text()
    assert rows(editor) == [("ids", "2,8", "int64"), ("mask", "2,8", "int64")]
    assert editor.note.text() == "The inputs you gave."
    spec = encoder.convert_tab.recipe().input
    assert [t.shape for t in spec.tensors] == [(2, 8), (2, 8)]


def test_rows_are_added_and_removed_and_names_told_apart(encoder):
    editor = encoder.model_tab.inputs_editor
    click_add = editor.add_button
    click_add.click()
    assert editor.table.rowCount() == 3
    assert "no shape" in editor.problem_text()
    editor.name_edit(2).setText("ids")
    editor.shape_edit(2).setText("1,4")
    assert "already the name of input 1" in editor.problem_text()
    assert not encoder.convert_tab.convert_button.isEnabled()
    editor.table.selectRow(2)
    editor.remove_button.click()
    assert editor.table.rowCount() == 2
    assert editor.problem_text() == ""
    assert encoder.convert_tab.convert_button.isEnabled()


def test_a_one_input_model_needs_no_clicks(qtbot, window):
    open_sample(qtbot, window)
    editor = window.model_tab.inputs_editor
    assert [(r.name, r.dtype) for r in editor.rows()] == [("input", "float32")]
    assert editor.problem_text() == ""
    convert = window.convert_tab
    assert convert.recipe().input is None  # the model's own input, with its preprocessing
    assert convert.convert_button.isEnabled()
    assert convert.inputs_label.text().startswith("input: [1, 1, 32, 32] float32")


@pytest.mark.slow
def test_converting_from_the_tab_with_two_inputs(qtbot, encoder, tmp_path):
    rng = np.random.default_rng(0)
    data = tmp_path / "tokens.npz"
    np.savez(
        data,
        ids=rng.integers(0, VOCABULARY, (4, LENGTH), dtype=np.int64),
        mask=np.ones((4, LENGTH), dtype=np.int64),
    )
    convert = encoder.convert_tab
    for target, box in convert.target_boxes.items():
        box.setChecked(target == "onnx")
    convert.verify_data_edit.setText(str(data))
    convert.output_edit.setText(str(tmp_path / "out"))
    assert convert.recipe().verify.data == str(data)
    click(qtbot, convert.convert_button)
    wait_done(qtbot, convert.job, 300_000)
    report = encoder.state.conversion
    assert report is not None, encoder.last_error and encoder.last_error.error
    assert [a.verdict for a in report.artifacts] == ["pass"]
    assert [(t["name"], t["dtype"]) for t in report.input_spec["tensors"]] == [
        ("ids", "int64"),
        ("mask", "int64"),
    ]
    assert report.artifacts[0].path.exists()
    verification = report.artifacts[0].verification
    assert verification.comparison.samples == 4 and not verification.low_fidelity  # the .npz
    assert verification.data == "tensors"
