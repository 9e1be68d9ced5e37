"""A real main window with a real worker process, on the session's adb server."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def worker(qapp):
    """One worker process for the UI tests: starting one costs seconds (it imports torch)."""
    from studio.ui.app import create_app
    from studio.ui.worker_client import WorkerClient

    create_app("")
    client = WorkerClient()
    client.start()
    yield client
    client.stop()


@pytest.fixture
def window(qtbot, adb_server, worker, tmp_path):
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import Settings

    win = MainWindow(settings=Settings(tmp_path / "settings.ini"), worker=worker)
    qtbot.addWidget(win)
    win.resize(1280, 860)
    win.show()
    yield win
    win.shutdown()


@pytest.fixture
def converted(window, sample_artifacts, tmp_path):
    """The window after the sample was converted to pt, ptl, pte and onnx (copies of the
    session's artifacts in ``tmp_path / "artifacts"``)."""
    from ui_helpers import load_artifacts

    load_artifacts(window, sample_artifacts, tmp_path / "artifacts")
    return window
