"""The Devices tab: a failed artifact is not ticked and is pushed only after a confirmation;
pushed files are named right whatever the path's separators; a Wi-Fi address that does not
answer is named plainly and leaves no offline row."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from ui_helpers import (
    click,
    close_errors,
    last_error,
    load_artifacts,
    start_virtual_phone,
    wait_done,
)

from studio.ui.tabs.devices_tab import file_name


@pytest.mark.parametrize(
    "path",
    [
        r"C:\Users\Ana\Model Studio\digits-int8.pte",
        "/home/ana/model-studio/digits-int8.pte",
        r"\\lab-pc\share\digits-int8.pte",
    ],
)
def test_a_pushed_file_is_named_by_its_last_part(path):
    assert file_name(path) == "digits-int8.pte"


class FailedConversion:
    """The session's conversion as if the verification of ``target`` had failed."""

    def __init__(self, report, target: str):
        self.report, self.target = report, target

    def to_dict(self) -> dict:
        doc = self.report.to_dict()
        for artifact in doc["artifacts"]:
            if artifact["target"] == self.target:
                artifact["verification"] = {**(artifact["verification"] or {}), "verdict": "fail"}
        return doc


@pytest.fixture
def one_failed(window, sample_artifacts, tmp_path):
    """The window after a conversion whose .ptl failed verification."""
    load_artifacts(window, FailedConversion(sample_artifacts, "ptl"), tmp_path / "artifacts")
    return window


def items(devices) -> dict[str, object]:
    rows = [devices.artifact_list.item(i) for i in range(devices.artifact_list.count())]
    return {row.data(Qt.ItemDataRole.UserRole): row for row in rows}


def failed_path(window) -> str:
    return next(str(a.path) for a in window.state.artifacts if a.failed)


@pytest.mark.slow
def test_a_failed_artifact_is_marked_and_not_ticked(qtbot, one_failed):
    window = one_failed
    devices = window.devices_tab
    failed = failed_path(window)
    listed = items(devices)
    assert set(listed) == {str(a.path) for a in window.state.artifacts}
    assert "failed verification" in listed[failed].text()
    assert "Convert tab" in listed[failed].toolTip()
    assert failed not in devices.checked_artifacts()
    assert len(devices.checked_artifacts()) == len(listed) - 1  # the others are ticked
    window.state.artifacts_changed.emit()  # listed again: still not ticked
    assert failed not in devices.checked_artifacts()


@pytest.mark.slow
def test_pushing_a_failed_artifact_asks_first(qtbot, one_failed):
    window = one_failed
    virtual = start_virtual_phone(qtbot, window)
    window.go_to("devices")
    devices = window.devices_tab
    devices.select_device(virtual.serial)
    failed = failed_path(window)
    for path, item in items(devices).items():
        item.setCheckState(Qt.CheckState.Checked if path == failed else Qt.CheckState.Unchecked)

    click(qtbot, devices.push_button)
    box = devices.confirm_box
    assert box is not None and box.isVisible()
    text = box.text() + " " + box.informativeText()
    assert "failed verification" in text
    assert "Convert tab" in text and "untick" in text  # what to click instead
    assert "--" not in text
    qtbot.mouseClick(box.button(QMessageBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert devices.push_task is None  # nothing was pushed

    click(qtbot, devices.push_button)
    box = devices.confirm_box
    anyway = next(b for b in box.buttons() if b.text() == "Push anyway")
    qtbot.mouseClick(anyway, Qt.MouseButton.LeftButton)
    wait_done(qtbot, devices.push_task, 60_000)
    assert devices.push_task.error is None, devices.push_task.error
    assert [p.local_path for p in devices.last_push] == [failed]


@pytest.mark.slow
def test_a_wifi_address_that_does_not_answer(qtbot, window):
    devices = window.devices_tab
    with socket.socket() as silent:  # accepts connections, never answers the adb handshake
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        address = f"127.0.0.1:{silent.getsockname()[1]}"
        devices.wifi_edit.setText(address)
        click(qtbot, devices.wifi_button)
        wait_done(qtbot, devices.connect_task, 30_000)
    error = last_error(window)
    assert error.message == f"The phone at {address} did not answer"
    assert "same network" in error.hint and "Wireless debugging" in error.hint
    close_errors()
    qtbot.waitUntil(
        lambda: devices.scan_task is not None and devices.scan_task.done, timeout=30_000
    )
    assert address not in {d.serial for d in window.state.devices}  # no stale offline row
