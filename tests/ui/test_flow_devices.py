"""The Devices tab over converted artifacts: a virtual phone, a push with a checksum."""

from __future__ import annotations

from pathlib import Path

import pytest
from ui_helpers import click, start_virtual_phone, wait_done


@pytest.mark.slow
def test_push_to_a_virtual_phone_with_a_checksum(qtbot, converted):
    window = converted
    virtual = start_virtual_phone(qtbot, window)
    window.go_to("devices")
    devices = window.devices_tab
    devices.select_device(virtual.serial)
    assert "Pixel 7" in devices.facts_label.text()
    assert len(devices.checked_artifacts()) == len(window.state.artifacts)  # all ticked
    click(qtbot, devices.push_button)
    wait_done(qtbot, devices.push_task, 60_000)
    assert devices.push_task.error is None, devices.push_task.error
    assert len(devices.last_push) == len(window.state.artifacts)
    for pushed in devices.last_push:
        on_phone = virtual.host_path(pushed.remote_path)
        assert on_phone.read_bytes() == Path(pushed.local_path).read_bytes()
    assert "SHA-256" in devices.push_result.text()
    assert window.tabs.isTabEnabled(4)
    click(qtbot, devices.next_button)
    assert window.tabs.currentIndex() == 4
