"""A virtual phone is marked virtual on the Devices tab whoever started it: its facts say
so, not only the tab's own list of the virtual phones it started."""

from __future__ import annotations

from ui_helpers import open_sample, wait_done


def test_a_virtual_phone_started_outside_the_window_is_marked_virtual(
    qtbot, window, make_virtual_device
):
    phone = make_virtual_device()  # as `model-studio virtual-device` would, not from the tab
    devices = window.devices_tab
    assert phone.serial not in devices.virtual_devices
    devices.scan()
    qtbot.waitUntil(
        lambda: any(d.serial == phone.serial and d.ready for d in window.state.devices),
        timeout=30_000,
    )
    wait_done(qtbot, devices.scan_task)
    device = next(d for d in window.state.devices if d.serial == phone.serial)
    assert device.virtual
    rows = [devices.tree.topLevelItem(i) for i in range(devices.tree.topLevelItemCount())]
    row = next(r for r in rows if r.text(1) == phone.serial)
    assert row.text(0).endswith("(virtual)"), row.text(0)
    # the status bar says so too: its device count is what people glance at
    assert f"{device.name} (virtual)" in window.status_devices.text()


def test_opening_a_model_of_ones_own_answers_the_welcome(qtbot, window):
    assert window.welcome.isVisible()
    open_sample(qtbot, window)  # from the Model tab, not from the welcome's offer
    assert not window.welcome.isVisible() and not window.settings.first_run
