"""Every error a user can reach from the window ends as a plain message, never a freeze."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from hostile_arch import inspect_params
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent
from ui_helpers import JOB_TIMEOUT_MS, click, close_errors, last_error, open_sample, wait_done

from studio.errors import Cancelled, DeviceError, InputError, ModelFileError, WorkerLost


def open_file(qtbot, window, path) -> None:
    window.model_tab.path_edit.setText(str(path))
    click(qtbot, window.model_tab.open_button)
    wait_done(qtbot, window.model_tab.inspect_job)


def test_a_missing_file_is_a_plain_message(qtbot, window, tmp_path):
    open_file(qtbot, window, tmp_path / "nowhere.pt")
    error = last_error(window)
    assert isinstance(error, (ModelFileError, InputError))
    assert "nowhere.pt" in error.message
    assert "Traceback" not in error.message
    assert window.state.model is None
    assert not window.tabs.isTabEnabled(1)
    close_errors()


def test_a_damaged_file_is_a_plain_message(qtbot, window, tmp_path):
    bad = tmp_path / "damaged.pt"
    bad.write_bytes(b"PK\x03\x04" + bytes(range(256)) * 4)
    open_file(qtbot, window, bad)
    dialog = window.last_error
    assert isinstance(dialog.error, ModelFileError)
    assert "damaged.pt" in dialog.message_label.text()
    assert not dialog.details_text.isVisible()
    close_errors()
    # The window still works: the sample opens after the failure.
    open_sample(qtbot, window)


def test_an_error_shows_its_details_on_demand(qtbot, window, tmp_path):
    # A trusted architecture file whose forward tries to end the program: an internal error.
    params = inspect_params(tmp_path, forward="sys.exit(3)")
    tab = window.model_tab
    tab.arch_edit.setText(params["arch"])
    open_file(qtbot, window, params["path"])
    qtbot.waitUntil(lambda: tab.trust_box is not None)
    click(qtbot, tab.trust_button)
    qtbot.waitUntil(lambda: tab.inspect_job.params.get("trust") is True)
    wait_done(qtbot, tab.inspect_job)
    dialog = window.last_error
    assert "Traceback" in dialog.error.details  # where it happened, for whoever asks
    assert not dialog.details_text.isVisible()
    click(qtbot, dialog.details_button)
    assert dialog.details_text.isVisible()
    assert "Traceback" in dialog.details_text.toPlainText()
    assert "SystemExit" in dialog.details_text.toPlainText()
    close_errors()


@pytest.fixture(scope="module")
def pickled_module(tmp_path_factory):
    """A whole pickled nn.Module, written by a separate Python so this process stays torch-free."""
    path = tmp_path_factory.mktemp("pickle") / "whole_model.pt"
    code = (
        "import sys, torch\n"
        "m = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 3)).eval()\n"
        "torch.save(m, sys.argv[1])\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=120)
    return path


def test_a_pickle_asks_for_trust_and_explains_the_risk(qtbot, window, pickled_module):
    tab = window.model_tab
    tab.inputs_editor.add_clicked()
    tab.inputs_editor.shape_edit(0).setText("1,3,2,2")
    open_file(qtbot, window, pickled_module)
    qtbot.waitUntil(lambda: tab.trust_box is not None)
    box = tab.trust_box
    assert "runs Python code" in box.text()
    assert "trust" in box.informativeText()
    click(qtbot, tab.trust_button)
    qtbot.waitUntil(lambda: tab.inspect_job.params.get("trust") is True)
    wait_done(qtbot, tab.inspect_job)
    assert window.state.model_ready
    assert window.state.model_params["trust"] is True


def test_declining_trust_opens_nothing(qtbot, window, pickled_module):
    tab = window.model_tab
    open_file(qtbot, window, pickled_module)
    qtbot.waitUntil(lambda: tab.trust_box is not None)
    tab.trust_box.reject()
    qtbot.waitUntil(lambda: tab.trust_box is None)
    assert window.state.model is None
    assert "did not confirm" in tab.guide.text()


def test_a_pt2_with_pickled_objects_asks_before_anything_runs(qtbot, window, tmp_path):
    marker = tmp_path / "marker.txt"
    script = Path(__file__).parents[1] / "hostile_files.py"
    made = subprocess.run(  # torch stays out of the window's process
        [sys.executable, str(script), "weight", str(tmp_path), str(marker)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    tab = window.model_tab
    open_file(qtbot, window, made.stdout.strip())
    qtbot.waitUntil(lambda: tab.trust_box is not None)
    assert "pickled Python objects" in tab.trust_box.detailedText()
    assert not marker.exists()
    tab.trust_box.reject()
    qtbot.waitUntil(lambda: tab.trust_box is None)
    assert window.state.model is None and not marker.exists()


def test_a_recipe_that_records_trust_still_asks(qtbot, window, pickled_module, tmp_path):
    recipe = tmp_path / "shared.toml"
    recipe.write_text(
        f'[model]\npath = "{pickled_module.as_posix()}"\ntrust = true\n'
        '[input]\ntensors = [{name = "input", shape = [1, 3, 2, 2]}]\n'
        '[convert]\ntargets = ["onnx"]\n'
    )
    tab = window.model_tab
    assert window.convert_tab.load_recipe(str(recipe))
    qtbot.waitUntil(lambda: tab.trust_box is not None)  # the person decides, not the recipe
    assert tab.inspect_job.params.get("trust") is not True
    tab.trust_box.reject()
    qtbot.waitUntil(lambda: tab.trust_box is None)
    assert window.state.model is None


def test_bad_architecture_arguments_are_refused_before_any_work(qtbot, window):
    tab = window.model_tab
    tab.path_edit.setText("model.pt")
    tab.kwargs_edit.setText("{num_classes: 10")
    click(qtbot, tab.open_button)
    error = last_error(window)
    assert "JSON object" in error.message
    assert tab.inspect_job is None
    close_errors()
    tab.kwargs_edit.clear()
    tab.inputs_editor.add_clicked()
    tab.inputs_editor.shape_edit(0).setText("1,three,8")
    click(qtbot, tab.open_button)
    assert "whole numbers" in last_error(window).message
    close_errors()


def test_impossible_recipes_are_disabled_and_explained(qtbot, window):
    open_sample(qtbot, window)
    convert = window.convert_tab
    boxes = convert.target_boxes
    boxes["pte"].setChecked(True)
    convert.capture_combo.setCurrentIndex(convert.capture_combo.findData("export"))
    assert not boxes["pt"].isEnabled() and not boxes["ptl"].isEnabled()
    assert "TorchScript" in boxes["ptl"].toolTip()
    convert.capture_combo.setCurrentIndex(convert.capture_combo.findData("auto"))
    assert boxes["ptl"].isEnabled()

    boxes["ptl"].setChecked(True)
    fp16 = convert.quantize_combo.findData("fp16")
    assert not convert.quantize_combo.model().item(fp16).isEnabled()
    assert "float16" in convert.quantize_combo.model().item(fp16).toolTip()

    convert.quantize_combo.setCurrentIndex(convert.quantize_combo.findData("static"))
    convert.calibration_edit.clear()
    assert "calibration" in convert.problem_label.text()
    assert not convert.convert_button.isEnabled()
    convert.random_calibration.setChecked(True)
    assert convert.problem_label.text() == ""
    assert convert.convert_button.isEnabled()


def test_recipes_save_load_and_refuse_bad_files(qtbot, window, tmp_path):
    open_sample(qtbot, window)
    convert = window.convert_tab
    convert.target_boxes["onnx"].setChecked(True)
    convert.opset_spin.setValue(13)
    convert.quantize_combo.setCurrentIndex(convert.quantize_combo.findData("dynamic"))
    path = tmp_path / "recipe.toml"
    assert convert.save_recipe(str(path))
    convert.target_boxes["onnx"].setChecked(False)
    convert.opset_spin.setValue(17)
    assert convert.load_recipe(str(path))
    assert convert.target_boxes["onnx"].isChecked()
    assert convert.opset_spin.value() == 13
    assert convert.quantize_combo.currentData() == "dynamic"

    bad = tmp_path / "bad.toml"
    bad.write_text("[convert\ntargets = ")
    assert not convert.load_recipe(str(bad))
    assert "TOML" in last_error(window).message
    close_errors()
    assert convert.opset_spin.value() == 13  # the form kept what it had


# How long a cancelled job may take to end: a deadline, not a performance target.
CANCEL_DEADLINE_MS = 30_000


def test_cancel_stops_a_running_conversion_and_leaves_no_artifact(qtbot, window, tmp_path):
    open_sample(qtbot, window)
    convert = window.convert_tab
    for target, box in convert.target_boxes.items():
        box.setChecked(target == "pte")
    out = tmp_path / "cancelled"
    convert.output_edit.setText(str(out))
    click(qtbot, convert.convert_button)
    reported = []
    convert.job.progress.connect(reported.append)
    qtbot.waitUntil(lambda: bool(reported), timeout=JOB_TIMEOUT_MS)  # it runs
    assert not convert.job.done
    click(qtbot, convert.progress.cancel_button)
    job = wait_done(qtbot, convert.job, CANCEL_DEADLINE_MS)
    assert isinstance(job.error, Cancelled), job.error or job.result
    assert "Cancelled" in convert.progress.status.text()
    assert not [p for p in out.rglob("*") if p.suffix == ".pte"]
    assert window.state.artifacts == []
    assert convert.convert_button.isEnabled()
    served = wait_done(qtbot, window.worker.submit("versions"))  # the worker goes on
    assert served.error is None and served.result


def test_an_unwritable_output_folder_is_a_plain_message(qtbot, window, tmp_path):
    open_sample(qtbot, window)
    convert = window.convert_tab
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    convert.output_edit.setText(str(blocker / "artifacts"))
    click(qtbot, convert.convert_button)
    job = wait_done(qtbot, convert.job)
    assert job.error is not None
    error = last_error(window)
    assert "cannot be created" in error.message and "artifacts" in error.message
    assert "failed" in convert.guide.text()
    assert window.state.artifacts == []
    close_errors()
    assert convert.convert_button.isEnabled()


def test_a_crashed_worker_is_reported_and_replaced(qtbot, window):
    worker = window.worker
    qtbot.waitUntil(lambda: worker.pid is not None)
    first_pid = worker.pid
    from studio.paths import resource

    job = worker.submit("inspect", {"path": str(resource("samples", "digits_cnn.safetensors"))})
    with qtbot.waitSignal(worker.crashed, timeout=30_000):
        worker.process.kill()
    wait_done(qtbot, job)
    assert isinstance(job.error, WorkerLost)
    assert "ended unexpectedly" in job.error.message and "restarted" in job.error.message
    from studio.ui.widgets.errors import ErrorDialog

    dialog = ErrorDialog(job.error, parent=window)  # what the window shows: where the log is
    assert "Log file:" in dialog.details_text.toPlainText()
    dialog.deleteLater()
    qtbot.waitUntil(lambda: worker.pid not in (None, first_pid), timeout=30_000)
    versions = wait_done(qtbot, worker.submit("versions"))
    assert versions.error is None and versions.result.libraries["torch"]
    assert "restarted" in window.statusBar().currentMessage()


def test_device_errors_are_plain(qtbot, window):
    devices = window.devices_tab
    devices.server_edit.setText("lab-pc:port")
    click(qtbot, devices.server_button)
    assert "Not an adb server address" in last_error(window).message
    close_errors()
    devices.server_edit.clear()
    click(qtbot, devices.server_button)
    assert "address" in last_error(window).message
    close_errors()

    devices.server_edit.setText("127.0.0.2:1")  # not this computer's: never started
    click(qtbot, devices.server_button)
    qtbot.waitUntil(lambda: "127.0.0.2:1" in devices.servers_label.text(), timeout=60_000)
    assert not window.tabs.isTabEnabled(4)  # nothing to measure yet

    devices.wifi_edit.setText("127.0.0.1:1")
    click(qtbot, devices.wifi_button)
    wait_done(qtbot, devices.connect_task, 60_000)
    error = last_error(window)
    assert isinstance(error, DeviceError)
    assert "127.0.0.1:1" in error.message
    close_errors()


def test_drop_and_recent_files_open_models(qtbot, window):
    from studio.paths import resource

    sample = resource("samples", "digits_cnn.safetensors")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(sample))])
    event = QDropEvent(
        QPointF(10, 10),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    window.dropEvent(event)
    wait_done(qtbot, window.model_tab.inspect_job)
    assert window.state.model_ready
    assert str(sample) in window.settings.recent_files()
    window._fill_recent()
    actions = [a for a in window.recent_menu.actions() if a.isEnabled()]
    assert actions and actions[0].text() == sample.name


def test_about_shows_toolchain_versions(qtbot, window):
    window.show_about()
    qtbot.waitUntil(lambda: "torch:" in window.about_box.informativeText(), timeout=60_000)
    text = window.about_box.informativeText()
    for name in ("executorch:", "onnxruntime:", "adb:"):
        assert name in text


@pytest.fixture(scope="module")
def resnet_weights(tmp_path_factory):
    """A resnet18 state dict with 10 classes, written by a separate Python (no torch here)."""
    path = tmp_path_factory.mktemp("weights") / "classifier.pth"
    code = (
        "import sys, torch, torchvision\n"
        "m = torchvision.models.resnet18(weights=None, num_classes=10)\n"
        "torch.save(m.state_dict(), sys.argv[1])\n"
    )
    subprocess.run([sys.executable, "-c", code, str(path)], check=True, timeout=120)
    return path


def test_weights_only_files_show_the_architecture_candidates(qtbot, window, resnet_weights):
    tab = window.model_tab
    open_file(qtbot, window, resnet_weights)
    assert window.state.model_ready, window.last_error and window.last_error.error
    assert tab.candidates_box.isVisible()
    assert "resnet18" in tab.candidates_label.text()
    click(qtbot, tab.candidates_toggle)
    assert tab.candidates_table.isVisible()
    assert tab.candidates_table.item(0, 0).text() == "resnet18"
    assert "10" in tab.candidates_table.item(0, 2).text()  # num_classes found from the weights
    assert tab.summary_labels["architecture"].text().startswith("resnet18")
    tab.candidates_table.selectRow(0)
    click(qtbot, tab.use_button)
    wait_done(qtbot, tab.inspect_job)
    assert tab.inspect_job.params["arch"] == "resnet18"
    assert window.state.model_ready


def test_an_unauthorized_phone_gets_guidance(qtbot, window, make_virtual_device):
    phone = make_virtual_device(authorized=False)
    devices = window.devices_tab
    qtbot.waitUntil(
        lambda: any(d.serial == phone.serial for d in window.state.devices), timeout=60_000
    )
    devices.select_device(phone.serial)
    device = devices.selected_device()
    assert device.state == "unauthorized" and not device.ready
    assert "USB debugging" in devices.facts_label.text() or "accept" in devices.facts_label.text()
    assert not devices.push_button.isEnabled()
    phone.authorize()
    qtbot.waitUntil(
        lambda: any(d.serial == phone.serial and d.ready for d in window.state.devices),
        timeout=60_000,
    )
    devices.select_device(phone.serial)
    assert "Pixel 7" in devices.facts_label.text()
