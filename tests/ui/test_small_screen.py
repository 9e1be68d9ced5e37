"""Every tab is usable on a 1366×768 screen with a task bar: the window fits, and each tab's
buttons, the status bar and the Model tab's descriptions are inside it and not cut off."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel, QPushButton, QScrollArea
from ui_helpers import load_artifacts, open_sample, start_virtual_phone

from studio.ui.main_window import DEFAULT_SIZE, FRAME_ALLOWANCE, TAB_KEYS

# 1366×768 less a 40-pixel task bar: what the screen's available geometry is.
SCREEN = QRect(0, 0, 1366, 768 - 40)
ROOM = (SCREEN.width() - FRAME_ALLOWANCE[0], SCREEN.height() - FRAME_ALLOWANCE[1])


# What each tab is for: these buttons must be in view without scrolling.
MAIN_ACTIONS = {
    "model": ("open_button", "classify_button", "next_button"),
    "convert": ("convert_button", "next_button"),
    "compat": ("check_button", "next_button"),
    "devices": ("push_button", "next_button"),
    "latency": ("start_button", "stop_button", "export_csv_button"),
}


def in_scroll_area(widget, tab) -> bool:
    parent = widget.parentWidget()
    while parent is not None and parent is not tab:
        if isinstance(parent, QScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def fitted(window) -> None:
    """The window as it opens the first time on that screen."""
    window.resize(*DEFAULT_SIZE)
    window.fit_into(SCREEN)
    QApplication.processEvents()


def in_window(window, widget) -> QRect:
    """``widget``'s rectangle in the window's coordinates."""
    return QRect(widget.mapTo(window, QPoint(0, 0)), widget.size())


def not_shown(window, widget) -> str | None:
    """What hides part of ``widget`` (outside the window, or cut by its parents), or None."""
    rect = in_window(window, widget)
    name = getattr(widget, "text", lambda: "")() or type(widget).__name__
    if not window.rect().contains(rect):
        return f"{name!r} at {rect} outside {window.rect()}"
    visible = widget.visibleRegion().boundingRect()
    if visible.size() != widget.size():
        return f"{name!r} cut to {visible.size()} of {widget.size()}"
    return None


def assert_fully_shown(window, widget) -> None:
    problem = not_shown(window, widget)
    assert problem is None, problem


def assert_not_clipped(label: QLabel) -> None:
    if label.wordWrap():
        needed = label.heightForWidth(label.width())
        assert label.height() >= needed, f"{label.text()!r}: {label.height()} < {needed}"
    else:
        assert label.width() >= label.sizeHint().width(), label.text()


def test_the_first_window_fits_the_screen_it_opens_on(window):
    fitted(window)
    assert window.width() <= ROOM[0] and window.height() <= ROOM[1], window.size()
    assert SCREEN.contains(window.geometry())


def test_a_saved_size_larger_than_the_screen_is_shrunk(window):
    window.resize(1600, 1000)
    window.move(200, 150)
    window.fit_into(SCREEN)
    assert window.width() <= ROOM[0] and window.height() <= ROOM[1]
    assert SCREEN.contains(window.geometry())


def test_the_minimum_sizes_fit_the_small_screen(window):
    for key in TAB_KEYS[1:]:
        window.tab(key)
    hint = window.minimumSizeHint()
    assert hint.width() <= ROOM[0] and hint.height() <= ROOM[1], hint
    for index in range(window.tabs.count()):
        page = window.tabs.widget(index)
        tab_hint = page.minimumSizeHint()
        assert tab_hint.width() <= ROOM[0] and tab_hint.height() <= ROOM[1], (index, tab_hint)


@pytest.mark.slow
def test_every_tab_is_usable_at_1366_by_768(qtbot, window, sample_artifacts, tmp_path):
    open_sample(qtbot, window)
    load_artifacts(window, sample_artifacts, tmp_path / "artifacts")  # after: opening resets
    start_virtual_phone(qtbot, window)
    fitted(window)
    problems = []
    for index, key in enumerate(TAB_KEYS):
        assert window.tabs.isTabEnabled(index), key
        window.go_to(key)
        QApplication.processEvents()
        assert window.tabs.currentIndex() == index
        tab = window.model_tab if key == "model" else window.tab(key)
        assert_fully_shown(window, window.statusBar())
        actions = [getattr(tab, name) for name in MAIN_ACTIONS[key]]
        problems += [f"{key}: {p}" for p in map(lambda b: not_shown(window, b), actions) if p]
        # the other buttons are in view, or in a form that scrolls to them
        others = [b for b in tab.findChildren(QPushButton) if b.isVisibleTo(tab)]
        others = [b for b in others if b not in actions and not in_scroll_area(b, tab)]
        problems += [f"{key}: {p}" for p in map(lambda b: not_shown(window, b), others) if p]
    assert not problems, "\n".join(problems)


def test_the_model_tab_descriptions_are_not_cut_off_with_the_candidates_shown(qtbot, window):
    open_sample(qtbot, window)
    fitted(window)
    tab = window.model_tab
    tab.candidates_toggle.setChecked(True)  # "Show the candidates"
    QApplication.processEvents()
    assert tab.candidates_table.isVisible()
    for label in [tab.candidates_label, tab.guide, *tab.summary_labels.values()]:
        assert_not_clipped(label)
    assert_fully_shown(window, tab.use_button)
    assert_fully_shown(window, tab.next_button)


FIRST_START = r"""
import sys
from studio.ui.app import create_app
app = create_app("")
from studio.ui.main_window import MainWindow
from studio.ui.settings import Settings
first = MainWindow(settings=Settings(sys.argv[1]))
print(*first.geometry().getRect())
first.resize(1600, 1000)  # as a larger screen left it
first.shutdown()
again = MainWindow(settings=Settings(sys.argv[1]))
print(*again.geometry().getRect())
again.shutdown()
"""


def test_the_window_fits_a_1366_by_768_screen_on_first_and_later_starts(tmp_path):
    # Qt's offscreen platform, given a screen of that size (no display needed).
    screens = tmp_path / "screens.json"
    screens.write_text(
        '{"screens": [{"name": "small", "x": 0, "y": 0, "width": 1366, "height": 768,'
        ' "logicalDpi": 96, "logicalBaseDpi": 96, "dpr": 1}]}'
    )
    env = {**os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screens}"}
    out = subprocess.run(
        [sys.executable, "-c", FIRST_START, str(tmp_path / "settings.ini")],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    lines = [line.split() for line in out.stdout.splitlines() if line.strip()]
    assert len(lines) == 2, out.stderr[-2000:]
    for x, y, width, height in ([int(v) for v in line] for line in lines):
        assert x >= 0 and y >= 0
        assert x + width <= 1366 and y + height <= 768 - FRAME_ALLOWANCE[1], (x, y, width, height)
