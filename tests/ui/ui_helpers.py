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
