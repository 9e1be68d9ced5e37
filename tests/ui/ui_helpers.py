"""Helpers for driving the main window in tests."""

from __future__ import annotations

from PySide6.QtCore import Qt

# The worker's first job may wait for the process to start and import the model stack.
JOB_TIMEOUT_MS = 120_000


def wait_done(qtbot, job, timeout: int = JOB_TIMEOUT_MS):
    """Wait for a JobHandle or Task to finish; return it."""
    qtbot.waitUntil(lambda: job is not None and job.done, timeout=timeout)
    return job


def open_sample(qtbot, window):
    qtbot.mouseClick(window.model_tab.sample_button, Qt.MouseButton.LeftButton)
    wait_done(qtbot, window.model_tab.inspect_job)
    assert window.state.model_ready, window.last_error and window.last_error.error


def click(qtbot, button):
    assert button.isEnabled(), f"{button.text()} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def last_error(window) -> dict:
    from studio.ui.widgets.errors import open_error_dialogs

    dialogs = open_error_dialogs()
    assert dialogs, "no error dialog is shown"
    return dialogs[-1].error


def close_errors() -> None:
    from studio.ui.widgets.errors import open_error_dialogs

    for dialog in open_error_dialogs():
        dialog.accept()


def load_artifacts(window, report, folder) -> list:
    """Put a conversion's artifacts into the window as if it had just made them: copies of
    them in ``folder`` (a test may change or add files there). Returns the copies' paths."""
    import shutil
    from pathlib import Path

    from studio.convert.report import ConversionReport

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    doc = report.to_dict()
    for artifact in doc["artifacts"]:
        copy = folder / Path(artifact["path"]).name
        shutil.copy2(artifact["path"], copy)
        artifact["path"] = str(copy)
    doc["output_folder"] = str(folder)
    window.state.set_conversion(ConversionReport.from_dict(doc))
    return [Path(a["path"]) for a in doc["artifacts"]]


def start_virtual_phone(qtbot, window):
    """A virtual phone started from the Devices tab, once the window lists it as ready."""
    devices = window.devices_tab
    devices.start_virtual_device()
    return wait_virtual_phone(qtbot, window)


def wait_virtual_phone(qtbot, window):
    """The virtual phone the Devices tab is starting, once the window lists it as ready."""
    devices = window.devices_tab
    wait_done(qtbot, devices.virtual_task, 60_000)
    assert devices.virtual_task.error is None, devices.virtual_task.error
    virtual = next(iter(devices.virtual_devices.values()))
    qtbot.waitUntil(
        lambda: any(d.serial == virtual.serial and d.ready for d in window.state.devices),
        timeout=30_000,
    )
    return virtual
