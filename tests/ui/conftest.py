"""A real main window with a real worker process, on the session's adb server."""

from __future__ import annotations

import pytest


@pytest.fixture
def window(qtbot, adb_server, tmp_path):
    from studio.ui.app import create_app
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import Settings

    create_app("")
    win = MainWindow(settings=Settings(tmp_path / "settings.ini"))
    qtbot.addWidget(win)
    win.resize(1280, 860)
    win.show()
    win.worker.start()
    yield win
    win.shutdown()
