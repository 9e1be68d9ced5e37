"""Whether this computer's Qt can show the window and keep it: said before it opens.

Two failures would otherwise end the application without a word a user can act on:

- Qt finds no display, or its platform plugin lacks a system library (``libxcb-cursor0``
  on a minimal Linux): Qt then aborts the process (SIGABRT) from inside the
  QApplication constructor. :func:`platform_or_exit` listens to Qt's messages while the
  application is created and turns that abort into one plain line and exit code 2.
- A Qt for Python build that loses references to ``None`` as it paints (PySide6 6.12.0
  on Python 3.11: two per ``QPainter.drawLine`` + ``setRenderHint``): the process dies
  with "Fatal Python error: none_dealloc" after a few plots. :func:`check_painting`
  measures it in a fraction of a millisecond and refuses such a build.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterator

from studio.errors import EXIT_BAD_INPUT, StudioError

log = logging.getLogger(__name__)

# Line + render-hint pairs painted by the probe; a leaking build loses two references
# per pair, a sound one a few in all (whatever else the interpreter did meanwhile).
PROBE_PAIRS = 200
# The Qt for Python release known to paint safely on every Python the studio supports.
KNOWN_GOOD = "6.11.3"
HEADLESS = "`model-studio demo` runs the whole flow without a window"


class QtUnusable(StudioError):
    """The installed Qt cannot show or keep the window."""


def none_references_lost(pairs: int = PROBE_PAIRS) -> int:
    """How many references to ``None`` painting ``pairs`` lines into an image loses.

    Python 3.12 and newer never free ``None``: 0 there. Whatever a leaking build took is
    given back, so the probe itself leaves the process as sound as it found it.
    """
    if sys.version_info >= (3, 12):
        return 0
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QImage, QPainter

    image = QImage(16, 16, QImage.Format.Format_ARGB32)
    start, end = QPointF(0, 0), QPointF(15, 15)
    antialiasing = QPainter.RenderHint.Antialiasing
    painter = QPainter(image)
    try:
        before = sys.getrefcount(None)
        for _ in range(pairs):
            painter.drawLine(start, end)
            painter.setRenderHint(antialiasing, True)
        lost = before - sys.getrefcount(None)
    finally:
        painter.end()
    if lost > 0:
        _give_back_none(lost)
    return lost


def _give_back_none(count: int) -> None:
    import ctypes

    incref = ctypes.pythonapi.Py_IncRef
    incref.argtypes = [ctypes.py_object]
    incref.restype = None
    for _ in range(count):
        incref(None)


def check_painting() -> int:
    """Raise :class:`QtUnusable` if this Qt build would crash the window as it paints;
    otherwise the references the probe saw lost (a few at most, or none)."""
    lost = none_references_lost()
    if lost < PROBE_PAIRS:
        return lost
    import PySide6

    python = f"{sys.version_info.major}.{sys.version_info.minor}"
    raise QtUnusable(
        f"the installed Qt for Python (PySide6 {PySide6.__version__}) on Python {python} "
        "loses references as it draws and would crash the window",
        f'install PySide6-Essentials {KNOWN_GOOD} (pip install "PySide6-Essentials=='
        f'{KNOWN_GOOD}") or use Python 3.12 or newer; {HEADLESS}',
    )


@contextlib.contextmanager
def platform_or_exit() -> Iterator[None]:
    """Create the QApplication inside this block: if Qt finds no display or cannot load
    its platform plugin, print one plain line and exit with code 2 instead of aborting.

    Qt's messages meanwhile are collected (the last one explains the abort); when the
    application starts they are printed as Qt would have printed them.
    """
    from PySide6.QtCore import QtMsgType, qInstallMessageHandler

    messages: list[str] = []

    def on_message(kind, context, message: str) -> None:
        category = context.category if context.category not in (None, "default") else None
        messages.append(f"{category}: {message}" if category else message)
        if kind == QtMsgType.QtFatalMsg:
            error = QtUnusable(platform_problem(messages), HEADLESS)
            log.error("%s (Qt said: %s)", error.one_line(), " | ".join(messages))
            print(f"error: {error.one_line()}", file=sys.stderr, flush=True)
            os._exit(EXIT_BAD_INPUT)

    previous = qInstallMessageHandler(on_message)
    try:
        yield
    finally:
        qInstallMessageHandler(previous)
        for message in messages:
            print(message, file=sys.stderr)


def platform_problem(qt_messages: list[str]) -> str:
    """What keeps Qt from opening a window, in plain words, from what Qt said."""
    said = " ".join(qt_messages)
    if "could not connect to display" in said:
        display = os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
        if not display:
            return "the window cannot open: there is no display (DISPLAY is not set)"
        return f"the window cannot open: the display {display} does not answer"
    missing = missing_plugin_library()
    if missing:
        return f"the window cannot open: the system library {missing} is missing"
    return f"the window cannot open: Qt could not start ({qt_messages[-1].splitlines()[0]})"


def missing_plugin_library(plugin: str = "xcb") -> str | None:
    """The library that Qt's platform plugin needs and the system lacks, if that is why
    it does not load (named as the system's loader says, e.g. ``libxcb-cursor.so.0``)."""
    import ctypes

    from PySide6.QtCore import QLibraryInfo

    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)
    path = os.path.join(folder, "platforms", f"libq{plugin}.so")
    if not os.path.exists(path):
        return None
    try:
        ctypes.CDLL(path)
    except OSError as exc:
        return os.path.basename(str(exc).split(":", 1)[0].strip())
    return None


def stress_plots(renders: int, size: tuple[int, int] = (320, 240)) -> dict:
    """Paint a plot like the Latency tab's (a latency curve and a histogram over labelled
    axes with a grid) ``renders`` times, as the screen gets it, with new data each time
    so that the axes redraw: a Qt that loses references while painting aborts in here
    rather than later, with the user's work on screen."""
    import numpy as np
    import pyqtgraph as pg

    plot = pg.PlotWidget(title="Latency")
    plot.resize(*size)
    plot.setLabel("left", "latency", units="ms")
    plot.setLabel("bottom", "inference")
    plot.showGrid(x=True, y=True, alpha=0.2)
    curve = plot.plot([], [], pen=pg.mkPen("#1565c0", width=1.5))
    bars = plot.plot([0, 1], [0], stepMode="center", fillLevel=0, brush="#2e7d3299")
    rng = np.random.default_rng(0)
    started = time.perf_counter()
    for index in range(renders):
        samples = rng.gamma(4.0, 1.0 + index % 7, 100)
        curve.setData(samples)
        counts, edges = np.histogram(samples, bins=20)
        bars.setData(edges, counts)
        image = plot.grab()
    seconds = time.perf_counter() - started
    plot.close()
    plot.deleteLater()
    return {
        "renders": renders,
        "size": f"{image.width()}x{image.height()}",
        "seconds": round(seconds, 2),
    }
