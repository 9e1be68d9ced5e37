"""Light or dark, as the system says; plots follow the window's palette."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication


def apply_theme(app: QApplication) -> None:
    """Use Fusion, which takes the system's light or dark scheme and follows changes."""
    if app.style().name().lower() != "fusion":
        app.setStyle("Fusion")


def plot_colors() -> tuple[str, str]:
    """Background and foreground colours for pyqtgraph plots."""
    palette = QGuiApplication.palette()
    return (
        palette.color(QPalette.ColorRole.Base).name(),
        palette.color(QPalette.ColorRole.Text).name(),
    )
