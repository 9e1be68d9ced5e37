"""Polish: the Chinese translation, remembered settings, keyboard shortcuts."""

from __future__ import annotations

from PySide6.QtCore import Qt
from ui_helpers import open_sample


def test_simplified_chinese_is_shipped_and_selectable(qtbot, adb_server, worker, tmp_path, qapp):
    from studio.ui.i18n import install_translation, translations_dir
    from studio.ui.main_window import MainWindow
    from studio.ui.settings import Settings

    assert (translations_dir() / "model_studio_zh_CN.qm").is_file()
    try:
        assert install_translation(qapp, "zh_CN") == "zh_CN"
        win = MainWindow(settings=Settings(tmp_path / "settings.ini"), worker=worker)
        qtbot.addWidget(win)
        assert win.tabs.tabText(0) == "1 · 模型"
        assert win.model_tab.open_button.text() == "打开"
        win.shutdown()
    finally:
        assert install_translation(qapp, "en") == ""
    win = MainWindow(settings=Settings(tmp_path / "settings.ini"), worker=worker)
    qtbot.addWidget(win)
    assert win.tabs.tabText(0) == "1 · Model"
    win.set_language("zh_CN")
    assert Settings(tmp_path / "settings.ini").language == "zh_CN"
    win.shutdown()


def test_layout_folders_and_recent_files_are_remembered(qtbot, window, tmp_path):
    from studio.ui.main_window import MainWindow

    open_sample(qtbot, window)
    window.resize(760, 680)
    size = window.size()
    window.settings.set_folder("calibration", tmp_path)
    window.shutdown()
    again = MainWindow(settings=window.settings, worker=window.worker)
    qtbot.addWidget(again)
    assert again.size() == size and size.width() == 760
    assert again.settings.folder("calibration") == str(tmp_path)
    assert again.settings.recent_files()[0].endswith("digits_cnn.safetensors")
    again.shutdown()


def test_keyboard_shortcuts_move_between_tabs(qtbot, window):
    open_sample(qtbot, window)
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 1  # Compatibility waits for artifacts
    qtbot.keyClick(window, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentIndex() == 3
